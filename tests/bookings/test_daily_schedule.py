"""The printed day: every slot of a library's day, guide after guide, and attendance on it."""

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from bookings.models import Booking, Slot
from bookings.services import booking_cancel
from bookings.staff.daily_schedule import daily_schedule
from bookings.waiting_list import waiting_list_join
from tests.factories import (
    helsinki,
    make_booking,
    make_closure,
    make_device,
    make_guide,
    make_library,
    make_slot,
    make_slot_run,
    make_staff,
    make_topic,
)

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)
DAY = dt.date(2026, 12, 8)  # a Tuesday


def staff_url(name: str, *args, **query) -> str:
    with translation.override("en"):
        url = reverse(f"staff:{name}", args=args)
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def day_url(library, **query) -> str:
    return staff_url("library_day", library.slug, **query)


def text(response) -> str:
    """The words a person reads, without the markup."""
    return " ".join(strip_tags(response.content.decode()).split())


class Day:
    """A library's Tuesday: Maria has four times from 10.00, one patron booked 10.15 to 10.45;
    Pekka has two from 9.00, one booked by phone. Other days and libraries must not show."""

    def __init__(self) -> None:
        self.library = make_library(name="Liminka")
        self.maria = make_guide(libraries=[self.library], display_name="Maria")
        self.pekka = make_guide(libraries=[self.library], display_name="Pekka")
        self.maria_slots = make_slot_run(
            count=4, guide=self.maria, library=self.library, starts_at=helsinki(2026, 12, 8, 10, 0)
        )
        self.pekka_slots = make_slot_run(
            count=2, guide=self.pekka, library=self.library, starts_at=helsinki(2026, 12, 8, 9, 0)
        )
        self.aino = make_booking(
            slot=self.maria_slots[1],
            slot_count=2,
            patron_name="Aino Asiakas",
            phone="040 123 4567",
            device=make_device(name="Tabletti"),
            topics=[make_topic(name="Pankkitunnukset"), make_topic(name="Kuvat")],
            need="Haluan oppia videopuhelut.",
        )
        Booking.objects.filter(pk=self.aino.pk).update(staff_notes="Tuo laturi.")
        self.bertta = make_booking(
            slot=self.pekka_slots[1],
            patron_name="Bertta Bussi",
            phone="040 765 4321",
            channel=Booking.Channel.PHONE,
        )
        # Neither the next day nor another library's day belongs on this page.
        tomorrow = helsinki(2026, 12, 9, 10)
        make_booking(
            slot=make_slot(guide=self.maria, library=self.library, starts_at=tomorrow),
            patron_name="Huomenna Hanna",
        )
        make_booking(
            slot=make_slot(library=make_library(), starts_at=helsinki(2026, 12, 8, 10)),
            patron_name="Vieras Ville",
        )


@pytest.fixture
def day():
    return Day()


@pytest.fixture
def staff_client(client, day):
    client.force_login(make_staff(day.library, permissions=["view_booking", "change_booking"]))
    return client


# What the day holds


def test_each_guide_has_their_slots_in_time_order(day):
    schedule = daily_schedule(library=day.library, day=DAY, now=helsinki(2026, 12, 1, 8))

    assert [guide_day.guide for guide_day in schedule.guides] == [day.maria, day.pekka]
    maria, pekka = schedule.guides
    assert [timezone.localtime(row.starts_at).time() for row in maria.rows] == [
        dt.time(10, 0),
        dt.time(10, 15),
        dt.time(10, 45),
    ]
    assert [row.booking for row in pekka.rows] == [None, day.bertta]
    assert schedule.booking_count == 2


def test_a_booking_over_consecutive_slots_is_one_row(day):
    schedule = daily_schedule(library=day.library, day=DAY, now=helsinki(2026, 12, 1, 8))

    row = schedule.guides[0].rows[1]
    assert row.booking == day.aino
    assert (row.starts_at, row.ends_at) == (
        helsinki(2026, 12, 8, 10, 15),
        helsinki(2026, 12, 8, 10, 45),
    )


def test_choosing_a_guide_shows_only_their_times(day):
    schedule = daily_schedule(
        library=day.library, day=DAY, guide=day.pekka, now=helsinki(2026, 12, 1, 8)
    )

    assert [guide_day.guide for guide_day in schedule.guides] == [day.pekka]


def test_a_time_held_for_the_waiting_list_shows_as_held_until_the_hold_lapses(day):
    now = helsinki(2026, 12, 8, 8, 0)
    entry = waiting_list_join(
        library=day.library, patron_name="Odottava Olli", phone="+358401112222", now=now
    )
    Slot.objects.filter(pk=day.maria_slots[0].pk).update(
        held_for=entry, held_until=now + dt.timedelta(hours=2)
    )

    held = daily_schedule(library=day.library, day=DAY, now=now).guides[0].rows[0]
    lapsed = daily_schedule(library=day.library, day=DAY, now=now + dt.timedelta(hours=3))

    assert held.held_for == entry and not held.is_free
    assert lapsed.guides[0].rows[0].is_free


# The page


def test_the_page_shows_booked_and_free_times_in_order_with_the_patron_details(staff_client, day):
    response = staff_client.get(day_url(day.library, day="2026-12-08"))

    page = text(response)
    assert response.status_code == 200
    assert "Liminka, Tuesday 8.12.2026" in page
    maria_starts, pekka_starts = (page.index(f"{name} · Liminka") for name in ("Maria", "Pekka"))
    maria = page[maria_starts:pekka_starts]
    assert maria.index("10.00–10.15") < maria.index("Free") < maria.index("10.15–10.45")
    assert maria.index("10.15–10.45") < maria.index("Aino Asiakas") < maria.index("10.45–11.00")
    for detail in ("040 123 4567", "Tabletti", "Pankkitunnukset", "Kuvat", "videopuhelut"):
        assert detail in maria
    assert "Tuo laturi." in maria
    pekka = page[pekka_starts:]
    assert "Bertta Bussi" in pekka and "Phone" in pekka
    assert "Huomenna Hanna" not in page and "Vieras Ville" not in page


def test_a_time_held_for_the_waiting_list_says_so_on_the_page(staff_client, day):
    now = timezone.now()
    entry = waiting_list_join(
        library=day.library, patron_name="Odottava Olli", phone="+358401112222", now=now
    )
    Slot.objects.filter(pk=day.maria_slots[0].pk).update(
        held_for=entry, held_until=now + dt.timedelta(hours=2)
    )

    page = text(staff_client.get(day_url(day.library, day="2026-12-08")))

    assert "Held for Odottava Olli from the waiting list until" in page


def test_the_print_stylesheet_is_linked_and_the_paper_has_what_a_guide_needs(staff_client, day):
    Booking.objects.filter(pk=day.bertta.pk).update(status=Booking.Status.ATTENDED)

    response = staff_client.get(day_url(day.library, day="2026-12-08"))

    html = response.content.decode()
    assert 'href="/static/css/print-day.css"' in html
    # On paper every guide's page names the library and the day, under their own name.
    assert html.count(" · Liminka, Tuesday 8.12.2026</span>") == 2
    # A box to tick for the patron still to come; the one already marked says so.
    assert html.count('class="tick-box print-only"') == 1
    assert "<strong>Attended</strong>" in html


def test_previous_and_next_day_links_lead_to_the_neighbouring_days(staff_client, day):
    page = staff_client.get(day_url(day.library, day="2026-12-08", guide=day.maria.pk))

    html = page.content.decode()
    assert f'href="{day_url(day.library)}?day=2026-12-07&amp;guide={day.maria.pk}"' in html
    assert f'href="{day_url(day.library)}?day=2026-12-09&amp;guide={day.maria.pk}"' in html


def test_each_guide_links_to_their_week_at_a_glance(staff_client, day):
    html = staff_client.get(day_url(day.library, day="2026-12-08")).content.decode()

    week = staff_url("guide_week", day.library.slug, day.maria.pk)
    assert f'href="{week}?week=2026-W50"' in html


def test_without_a_day_the_page_shows_today(staff_client, day):
    response = staff_client.get(day_url(day.library))

    assert response.context["schedule"].day == timezone.localdate()


def test_a_day_can_be_typed_the_finnish_way(staff_client, day):
    response = staff_client.get(day_url(day.library, day="8.12.2026"))

    assert response.context["schedule"].day == DAY


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("banana", "Please give the day as day, month and year, for example 8.12.2026."),
        ("2026-02-31", "Please give the day as day, month and year, for example 8.12.2026."),
        ("9999-12-31", "Please give a day between the years 2000 and 2100."),
        ("", "Please choose a day."),
    ],
)
def test_a_nonsense_day_gets_a_friendly_message(staff_client, day, typed, message):
    response = staff_client.get(day_url(day.library, day=typed))

    assert response.status_code == 200
    assert message in text(response)
    assert response.context["schedule"] is None


def test_a_guide_from_elsewhere_gets_a_friendly_message(staff_client, day):
    stranger = make_guide(display_name="Muualla")

    response = staff_client.get(day_url(day.library, day="2026-12-08", guide=stranger.pk))

    assert "Please choose one of the guides in the list." in text(response)


def test_a_day_without_times_says_so(staff_client, day):
    page = text(staff_client.get(day_url(day.library, day="2026-12-10")))

    assert "No times are open at Liminka on this day." in page


def test_a_closed_day_says_why(staff_client, day):
    make_closure(library=day.library, starts_on=DAY, ends_on=DAY, reason="Inventaario")
    make_closure(library=day.library, guide=day.pekka, starts_on=DAY, ends_on=DAY, reason="Loma")

    page = text(staff_client.get(day_url(day.library, day="2026-12-08")))
    holiday = text(staff_client.get(day_url(day.library, day="2026-12-24")))

    assert "The whole library: Inventaario" in page and "Pekka: Loma" in page
    assert "Public holiday: Christmas Eve" in holiday


# Choosing the library


def test_the_entry_goes_to_the_first_library_the_user_may_see(client, day):
    client.force_login(make_staff(day.library, permissions=["view_booking"]))

    response = client.get(staff_url("daily_schedule"))

    assert response.status_code == 302
    assert response["Location"] == day_url(day.library)


def test_the_entry_goes_on_to_the_chosen_library_day_and_guide(client, day):
    other = make_library(name="Tyrnävä")
    client.force_login(make_staff(day.library, other, permissions=["view_booking"]))

    to_day = client.get(staff_url("daily_schedule", library=day.library.slug, day="2026-12-08"))
    with_guide = client.get(
        staff_url("daily_schedule", library=day.library.slug, day="8.12.2026", guide=day.maria.pk)
    )
    guide_elsewhere = client.get(
        staff_url("daily_schedule", library=other.slug, day="2026-12-08", guide=day.maria.pk)
    )

    assert to_day["Location"] == day_url(day.library, day="2026-12-08")
    assert with_guide["Location"] == day_url(day.library, day="8.12.2026", guide=day.maria.pk)
    # Maria does not guide at the other library: its whole day is shown instead of an error.
    assert guide_elsewhere["Location"] == day_url(other, day="2026-12-08")


def test_the_library_choice_offers_only_the_libraries_the_user_may_see(staff_client, day):
    make_library(name="Naapurikirjasto")

    response = staff_client.get(day_url(day.library, day="2026-12-08"))

    assert response.context["form"].fields["library"].choices == [(day.library.slug, "Liminka")]
    assert "Naapurikirjasto" not in text(response)


def test_staff_on_no_library_are_told_what_to_do(client):
    client.force_login(make_staff(permissions=["view_booking"]))

    response = client.get(staff_url("daily_schedule"))

    assert response.status_code == 200
    assert "You are not on the staff of any library yet." in text(response)


# Who may see and mark


def test_staff_of_another_library_gets_404(client, day):
    elsewhere = make_library(name="Muhos")
    client.force_login(make_staff(elsewhere, permissions=["view_booking", "change_booking"]))

    assert client.get(day_url(day.library, day="2026-12-08")).status_code == 404
    assert client.get(staff_url("daily_schedule", library=day.library.slug)).status_code == 404
    attendance = staff_url("record_attendance", day.aino.pk)
    response = client.post(attendance, {"status": "attended", "staff_notes": "x"})
    assert response.status_code == 404
    day.aino.refresh_from_db()
    assert day.aino.status == Booking.Status.BOOKED


def test_a_guide_sees_the_library_they_guide_at(client, day):
    user = day.maria.user
    user.user_permissions.add(Permission.objects.get(codename="view_booking"))
    client.force_login(user)

    response = client.get(day_url(day.library, day="2026-12-08"))

    assert response.status_code == 200
    assert "Aino Asiakas" in text(response)


def test_anonymous_visitors_are_sent_to_the_login(client, day):
    for url in (staff_url("daily_schedule"), day_url(day.library)):
        response = client.get(url)

        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    response = client.post(staff_url("record_attendance", day.aino.pk), {"status": "attended"})
    assert "/admin/login/" in response["Location"]


def test_staff_without_the_permission_are_refused(client, day):
    client.force_login(make_staff(day.library))

    assert client.get(day_url(day.library)).status_code == 403
    assert client.get(staff_url("daily_schedule")).status_code == 403


def test_the_admin_index_links_to_the_daily_schedule(client, day):
    client.force_login(make_staff(day.library, permissions=["view_booking"]))

    response = client.get("/en/admin/")

    assert f'href="{staff_url("daily_schedule")}"' in response.content.decode()
    assert "Daily schedule" in text(response)


# Attendance


def test_marking_attended_keeps_the_note_and_returns_to_the_same_day(staff_client, day):
    url = staff_url("record_attendance", day.aino.pk)

    response = staff_client.post(
        url, {"status": "attended", "staff_notes": "Opeteltiin videopuhelu.", "guide": day.maria.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == (
        day_url(day.library, day="2026-12-08", guide=day.maria.pk) + f"#booking-{day.aino.pk}"
    )
    day.aino.refresh_from_db()
    assert day.aino.status == Booking.Status.ATTENDED
    assert day.aino.staff_notes == "Opeteltiin videopuhelu."
    page = text(staff_client.get(response["Location"]))
    assert "Saved: Aino Asiakas at 10.15 – Attended." in page


def test_a_booking_can_be_marked_not_come_and_back_to_booked(staff_client, day):
    url = staff_url("record_attendance", day.bertta.pk)

    staff_client.post(url, {"status": "no_show", "staff_notes": "Ei vastannut."})
    day.bertta.refresh_from_db()
    assert day.bertta.status == Booking.Status.NO_SHOW

    staff_client.post(url, {"status": "booked", "staff_notes": ""})
    day.bertta.refresh_from_db()
    assert (day.bertta.status, day.bertta.staff_notes) == (Booking.Status.BOOKED, "")


def test_the_page_offers_the_attendance_buttons_for_each_booking(staff_client, day):
    html = staff_client.get(day_url(day.library, day="2026-12-08")).content.decode()

    assert html.count('name="status" value="attended"') == 2
    assert f'action="{staff_url("record_attendance", day.aino.pk)}"' in html
    assert 'method="post"' in html


def test_a_get_never_changes_anything(staff_client, day):
    url = staff_url("record_attendance", day.aino.pk)

    refused = staff_client.get(url, {"status": "attended", "staff_notes": "x"})
    staff_client.get(day_url(day.library, day="2026-12-08", status="attended", staff_notes="x"))

    assert refused.status_code == 405
    day.aino.refresh_from_db()
    assert (day.aino.status, day.aino.staff_notes) == (Booking.Status.BOOKED, "Tuo laturi.")


def test_marking_needs_the_change_permission(client, day):
    client.force_login(make_staff(day.library, permissions=["view_booking"]))

    page = client.get(day_url(day.library, day="2026-12-08")).content.decode()
    response = client.post(staff_url("record_attendance", day.aino.pk), {"status": "attended"})

    assert 'name="status"' not in page
    assert response.status_code == 403
    day.aino.refresh_from_db()
    assert day.aino.status == Booking.Status.BOOKED


def test_a_nonsense_status_changes_nothing_and_says_so(staff_client, day):
    response = staff_client.post(
        staff_url("record_attendance", day.aino.pk), {"status": "cancelled", "staff_notes": "x"}
    )

    day.aino.refresh_from_db()
    assert (day.aino.status, day.aino.staff_notes) == (Booking.Status.BOOKED, "Tuo laturi.")
    page = text(staff_client.get(response["Location"]))
    assert "Choose attended, did not come, or booked." in page


def test_a_cancelled_booking_cannot_be_marked(staff_client, day):
    booking_cancel(booking=day.bertta, now=helsinki(2026, 12, 1, 8), by_staff=True)

    response = staff_client.post(
        staff_url("record_attendance", day.bertta.pk), {"status": "attended"}
    )

    day.bertta.refresh_from_db()
    assert day.bertta.status == Booking.Status.CANCELLED
    assert "A cancelled booking cannot be marked." in text(staff_client.get(response["Location"]))


# Queries


def add_a_busy_day(library, count: int) -> None:
    """More guides, each with a morning of times, most of them booked with topics."""
    device, topics = make_device(name="Läppäri"), [make_topic(name=f"Aihe {n}") for n in range(3)]
    for n in range(count):
        guide = make_guide(libraries=[library], display_name=f"Opas {n:02d}")
        slots = make_slot_run(
            count=6, guide=guide, library=library, starts_at=helsinki(2026, 12, 8, 9)
        )
        for index, slot in enumerate(slots[:4]):
            make_booking(
                slot=slot,
                patron_name=f"Asiakas {n}-{index}",
                phone=f"+3584000{n:02d}{index}",
                device=device,
                topics=topics[: index % 3 + 1],
            )


def test_the_day_needs_the_same_queries_however_many_bookings(
    staff_client, day, django_assert_num_queries
):
    url = day_url(day.library, day="2026-12-08")
    # 1 session, 2 user, 3 the user's permissions, 4 their groups' permissions,
    # 5 the libraries the user may see (the page's library among them, and the choices),
    # 6 the library's guides (the choices), 7 the day's slots with guide, booking, device and
    # waiting-list entry, 8 the bookings' topics, 9 the closures of the day,
    # 10 the access-log row (who opened this day's personal data), 11 the referral places the
    # attendance forms offer (read once for all of them).
    with django_assert_num_queries(11):
        small = staff_client.get(url)

    add_a_busy_day(day.library, count=12)
    with django_assert_num_queries(11):
        large = staff_client.get(url)

    assert small.context["schedule"].booking_count == 2
    assert large.context["schedule"].booking_count == 2 + 12 * 4


# What the guide must notice, in words


def finnish_day_page(staff_client, library, language: str = "fi") -> str:
    with translation.override(language):
        url = reverse("staff:library_day", args=[library.slug])
    return staff_client.get(url, {"day": "2026-12-08"}).content.decode()


def test_a_longer_visit_and_a_patron_of_another_language_carry_labels_in_words(day):
    Booking.objects.filter(pk=day.aino.pk).update(language="sv")
    Booking.objects.filter(pk=day.bertta.pk).update(language="fi")

    with translation.override("fi"):
        schedule = daily_schedule(library=day.library, day=DAY, now=helsinki(2026, 12, 1, 8))
        aino = schedule.guides[0].rows[1]
        bertta = schedule.guides[1].rows[1]
        assert aino.labels == ["Asiakkaan kieli: ruotsi", "Pidempi käynti: 30 minuuttia"]
        # A one-time visit in the page's language needs no label.
        assert bertta.labels == []
    with translation.override("sv"):
        assert bertta.labels == ["Kundens språk: finska"]
        assert aino.labels == ["Längre besök: 30 minuter"]


def test_the_labels_show_on_the_page_as_text_not_colour_alone(staff_client, day):
    Booking.objects.filter(pk=day.aino.pk).update(language="sv")

    html = finnish_day_page(staff_client, day.library)

    assert '<strong class="line booking-label">Asiakkaan kieli: ruotsi</strong>' in html
    assert '<strong class="line booking-label">Pidempi käynti: 30 minuuttia</strong>' in html


def test_the_attendance_buttons_say_what_they_do_in_finnish_and_swedish(staff_client, day):
    finnish = finnish_day_page(staff_client, day.library, "fi")
    swedish = finnish_day_page(staff_client, day.library, "sv")

    assert finnish.count('value="attended">Saapui</button>') == 2
    assert finnish.count('value="no_show">Ei saapunut</button>') == 2
    assert swedish.count('value="attended">Kom</button>') == 2
    assert swedish.count('value="no_show">Kom inte</button>') == 2
    # Not the statistics' column headings ("those who came", "those who did not").
    assert "Saapuneet" not in finnish and "Saapumatta jääneet" not in finnish


def test_numbers_on_the_day_are_in_national_form_and_a_foreign_one_keeps_its_code(
    staff_client, day
):
    Booking.objects.filter(pk=day.bertta.pk).update(phone="+46701234567")

    page = " ".join(strip_tags(finnish_day_page(staff_client, day.library)).split())

    assert "Aino Asiakas 040 123 4567" in page
    assert "Bertta Bussi +46 70 123 45 67" in page
    assert "+358401234567" not in page


def test_the_day_offers_a_print_button_made_by_a_static_script(staff_client, day):
    html = finnish_day_page(staff_client, day.library)

    assert '<p class="no-print" data-print hidden><button type="button"' in html
    assert "Tulosta päivä" in html
    assert '<script src="/static/js/print-button.js" defer></script>' in html
    assert "onclick" not in html
