"""One small library network with something on every public and staff page, days ahead of the
real now (the live server uses the clock), and the addresses of those pages in each language.

Whatever the real date, the guide's week is surveyed with a closed day (a closure in the week
of the booking), a public holiday and a change to or from summer time (the next ones after
today, each week with a time of the guide's in it), so what only such weeks show is checked."""

import datetime as dt
from dataclasses import dataclass

import holidays
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.utils import timezone

from bookings import feedback, memos, services, waiting_list
from bookings.models import Booking, FeedbackAnswer, FeedbackInvitation, Guide, Instruction, Slot
from bookings.models.private_link import feedback_token_for
from tests import factories

LANGUAGES = ("fi", "sv", "en")


def prefix(language: str) -> str:
    """Finnish, the default, has no prefix in addresses."""
    return "" if language == "fi" else f"/{language}"


@dataclass
class PublicSite:
    library_slug: str
    free_slot: Slot
    later_free_slot: Slot
    taken_slot: Slot
    booking: Booking
    booking_token: str
    cancelled_token: str
    library_cancelled_token: str
    waiting_token: str
    feedback_token: str
    answered_feedback_token: str
    memo_token: str
    memo_booking_pk: int

    def urls(self, language: str) -> dict[str, str]:
        """Every public page reached by a plain GET, by name."""
        p, slug, token = prefix(language), self.library_slug, self.booking_token
        return {
            "home": f"{p}/",
            "choose_library": f"{p}/libraries/",
            "free_times": f"{p}/libraries/{slug}/",
            "embed": f"{p}/libraries/{slug}/embed/",
            "booking_form": f"{p}/libraries/{slug}/book/{self.free_slot.pk}/",
            "booking_confirmation": f"{p}/booking/{token}/?new=1",
            "booking_cancel": f"{p}/booking/{token}/cancel/",
            "booking_change": f"{p}/booking/{token}/change/",
            "booking_change_confirm": f"{p}/booking/{token}/change/{self.later_free_slot.pk}/",
            "booking_cancelled": f"{p}/booking/{self.cancelled_token}/",
            "booking_cancelled_by_library": f"{p}/booking/{self.library_cancelled_token}/",
            "slot_taken": f"{p}/libraries/{slug}/book/{self.taken_slot.pk}/",
            "booking_with_memo": f"{p}/booking/{self.memo_token}/",
            "booking_memo": f"{p}/booking/{self.memo_token}/memo/",
            "waiting_list_join": f"{p}/libraries/{slug}/waiting-list/",
            "waiting_entry": f"{p}/waiting/{self.waiting_token}/",
            "waiting_leave": f"{p}/waiting/{self.waiting_token}/leave/",
            "principles": f"{p}/principles/",
            "principles_poster": f"{p}/principles/poster/",
            "feedback": f"{p}/f/{self.feedback_token}/",
            "feedback_answered": f"{p}/f/{self.answered_feedback_token}/",
            "feedback_thanks": f"{p}/feedback/thanks/",
            "accessibility": f"{p}/accessibility/",
            "privacy": f"{p}/privacy/",
            "not_found": f"{p}/no-such-page/",
        }


def guidance_day(days_ahead: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    return factories.helsinki(day.year, day.month, day.day, hour, minute)


def make_public_site() -> PublicSite:
    now = timezone.now()
    liminka = factories.make_library(
        name="Limingan kirjasto",
        slug="liminka",
        address="Kirjastokuja 1, 91900 Liminka",
        place="Ryhmätila Kotka",
        accessibility="Esteetön sisäänkäynti pääovelta.",
        parking="Maksuton pysäköinti kirjaston edessä.",
        phone="08 000 0000",
    )
    factories.make_library(name="Lumijoen kirjasto", slug="lumijoki", phone="08 000 0001")
    maria = factories.make_guide(libraries=[liminka], display_name="Maria", languages=["fi", "en"])
    devices = [factories.make_device(name=name) for name in ("Älypuhelin", "Tabletti")]
    topic = factories.make_topic(
        name="Pankkitunnukset", bring_note="pankkitunnukset", suggested_minutes=30
    )
    factories.make_topic(name="Sähköposti")

    first = factories.make_slot_run(count=4, guide=maria, starts_at=guidance_day(3, 10))
    later = factories.make_slot_run(count=4, guide=maria, starts_at=guidance_day(4, 14))
    booking = factories.make_booking(
        slot=first[0],
        now=now,
        patron_name="Aino Asiakas",
        email="aino@example.com",
        device=devices[0],
        topics=[topic],
        need="Haluan oppia pankkisovelluksen.",
        language="fi",
    )
    cancelled = factories.make_booking(
        slot=later[3], now=now, patron_name="Veikko Varaaja", phone="+358401110001"
    )
    services.booking_cancel(booking=cancelled, now=now)
    library_cancelled = factories.make_booking(
        slot=later[1], now=now, patron_name="Kaija Kirjasto", phone="+358401110003"
    )
    services.booking_cancel(
        booking=library_cancelled, now=now, by_library=True, reason="Opastaja on sairaana"
    )
    taken = factories.make_booking(
        slot=later[2], now=now, patron_name="Toinen Asiakas", phone="+358401110002"
    )
    entry = waiting_list.waiting_list_join(
        library=liminka,
        patron_name="Olli Odottaja",
        phone="+358401112222",
        weekdays=[0],
        part_of_day="morning",
        need="Mobiilivarmenne",
        now=now,
    )
    # A closure of the whole library after the times, named on the free-times page.
    today = timezone.localdate(now)
    factories.make_closure(
        library=liminka,
        starts_on=today + dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=12),
        reason="Joululoma",
    )
    feedback_token, answered_feedback_token = _feedback_forms(liminka, maria, devices[0])
    # The guide's memo of the taken time, with a shared instruction.
    instruction = make_published_instruction(topic=topic)
    memos.memo_save(
        booking=taken,
        what_we_did="Otimme Suomi.fi-sovelluksen käyttöön ja kokeilimme kirjautumista.",
        next_steps="Kirjaudu itse kerran viikossa.\nSoita kirjastoon, jos jokin ei onnistu.",
        links=memos.links_from_text("https://www.suomi.fi Suomi.fi"),
        instructions=[instruction],
        now=now,
    )
    call_command("seed_principles", verbosity=0)
    call_command("seed_pages", verbosity=0)
    return PublicSite(
        library_slug=liminka.slug,
        free_slot=first[1],
        later_free_slot=later[0],
        taken_slot=taken.slots.get(),
        booking=booking,
        booking_token=booking.token,
        cancelled_token=cancelled.token,
        library_cancelled_token=library_cancelled.token,
        waiting_token=entry.token,
        feedback_token=feedback_token,
        answered_feedback_token=answered_feedback_token,
        memo_token=taken.token,
        memo_booking_pk=taken.pk,
    )


def _feedback_forms(library, guide, device) -> tuple[str, str]:
    """Two visits yesterday, marked attended: one feedback form open, one answered. And enough
    answers that the principles page shows the library's averages ("What our patrons say")."""
    now = timezone.now()
    slots = factories.make_slot_run(count=2, guide=guide, starts_at=guidance_day(-1, 10))
    tokens = []
    for slot, phone in zip(slots, ("+358401110004", "+358401110005"), strict=True):
        visit = factories.make_booking(
            slot=slot, now=slot.starts_at - dt.timedelta(days=7), phone=phone, device=device
        )
        services.booking_record_attendance(
            booking=visit, status=Booking.Status.ATTENDED, staff_notes="", now=now
        )
        tokens.append(feedback_token_for(visit.link_secret))
    answered = FeedbackInvitation.objects.get(booking=visit)
    feedback.feedback_answer(invitation=answered, ratings={"helped": 5}, comment="", now=now)
    library.shows_patron_feedback = True
    library.save(update_fields=["shows_patron_feedback"])
    FeedbackAnswer.objects.bulk_create(
        FeedbackAnswer(library=library, answered_on=timezone.localdate(now), helped=4, expertise=5)
        for _ in range(settings.FEEDBACK_MIN_ANSWERS)
    )
    return tokens[0], tokens[1]


def make_published_instruction(**fields) -> Instruction:
    """A shared instruction, published, as staff keep them in the admin."""
    return factories.make_instruction(
        **{
            "steps": "Avaa sovelluskauppa.\nAsenna Suomi.fi-sovellus.\n"
            "Tunnistaudu pankkitunnuksilla.",
            "links": "https://www.suomi.fi/suomi-fi-sovellus Suomi.fi-sovelluksen ohjeet",
            **fields,
        }
    )


STAFF_PASSWORD = "a long enough password for the survey"


@dataclass
class StaffSite:
    """A coordinator who also guides at the public site's library, and a closure to follow up."""

    username: str
    library_pk: int
    library_slug: str
    guide_pk: int
    day: dt.date
    free_slot: Slot
    booking: Booking
    closure_pk: int
    holiday: dt.date
    clock_change: dt.date
    memo_booking_pk: int

    def urls(self, language: str) -> dict[str, str]:
        """Every staff page reached by a plain GET (the admin itself aside), by name."""
        p, slug, day = prefix(language), self.library_slug, self.day
        week_of = f"{p}/staff/week/{slug}/{self.guide_pk}/?week="
        desk_day = f"{p}/staff/book/?library={self.library_pk}&day={day:%Y-%m-%d}"
        return {
            "printed_day": f"{p}/staff/day/?library={slug}&day={day:%Y-%m-%d}",
            "guide_week": week_of + iso_week(day),  # the closure is in this week
            "guide_week_holiday": week_of + iso_week(self.holiday),
            "guide_week_clock_change": week_of + iso_week(self.clock_change),
            "desk_today": f"{p}/staff/book/",
            "desk_day": desk_day,
            "desk_day_errors": f"{p}/staff/book/?library={self.library_pk}&day=31.2.{day.year}",
            "desk_book": f"{p}/staff/book/{self.free_slot.pk}/",
            "desk_slip": f"{p}/staff/bookings/{self.booking.pk}/slip/",
            "desk_move": f"{p}/staff/bookings/{self.booking.pk}/move/",
            "desk_cancel": f"{p}/staff/bookings/{self.booking.pk}/cancel/",
            # The booking's patron, found by the number as a caller says it.
            "desk_find": f"{p}/staff/book/find/?q=040+123+4567",
            "desk_waiting_list": f"{p}/staff/bookings/{self.booking.pk}/waiting-list/",
            "closure_affected": f"{p}/staff/closures/{self.closure_pk}/bookings/",
            "guide_absent": f"{p}/staff/absence/?library={self.library_pk}&guide={self.guide_pk}",
            "statistics_month": f"{p}/staff/statistics/",
            "statistics_year": f"{p}/staff/statistics/?period=year&year={day.year}",
            "statistics_report": f"{p}/staff/statistics/report/?period=year&year={day.year}",
            # Both days from the date pickers, the last before the first.
            "statistics_errors": (
                f"{p}/staff/statistics/?period=range"
                f"&starts_on={day:%Y-%m-%d}&ends_on={day - dt.timedelta(days=1):%Y-%m-%d}"
            ),
            "my_settings": f"{p}/staff/me/",
            # A memo written, with its instruction; an empty one sent (its errors).
            "staff_memo": f"{p}/staff/bookings/{self.memo_booking_pk}/memo/",
            "staff_memo_errors": f"{p}/staff/bookings/{self.booking.pk}/memo/",
        }


def iso_week(day: dt.date) -> str:
    return f"{day.isocalendar().year}-W{day.isocalendar().week:02d}"


def next_public_holiday(after: dt.date) -> dt.date:
    finnish = holidays.country_holidays("FI", years=[after.year, after.year + 1])
    return min(day for day in finnish if day > after)


def next_clock_change(after: dt.date) -> dt.date:
    """The next day on which Helsinki moves its clocks (the UTC offset differs at its end)."""
    day = after + dt.timedelta(days=1)
    while True:
        start = factories.helsinki(day.year, day.month, day.day, 0, 0)
        following = day + dt.timedelta(days=1)
        end = factories.helsinki(following.year, following.month, following.day, 0, 0)
        if start.utcoffset() != end.utcoffset():
            return day
        day = following


def a_weekday_beside(day: dt.date, avoid: dt.date) -> dt.date:
    """A day of the same ISO week as `day`, not `avoid`."""
    other = day + dt.timedelta(days=1 if day.weekday() < 6 else -1)
    return other if other != avoid else day


def make_coordinator(**fields):
    """A staff member in the Coordinator group, with the rights its migration gives it (a live
    server test's flush empties the groups, so they are made here again when missing)."""
    coordinator, _ = Group.objects.get_or_create(name="Coordinator")
    coordinator.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["bookings", "principles"])
    )
    user = get_user_model().objects.create_user(is_staff=True, **fields)
    user.groups.add(coordinator)
    return user


def make_staff_site(site: PublicSite) -> StaffSite:
    """Made after the public survey: the closure's follow-up page removes the free times of its
    days, and its bookings would show on the public pages."""
    now = timezone.now()
    library = Booking.objects.select_related("library", "guide").get(pk=site.booking.pk).library
    user = make_coordinator(username="koordinaattori", password=STAFF_PASSWORD)
    library.staff.add(user)
    Guide.objects.create(user=user, display_name="Kaisa", languages=["fi", "sv"]).libraries.set(
        [library]
    )
    # The closure falls in the week of the booking (the week page surveyed first), never on
    # the booking's own day.
    booked_on = timezone.localdate(site.booking.starts_at)
    closed_on = a_weekday_beside(booked_on, avoid=booked_on)
    closed = factories.make_slot_run(
        count=3,
        guide=site.booking.guide,
        library=library,
        starts_at=factories.helsinki(closed_on.year, closed_on.month, closed_on.day, 12, 0),
    )
    factories.make_booking(
        slot=closed[0], now=now, patron_name="Pekka Puhelin", phone="+358401113333"
    )
    factories.make_booking(
        slot=closed[1], now=now, patron_name="Eeva Esimerkki", email="eeva@example.com"
    )
    closure = factories.make_closure(
        library=library, starts_on=closed_on, ends_on=closed_on, reason="Remontti"
    )
    # A time of the guide's in the weeks of the next holiday and the next clock change (on the
    # day itself for the clock change), at hours nothing else in the scenario uses.
    today = timezone.localdate(now)
    holiday, clock_change = next_public_holiday(today), next_clock_change(today)
    for day, hour in ((a_weekday_beside(holiday, avoid=holiday), 16), (clock_change, 17)):
        factories.make_slot_run(
            count=2,
            guide=site.booking.guide,
            library=library,
            starts_at=factories.helsinki(day.year, day.month, day.day, hour, 0),
        )
    return StaffSite(
        username=user.username,
        library_pk=library.pk,
        library_slug=library.slug,
        guide_pk=site.booking.guide_id,
        day=timezone.localdate(site.booking.starts_at),
        free_slot=site.free_slot,
        booking=site.booking,
        closure_pk=closure.pk,
        holiday=holiday,
        clock_change=clock_change,
        memo_booking_pk=site.memo_booking_pk,
    )
