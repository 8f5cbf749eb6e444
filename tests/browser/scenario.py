"""One small library network with something on every public page, days ahead of the real now
(the live server uses the clock), and the addresses of those pages in each language."""

import datetime as dt
from dataclasses import dataclass

from django.core.management import call_command
from django.utils import timezone

from bookings import services, waiting_list
from bookings.models import Booking, Slot
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
    waiting_token: str

    def urls(self, language: str) -> dict[str, str]:
        """Every public page reached by a plain GET, by name."""
        p, slug, token = prefix(language), self.library_slug, self.booking_token
        return {
            "home": f"{p}/",
            "choose_library": f"{p}/libraries/",
            "free_times": f"{p}/libraries/{slug}/",
            "booking_form": f"{p}/libraries/{slug}/book/{self.free_slot.pk}/",
            "booking_confirmation": f"{p}/booking/{token}/?new=1",
            "booking_cancel": f"{p}/booking/{token}/cancel/",
            "booking_change": f"{p}/booking/{token}/change/",
            "booking_change_confirm": f"{p}/booking/{token}/change/{self.later_free_slot.pk}/",
            "booking_cancelled": f"{p}/booking/{self.cancelled_token}/",
            "slot_taken": f"{p}/libraries/{slug}/book/{self.taken_slot.pk}/",
            "waiting_list_join": f"{p}/libraries/{slug}/waiting-list/",
            "waiting_entry": f"{p}/waiting/{self.waiting_token}/",
            "principles": f"{p}/principles/",
            "principles_poster": f"{p}/principles/poster/",
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
        phone="08 000 0000",
    )
    factories.make_library(name="Lumijoen kirjasto", slug="lumijoki", phone="08 000 0001")
    maria = factories.make_guide(libraries=[liminka], display_name="Maria")
    devices = [factories.make_device(name=name) for name in ("Älypuhelin", "Tabletti")]
    topic = factories.make_topic(name="Pankkitunnukset", bring_note="pankkitunnukset")
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
    taken = factories.make_booking(
        slot=later[2], now=now, patron_name="Toinen Asiakas", phone="+358401110002"
    )
    entry = waiting_list.waiting_entry_create(
        library=liminka, patron_name="Olli Odottaja", phone="0401112222", weekdays=[0], now=now
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
        waiting_token=entry.token,
    )
