"""Demo data for the local run: safe to run again, it adds only what is missing."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from bookings import services
from bookings.models import Booking, Closure, DeviceType, Guide, Library, Topic, WeeklySchedule

DEVICES = ["Älypuhelin", "Tabletti", "Tietokone", "Muu laite"]
TOPICS = [
    ("Vahva tunnistautuminen ja pankkitunnukset", "pankkitunnukset tai mobiilivarmenne"),
    ("Suomi.fi", "pankkitunnukset tai mobiilivarmenne"),
    ("OmaKanta", "pankkitunnukset tai mobiilivarmenne"),
    ("Sähköposti", "sähköpostin salasana"),
    ("Videopuhelut", ""),
    ("Valokuvat", ""),
    ("Kirjaston e-kirjat", "kirjastokortti ja PIN-koodi"),
    ("Huijaukset ja tietoturva", ""),
    ("Uuden laitteen käyttöönotto", "laitteen myyntipakkaus ja vanha laite, jos sellainen on"),
]
# Demo libraries; addresses and phone numbers are made up.
LIBRARIES = [
    {
        "slug": "liminka",
        "name": "Limingan kirjasto",
        "address": "Kirjastokuja 1, 91900 Liminka",
        "place": "Ryhmätila Kotka, kirjaston perällä",
        "phone": "08 000 0000",
    },
    {
        "slug": "lumijoki",
        "name": "Lumijoen kirjasto",
        "address": "Kirjastotie 2, 91980 Lumijoki",
        "place": "Lehtilukusali",
        "phone": "08 000 0001",
    },
]
# (username, display name, library slugs, languages, [(library, weekday, start, end)])
GUIDES = [
    (
        "maria",
        "Maria",
        ["liminka"],
        ["fi", "en"],
        [("liminka", 1, "10:00", "12:00"), ("liminka", 3, "14:00", "16:00")],
    ),
    (
        "aki",
        "Aki",
        ["liminka", "lumijoki"],
        ["fi", "sv"],
        [("liminka", 2, "12:00", "13:00"), ("lumijoki", 4, "10:00", "11:30")],
    ),
]


class Command(BaseCommand):
    help = "Load demo libraries, guides, schedules, a holiday closure, slots and a few bookings."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        for position, name in enumerate(DEVICES):
            DeviceType.objects.get_or_create(name=name, defaults={"position": position})
        for position, (name, bring) in enumerate(TOPICS):
            Topic.objects.get_or_create(
                name=name, defaults={"position": position, "bring_note": bring}
            )
        libraries = {}
        for data in LIBRARIES:
            libraries[data["slug"]], _ = Library.objects.get_or_create(
                slug=data["slug"], defaults=data
            )
        services.library_changed(*(library.pk for library in libraries.values()))

        today = timezone.localdate()
        monday = today - dt.timedelta(days=today.weekday())
        for username, display_name, slugs, languages, schedules in GUIDES:
            user, _ = get_user_model().objects.get_or_create(
                username=username, defaults={"is_staff": True, "first_name": display_name}
            )
            guide, _ = Guide.objects.get_or_create(
                user=user, defaults={"display_name": display_name, "languages": languages}
            )
            guide.libraries.add(*(libraries[slug] for slug in slugs))
            for slug, weekday, start, end in schedules:
                WeeklySchedule.objects.get_or_create(
                    guide=guide,
                    library=libraries[slug],
                    weekday=weekday,
                    start_time=dt.time.fromisoformat(start),
                    defaults={"end_time": dt.time.fromisoformat(end), "valid_from": monday},
                )
        christmas = dt.date(today.year, 12, 21)
        Closure.objects.get_or_create(
            library=libraries["liminka"],
            starts_on=christmas,
            defaults={"ends_on": christmas + dt.timedelta(days=16), "reason": "Joululoma"},
        )
        made = services.slots_generate(start_on=monday, weeks=6)
        booked = self._demo_bookings(libraries["liminka"])
        self.stdout.write(f"Demo data ready: {made} new slots, {booked} new bookings.")
        call_command("seed_principles", stdout=self.stdout)
        call_command("seed_pages", stdout=self.stdout)

    def _demo_bookings(self, library: Library) -> int:
        if Booking.objects.filter(library=library).exists():
            return 0
        now = timezone.now()
        free = list(library.slots.bookable(now=now, notice=dt.timedelta(days=1))[:12:4])
        patrons = [("Aino Demo", "+358401234567", ""), ("Veikko Demo", "", "veikko@example.com")]
        devices = list(DeviceType.objects.all()[:2])
        for slot, (name, phone, email), device in zip(free, patrons, devices, strict=False):
            services.booking_create(
                slot=slot,
                patron_name=name,
                phone=phone,
                email=email,
                device=device,
                topics=Topic.objects.all()[:1],
                need="Haluan oppia käyttämään pankkisovellusta.",
                channel=Booking.Channel.PHONE,
                now=now,
            )
        return min(len(free), len(patrons))
