import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from principles import services
from principles.models import PublishedVersion
from tests.principles.factories import make_principle, make_published_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(now):
    """Version 1 titled "Vanha" with four principles; version 2 titled "Uusi" with five."""
    first = make_published_page(now=now, title_fi="Vanha")
    page = first.page
    page.title_fi = "Uusi"
    page.save()
    make_principle(page=page, name_fi="Viides")
    second = services.page_publish(page=page, user=None, now=now + dt.timedelta(days=1))
    return first, second


def test_restoring_copies_an_earlier_version_into_the_draft(two_versions):
    first, _second = two_versions

    page = services.version_restore(version=first)

    page.refresh_from_db()
    assert page.title_fi == "Vanha"
    assert page.principles.count() == 4
    assert not page.principles.filter(name_fi="Viides").exists()
    assert page.guidelines.count() == 12
    assert page.statements.count() == 1
    assert page.encounter_sentences.count() == 1
    assert [p.position for p in page.principles.all()] == [1, 2, 3, 4]


def test_restoring_leaves_the_public_page_as_it_was(client, two_versions):
    first, second = two_versions

    services.version_restore(version=first)

    second.refresh_from_db()
    assert second.is_current
    assert "Uusi" in client.get(reverse("principles:page")).text


def test_a_restored_draft_publishes_the_same_content_again(now, two_versions):
    first, _second = two_versions

    page = services.version_restore(version=first)
    third = services.page_publish(page=page, user=None, now=now + dt.timedelta(days=2))

    assert third.number == 3
    assert third.snapshot == first.snapshot


def test_republishing_puts_an_earlier_version_back_as_a_new_one(client, now, coordinator):
    first = make_published_page(now=now, title_fi="Vanha")
    first.page.title_fi = "Uusi"
    first.page.save()
    services.page_publish(page=first.page, user=None, now=now)

    third = services.version_republish(version=first, user=coordinator, now=now)

    assert third.number == 3
    assert third.is_current
    assert third.published_by_name == "Kaisu Koordinaattori"
    assert "Vanha" in client.get(reverse("principles:page")).text


def test_a_coordinator_restores_a_version_with_the_admin_action(client, coordinator, two_versions):
    first, _second = two_versions
    client.force_login(coordinator)
    with translation.override("en"):
        url = reverse("admin:principles_publishedversion_changelist")

    response = client.post(url, {"action": "restore", "_selected_action": [first.pk]}, follow=True)

    assert "Version 1 is now in the draft." in response.text
    first.page.refresh_from_db()
    assert first.page.title_fi == "Vanha"


def test_a_coordinator_republishes_a_version_with_the_admin_action(
    client, coordinator, two_versions
):
    first, _second = two_versions
    client.force_login(coordinator)

    client.post(
        reverse("admin:principles_publishedversion_changelist"),
        {"action": "republish", "_selected_action": [first.pk]},
    )

    current = PublishedVersion.objects.current().get()
    assert current.number == 3
    assert current.snapshot["title"]["fi"] == "Vanha"


def test_the_admin_asks_for_exactly_one_version(client, coordinator, two_versions):
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:principles_publishedversion_changelist"),
        {"action": "restore", "_selected_action": [v.pk for v in two_versions]},
        follow=True,
    )

    assert "Valitse täsmälleen yksi versio." in response.text
    assert PublishedVersion.objects.get(is_current=True).number == 2


def test_published_versions_cannot_be_edited_or_deleted_in_the_admin(
    client, coordinator, two_versions
):
    first, _second = two_versions
    coordinator.is_superuser = True
    coordinator.save()
    client.force_login(coordinator)

    change = client.get(reverse("admin:principles_publishedversion_change", args=[first.pk]))
    delete = client.get(reverse("admin:principles_publishedversion_delete", args=[first.pk]))

    assert 'name="_save"' not in change.text
    assert delete.status_code == 403
