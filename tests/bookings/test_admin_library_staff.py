"""Coordinators choose a library's staff and set all its booking rules in the admin, for their
own libraries only."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from bookings.access import visible_libraries
from bookings.models import Guide, Library
from tests.factories import make_guide, make_library

pytestmark = pytest.mark.django_db

RULES = [
    "min_notice_minutes",
    "booking_horizon_weeks",
    "change_deadline_minutes",
    "max_active_bookings",
    "sms_monthly_cap",
]


def account(username: str, **fields):
    return get_user_model().objects.create_user(
        username=username, **{"is_staff": True, "first_name": username.title(), **fields}
    )


@pytest.fixture
def liminka():
    return make_library(name="Liminka")


@pytest.fixture
def lumijoki():
    return make_library(name="Lumijoki")


@pytest.fixture
def coordinator(client, liminka):
    user = account("koordinaattori")
    user.groups.add(Group.objects.get(name="Coordinator"))
    liminka.staff.add(user)
    client.force_login(user)
    return user


def change_url(library: Library) -> str:
    return f"/en/admin/bookings/library/{library.pk}/change/"


def form_data(response, **changes) -> dict:
    """What the change form would send back as it stands, with `changes` made."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(getattr(one, "pk", one)) for one in value]
        elif value is not None:
            data[name] = str(value)
    return {**data, **changes}


def test_a_coordinator_adds_a_staff_member_to_their_library(client, coordinator, liminka):
    newcomer = account("uusi")
    form = client.get(change_url(liminka))
    assert form.status_code == 200

    saved = client.post(
        change_url(liminka), form_data(form, staff=[str(coordinator.pk), str(newcomer.pk)])
    )

    assert saved.status_code == 302, saved.context["adminform"].form.errors
    assert set(liminka.staff.all()) == {coordinator, newcomer}
    assert list(visible_libraries(newcomer)) == [liminka]


def test_a_coordinator_cannot_open_or_change_another_library(
    client, coordinator, liminka, lumijoki
):
    other_staff = account("naapuri")
    lumijoki.staff.add(other_staff)
    form = client.get(change_url(liminka))

    opened = client.get(change_url(lumijoki))
    sent = client.post(
        change_url(lumijoki), form_data(form, staff=[str(coordinator.pk)], slug="lumijoki")
    )

    # The admin's "no such library" answer: back to its front page, nothing shown or saved.
    assert opened.status_code == sent.status_code == 302
    assert "Lumijoki" not in client.get(opened["Location"]).content.decode()
    assert list(lumijoki.staff.all()) == [other_staff]
    assert lumijoki not in visible_libraries(coordinator)
    listed = client.get("/en/admin/bookings/library/").context["cl"].result_list
    assert list(listed) == [liminka]


def test_the_staff_to_choose_from_are_active_staff_accounts_by_name(client, coordinator, liminka):
    account("maria", last_name="Opas")
    account("entinen", is_active=False)
    get_user_model().objects.create_user(username="asiakas")  # not staff

    field = client.get(change_url(liminka)).context["adminform"].form.fields["staff"]

    assert [label for _pk, label in field.choices] == [
        "Koordinaattori (koordinaattori)",
        "Maria Opas (maria)",
    ]


def test_the_library_form_has_every_booking_rule_and_its_staff(client, coordinator, liminka):
    page = client.get(change_url(liminka))

    fields = page.context["adminform"].form.fields
    assert {"staff", *RULES} <= set(fields)
    text = page.content.decode()
    for heading in ("Staff", "Booking rules", "Text messages"):
        assert f">{heading}</h2>" in text


def test_the_rules_set_in_the_admin_are_saved(client, coordinator, liminka):
    form = client.get(change_url(liminka))
    rules = dict(zip(RULES, ["30", "8", "120", "2", "50"], strict=True))

    client.post(change_url(liminka), form_data(form, **rules))

    liminka.refresh_from_db()
    assert [str(getattr(liminka, rule)) for rule in RULES] == list(rules.values())


def test_a_library_a_coordinator_adds_has_them_on_its_staff_to_begin_with(client, coordinator):
    form = client.get("/en/admin/bookings/library/add/").context["adminform"].form

    assert form["staff"].value() == [coordinator.pk]


def test_a_coordinator_makes_a_staff_member_a_guide_at_their_library(client, coordinator, liminka):
    newcomer = account("uusi")
    already = make_guide(libraries=[liminka])
    page = client.get("/en/admin/bookings/guide/add/").content.decode()

    saved = client.post(
        "/en/admin/bookings/guide/add/",
        {
            "user": newcomer.pk,
            "display_name": "Uusi",
            "libraries": [liminka.pk],
            "languages": ["fi"],
            "is_active": "on",
        },
    )

    # Offered in the page itself: no search through the user admin, which coordinators lack.
    assert f'<option value="{newcomer.pk}">Uusi (uusi)</option>' in page
    assert f'<option value="{already.user.pk}">' not in page
    assert saved.status_code == 302
    assert list(Guide.objects.get(user=newcomer).libraries.all()) == [liminka]


def test_saving_a_library_keeps_a_member_whose_account_was_closed(client, coordinator, liminka):
    closed = account("lahtenyt", is_active=False)
    liminka.staff.add(closed)
    form = client.get(change_url(liminka))

    client.post(change_url(liminka), form_data(form, phone="08 765 4321"))

    liminka.refresh_from_db()
    assert liminka.phone == "08 765 4321"
    assert set(liminka.staff.all()) == {coordinator, closed}


def test_a_guide_whose_account_was_closed_can_still_be_edited(client, coordinator, liminka):
    guide = make_guide(libraries=[liminka])
    guide.user.is_active = False
    guide.user.save()
    url = f"/en/admin/bookings/guide/{guide.pk}/change/"

    saved = client.post(
        url,
        form_data(client.get(url), is_active=""),
    )

    assert saved.status_code == 302
    guide.refresh_from_db()
    assert not guide.is_active
