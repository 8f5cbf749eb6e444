import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from principles import services
from principles.models import Page, PublishedVersion
from tests.principles.factories import make_draft, make_page, make_published_page

pytestmark = pytest.mark.django_db


def test_publishing_makes_the_draft_public_with_time_and_publisher(client, now, coordinator):
    page = make_draft(title_fi="Periaatteemme")

    version = services.page_publish(page=page, user=coordinator, now=now)

    version.refresh_from_db()
    assert version.number == 1
    assert version.is_current
    assert version.published_at == now
    assert version.published_by == coordinator
    assert version.published_by_name == "Kaisu Koordinaattori"
    assert version.snapshot["title"]["fi"] == "Periaatteemme"
    assert "Periaatteemme" in client.get(reverse("principles:page")).text


def test_publishing_again_keeps_the_earlier_version(now):
    first = make_published_page(now=now, title_fi="Vanha")
    page = first.page
    page.title_fi = "Uusi"
    page.save()

    second = services.page_publish(page=page, user=None, now=now + dt.timedelta(days=1))

    first.refresh_from_db()
    assert not first.is_current
    assert first.snapshot["title"]["fi"] == "Vanha"
    assert second.number == 2
    assert second.is_current
    assert list(PublishedVersion.objects.current()) == [second]


def test_an_empty_draft_cannot_be_published(now):
    page = make_page()

    with translation.override("en"), pytest.raises(ValidationError, match="at least one principle"):
        services.page_publish(page=page, user=None, now=now)

    assert not PublishedVersion.objects.exists()


def test_the_database_refuses_a_second_current_version(now):
    version = make_published_page(now=now)

    with pytest.raises(IntegrityError):
        PublishedVersion.objects.create(
            page=version.page, number=2, snapshot={}, published_at=now, is_current=True
        )


def test_the_database_refuses_a_second_page():
    make_page()

    with pytest.raises(IntegrityError):
        Page.objects.create(title_fi="Toinen sivu")


def test_a_coordinator_publishes_from_the_page_change_screen(client, now, coordinator):
    page = make_draft()
    client.force_login(coordinator)

    change_screen = client.get(reverse("admin:principles_page_change", args=[page.pk]))
    response = client.post(reverse("admin:principles_page_publish", args=[page.pk]), follow=True)

    assert "Julkaise tallennettu luonnos" in change_screen.text
    assert "Julkaistu versiona 1." in response.text
    assert PublishedVersion.objects.current().get().published_by == coordinator


def test_the_change_screen_edits_everything_in_one_place(client, coordinator):
    page = make_draft()
    client.force_login(coordinator)

    response = client.get(reverse("admin:principles_page_change", args=[page.pk]))

    for prefix in ["principles", "guidelines", "statements", "encounter_sentences"]:
        assert f'name="{prefix}-TOTAL_FORMS"' in response.text
    assert reverse("principles:draft_preview") in response.text


def test_publishing_an_empty_draft_from_the_admin_says_what_to_do(client, coordinator):
    page = make_page()
    client.force_login(coordinator)
    with translation.override("en"):
        url = reverse("admin:principles_page_publish", args=[page.pk])

    response = client.post(url, follow=True)

    assert "Add at least one principle" in response.text
    assert not PublishedVersion.objects.exists()


def test_staff_without_the_publish_permission_cannot_publish(client, staff):
    page = make_draft()
    client.force_login(staff)

    response = client.post(reverse("admin:principles_page_publish", args=[page.pk]))

    assert response.status_code == 403
    assert not PublishedVersion.objects.exists()


def test_publishing_needs_a_post(client, coordinator):
    page = make_draft()
    client.force_login(coordinator)

    response = client.get(reverse("admin:principles_page_publish", args=[page.pk]))

    assert response.status_code == 405
    assert not PublishedVersion.objects.exists()


def test_the_admin_action_publishes_the_draft(client, coordinator):
    page = make_draft()
    client.force_login(coordinator)

    client.post(
        reverse("admin:principles_page_changelist"),
        {"action": "publish", "_selected_action": [page.pk]},
    )

    assert PublishedVersion.objects.current().get().page == page


def test_a_second_page_cannot_be_added_in_the_admin(client, coordinator):
    make_page()
    coordinator.is_superuser = True
    coordinator.save()
    client.force_login(coordinator)

    assert client.get(reverse("admin:principles_page_add")).status_code == 403


def management_form(prefix: str, total: int) -> dict[str, int]:
    return {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": 0}


def test_a_coordinator_writes_the_whole_draft_on_one_admin_screen(client, coordinator):
    page = make_page(title_fi="Vanha otsikko")
    client.force_login(coordinator)
    url = reverse("admin:principles_page_change", args=[page.pk])
    data = {
        "title_fi": "Periaatteemme",
        "title_sv": "Våra principer",
        **management_form("principles", 1),
        "principles-0-position": 1,
        "principles-0-name_fi": "Ystävällisyys",
        "principles-0-name_en": "Friendliness",
        **management_form("guidelines", 0),
        **management_form("statements", 1),
        "statements-0-position": 1,
        "statements-0-text_fi": "Sain apua.",
        **management_form("encounter_sentences", 0),
    }
    assert client.post(url, data).status_code == 302
    principle = page.principles.get()

    client.post(
        url,
        {
            **data,
            "principles-INITIAL_FORMS": 1,
            "principles-0-id": principle.pk,
            "principles-0-page": page.pk,
            **management_form("statements", 0),
            **management_form("guidelines", 1),
            "guidelines-0-principle": principle.pk,
            "guidelines-0-position": 1,
            "guidelines-0-text_fi": "Kaikki ovat tervetulleita.",
        },
    )

    page.refresh_from_db()
    assert page.title_fi == "Periaatteemme"
    assert principle.guidelines.get().text_fi == "Kaikki ovat tervetulleita."
    assert page.statements.count() == 1


def test_the_page_list_says_what_is_public_and_whether_the_draft_has_changed(
    client, now, coordinator
):
    version = make_published_page(now=now)
    client.force_login(coordinator)
    list_url = reverse("admin:principles_page_changelist")

    unchanged = client.get(list_url)
    version.page.title_fi = "Muutettu"
    version.page.save()
    changed = client.get(list_url)

    assert "Versio 1, julkaistu 01.12.2026 08.00" in unchanged.text
    assert 'alt="False"' in unchanged.text
    assert 'alt="True"' in changed.text
