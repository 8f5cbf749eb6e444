"""Small factory functions for the principles page; override what a test cares about."""

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from principles import services
from principles.models import (
    EncounterSentence,
    Guideline,
    Page,
    Principle,
    PublishedVersion,
    Statement,
)

_serial = itertools.count(1)


def make_page(**overrides) -> Page:
    fields = {
        "title_fi": "Asiakaspalvelun periaatteet",
        "title_sv": "Principer för kundservice",
        "title_en": "Customer-service principles",
        "introduction_fi": "Näin palvelemme.",
    }
    return Page.objects.create(**{**fields, **overrides})


def make_principle(*, page: Page, **overrides) -> Principle:
    n = next(_serial)
    fields = {
        "position": n,
        "name_fi": f"Periaate {n}",
        "name_sv": f"Princip {n}",
        "name_en": f"Principle {n}",
        "description_fi": f"Kuvaus {n}",
    }
    return Principle.objects.create(page=page, **{**fields, **overrides})


def make_guideline(*, principle: Principle, **overrides) -> Guideline:
    n = next(_serial)
    fields = {"position": n, "text_fi": f"Ohje {n}", "text_sv": f"Riktlinje {n}"}
    return Guideline.objects.create(
        page=principle.page, principle=principle, **{**fields, **overrides}
    )


def make_statement(*, page: Page, **overrides) -> Statement:
    n = next(_serial)
    return Statement.objects.create(
        page=page, **{"position": n, "text_fi": f"Kehu {n}", **overrides}
    )


def make_encounter_sentence(*, page: Page, **overrides) -> EncounterSentence:
    n = next(_serial)
    fields = {"position": n, "text_fi": f"Kohtaaminen {n}"}
    return EncounterSentence.objects.create(page=page, **{**fields, **overrides})


def make_draft(*, principles: int = 4, guidelines: int = 3, **overrides) -> Page:
    """A draft like the 3AMK one: principles with guidelines, a statement, a sentence."""
    page = make_page(**overrides)
    for _ in range(principles):
        principle = make_principle(page=page)
        for _ in range(guidelines):
            make_guideline(principle=principle)
    make_statement(page=page)
    make_encounter_sentence(page=page)
    return page


def make_published_page(*, now: dt.datetime, user=None, **draft_options) -> PublishedVersion:
    page = make_draft(**draft_options)
    return services.page_publish(page=page, user=user, now=now)


def make_staff_user(*, permissions: tuple[str, ...] = (), **overrides):
    n = next(_serial)
    fields = {"username": f"staff{n}", "is_staff": True}
    user = get_user_model().objects.create_user(**{**fields, **overrides})
    for codename in permissions:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="principles", codename=codename)
        )
    return user
