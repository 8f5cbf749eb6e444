"""What came of a visit: solved, another visit needed (booked there and then with the same
guide), or referred elsewhere (a list staff keep); counted in the statistics."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from bookings.models import Booking, Library, Referral
from bookings.services import booking_record_attendance
from bookings.staff.statistics import Period, figures_for
from tests.factories import make_booking, make_guide, make_library, make_slot, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(db):
    return Referral.objects.create(name_fi="Pankin konttori", name_sv="Bankkontoret")


def visit(guide, library, now, hours: int) -> Booking:
    slot = make_slot(guide=guide, library=library, starts_at=now - dt.timedelta(hours=hours))
    return make_booking(slot=slot, now=now - dt.timedelta(days=3))


def test_an_outcome_belongs_to_an_attended_visit_and_a_referral_needs_a_place(
    library, guide, now, bank
):
    booking = visit(guide, library, now, 1)

    with pytest.raises(ValidationError, match="where the patron was referred"):
        booking_record_attendance(
            booking=booking, status="attended", staff_notes="", now=now, outcome="referred"
        )
    marked = booking_record_attendance(
        booking=booking,
        status="attended",
        staff_notes="",
        now=now,
        outcome="referred",
        referral=bank,
    )
    assert (marked.outcome, marked.referral) == ("referred", bank)
    # Marked not come after all: no outcome stays behind.
    marked = booking_record_attendance(
        booking=booking, status="no_show", staff_notes="", now=now, outcome="solved"
    )
    assert (marked.outcome, marked.referral) == ("", None)


def test_another_visit_leads_the_guide_to_book_it_with_the_same_guide(client, library, guide, now):
    client.force_login(make_staff(library, permissions=["change_booking", "add_booking"]))
    booking = visit(guide, library, now, 1)

    response = client.post(
        f"/en/staff/bookings/{booking.pk}/attendance/",
        {"status": "attended", "staff_notes": "", "outcome": "another_visit", "referral": ""},
    )

    assert response["Location"] == (
        f"/en/staff/book/?library={library.pk}&guide={guide.pk}&again={booking.pk}"
    )
    booking.refresh_from_db()
    assert booking.outcome == "another_visit"
    desk = client.get(response["Location"])
    assert desk.context["form"].cleaned_data["guide"] == guide
    page = desk.content.decode()
    assert "Choose the next visit of Aino Asiakas" in page
    assert f'<input type="hidden" name="again" value="{booking.pk}">' in page

    # The time chosen opens the desk form with the patron's details from this visit.
    free = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=7))
    form = client.get(f"/en/staff/book/{free.pk}/?again={booking.pk}").context["form"]
    assert (form["patron_name"].value(), form["phone"].value()) == (
        "Aino Asiakas",
        "040 123 4567",
    )
    assert form["channel"].value() == "desk"


def test_the_next_visit_prefill_shows_nothing_it_should_not(client, library, guide, now):
    client.force_login(make_staff(library, permissions=["add_booking"]))
    elsewhere = visit(make_guide(libraries=[make_library()]), None, now, 2)
    free = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=7))

    for again in (elsewhere.pk, "x", "9" * 40, ""):
        page = client.get(f"/en/staff/book/{free.pk}/?again={again}")
        assert page.status_code == 200
        assert page.context["form"]["patron_name"].value() in (None, "")


def test_a_bad_outcome_or_place_is_a_message_not_a_crash(client, library, guide, now):
    client.force_login(make_staff(library, permissions=["change_booking", "view_booking"]))
    booking = visit(guide, library, now, 1)

    response = client.post(
        f"/en/staff/bookings/{booking.pk}/attendance/",
        {"status": "attended", "outcome": "magic", "referral": "99999999999999999999999"},
        follow=True,
    )

    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.status == "booked" and booking.outcome == ""


def test_the_statistics_count_outcomes_and_referrals(library, guide, now, bank):
    other = Referral.objects.create(name_fi="Kansalaisneuvonta", position=2)
    marks = [
        ("solved", None),
        ("referred", bank),
        ("referred", bank),
        ("referred", other),
        ("", None),
    ]
    for hours, (outcome, referral) in enumerate(marks, start=1):
        booking_record_attendance(
            booking=visit(guide, library, now, hours),
            status="attended",
            staff_notes="",
            now=now,
            outcome=outcome,
            referral=referral,
        )

    figures = figures_for(libraries=Library.objects.all(), period=Period.month(now.year, now.month))

    assert [(str(row.label), row.count) for row in figures.by_outcome] == [
        ("Solved", 1),
        ("Needs another visit", 0),
        ("Referred elsewhere", 3),
        ("Attended, outcome not said", 1),
    ]
    assert [(row.label, row.count) for row in figures.by_referral] == [
        ("Pankin konttori", 2),
        ("Kansalaisneuvonta", 1),
    ]


def test_a_referral_place_in_use_cannot_be_deleted_and_the_admin_names_its_own_box(
    admin_client, library, guide, now, bank
):
    booking = visit(guide, library, now, 1)
    booking_record_attendance(
        booking=booking, status="attended", staff_notes="", now=now, outcome="referred",
        referral=bank,
    )  # fmt: skip

    page = admin_client.get(f"/en/admin/bookings/referral/{bank.pk}/delete/").content.decode()

    # The place's box is "in use" (a device's or a topic's is "offered").
    assert "1 booking has it. Untick “in use” to stop offering it." in page
    assert Referral.objects.filter(pk=bank.pk).exists()
