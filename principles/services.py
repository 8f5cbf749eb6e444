"""Every write to the principles page goes through these functions."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from . import page_cache
from .content import snapshot_of
from .models import (
    LANGUAGE_CODES,
    EncounterSentence,
    Guideline,
    Page,
    Principle,
    PublishedVersion,
    Statement,
)


def publisher_name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@transaction.atomic
def page_publish(
    *, page: Page, user: AbstractBaseUser | None, now: dt.datetime
) -> PublishedVersion:
    """Make the saved draft the public page, as a new version; earlier versions are kept."""
    # Locking the page row makes two simultaneous publishes take turns on PostgreSQL.
    page = Page.objects.select_for_update().with_content().get(pk=page.pk)
    snapshot = snapshot_of(page)
    if not snapshot["principles"]:
        raise ValidationError(
            _("Add at least one principle to the draft before publishing it."), code="empty"
        )
    last = page.versions.aggregate(last=Max("number"))["last"] or 0
    page_cache.page_changed()  # bumped again after the commit (cache_versions)
    try:
        with transaction.atomic():
            page.versions.filter(is_current=True).update(is_current=False)
            return PublishedVersion.objects.create(
                page=page,
                number=last + 1,
                snapshot=snapshot,
                published_at=now,
                published_by=user,
                published_by_name=publisher_name(user),
                is_current=True,
            )
    except IntegrityError as error:
        raise ValidationError(
            _("Someone else published the page at the same moment. Reload and try again."),
            code="race",
        ) from error


def _columns(prefix: str, texts: Mapping[str, str]) -> dict[str, str]:
    return {f"{prefix}_{code}": texts.get(code, "") for code in LANGUAGE_CODES}


@transaction.atomic
def page_fill(*, page: Page, snapshot: Mapping[str, Any]) -> Page:
    """Replace everything in the draft with the content of a snapshot."""
    for field, value in {
        **_columns("title", snapshot["title"]),
        **_columns("introduction", snapshot["introduction"]),
    }.items():
        setattr(page, field, value)
    page.save()
    page.principles.all().delete()
    page.statements.all().delete()
    page.encounter_sentences.all().delete()
    guidelines = []
    for position, data in enumerate(snapshot["principles"], start=1):
        principle = Principle.objects.create(
            page=page,
            position=position,
            **_columns("name", data["name"]),
            **_columns("description", data["description"]),
        )
        guidelines += [
            Guideline(page=page, principle=principle, position=number, **_columns("text", texts))
            for number, texts in enumerate(data["guidelines"], start=1)
        ]
    Guideline.objects.bulk_create(guidelines)
    Statement.objects.bulk_create(
        Statement(page=page, position=position, **_columns("text", texts))
        for position, texts in enumerate(snapshot["statements"], start=1)
    )
    EncounterSentence.objects.bulk_create(
        EncounterSentence(page=page, position=position, **_columns("text", texts))
        for position, texts in enumerate(snapshot["encounter_sentences"], start=1)
    )
    return page


def version_restore(*, version: PublishedVersion) -> Page:
    """Copy an earlier published version into the draft, for checking and publishing again."""
    return page_fill(page=version.page, snapshot=version.snapshot)


@transaction.atomic
def version_republish(
    *, version: PublishedVersion, user: AbstractBaseUser | None, now: dt.datetime
) -> PublishedVersion:
    """Put an earlier version back on the public site, as a new version (the draft follows)."""
    page = version_restore(version=version)
    return page_publish(page=page, user=user, now=now)
