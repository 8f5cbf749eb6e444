"""Demo data for the local run: safe to run again, it adds only what is missing."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from bookings import memos, services
from bookings.models import (
    Booking,
    Closure,
    DeviceType,
    FeedbackAnswer,
    Guide,
    Instruction,
    Library,
    Referral,
    Topic,
    WeeklySchedule,
)

# Each text in Finnish, Swedish and English: the patron reads their own language.
DEVICES = [
    {"name_fi": "Älypuhelin", "name_sv": "Smarttelefon", "name_en": "Smartphone"},
    {"name_fi": "Tabletti", "name_sv": "Surfplatta", "name_en": "Tablet"},
    {"name_fi": "Tietokone", "name_sv": "Dator", "name_en": "Computer"},
    {"name_fi": "Muu laite", "name_sv": "Annan apparat", "name_en": "Other device"},
]
_CODES = {
    "bring_note_fi": "pankkitunnukset tai mobiilivarmenne",
    "bring_note_sv": "bankkoder eller mobilcertifikat",
    "bring_note_en": "your online banking codes or mobile certificate",
}
TOPICS = [
    {
        "name_fi": "Vahva tunnistautuminen ja pankkitunnukset",
        "name_sv": "Stark autentisering och bankkoder",
        "name_en": "Strong identification and online banking codes",
        "suggested_minutes": 30,
        **_CODES,
    },
    {"name_fi": "Suomi.fi", "name_sv": "Suomi.fi", "name_en": "Suomi.fi", **_CODES},
    {"name_fi": "OmaKanta", "name_sv": "MittKanta", "name_en": "My Kanta", **_CODES},
    {
        "name_fi": "Sähköposti",
        "name_sv": "E-post",
        "name_en": "E-mail",
        "bring_note_fi": "sähköpostin salasana",
        "bring_note_sv": "lösenordet till din e-post",
        "bring_note_en": "your e-mail password",
    },
    {"name_fi": "Videopuhelut", "name_sv": "Videosamtal", "name_en": "Video calls"},
    {"name_fi": "Valokuvat", "name_sv": "Foton", "name_en": "Photos"},
    {
        "name_fi": "Kirjaston e-kirjat",
        "name_sv": "Bibliotekets e-böcker",
        "name_en": "The library's e-books",
        "bring_note_fi": "kirjastokortti ja PIN-koodi",
        "bring_note_sv": "lånekort och PIN-kod",
        "bring_note_en": "your library card and PIN",
    },
    {
        "name_fi": "Huijaukset ja tietoturva",
        "name_sv": "Bedrägerier och datasäkerhet",
        "name_en": "Scams and staying safe online",
    },
    {
        "name_fi": "Uuden laitteen käyttöönotto",
        "name_sv": "Att ta en ny apparat i bruk",
        "name_en": "Setting up a new device",
        "suggested_minutes": 30,
        "bring_note_fi": "laitteen myyntipakkaus ja vanha laite, jos sellainen on",
        "bring_note_sv": "apparatens förpackning och din gamla apparat, om du har en",
        "bring_note_en": "the device's box, and your old device if you have one",
    },
]
# Demo libraries; addresses and phone numbers are made up.
LIBRARIES = [
    {
        "slug": "liminka",
        "name_fi": "Limingan kirjasto",
        "name_sv": "Limingo bibliotek",
        "name_en": "Liminka Library",
        "address": "Kirjastokuja 1, 91900 Liminka",
        "place_fi": "Ryhmätila Kotka, kirjaston perällä",
        "place_sv": "Grupprummet Kotka, längst in i biblioteket",
        "place_en": "Group room Kotka, at the back of the library",
        "accessibility_fi": "Esteetön sisäänkäynti pääovelta, ryhmätila on katutasossa.",
        "accessibility_sv": "Ingång utan trappor vid huvuddörren, grupprummet är i gatuplanet.",
        "accessibility_en": "Step-free entrance at the main door; the group room is on the "
        "ground floor.",
        "parking_fi": "Maksuton pysäköinti kirjaston edessä. Bussipysäkki 200 metrin päässä.",
        "parking_sv": "Gratis parkering framför biblioteket. Busshållplats 200 meter bort.",
        "parking_en": "Free parking in front of the library. A bus stop 200 metres away.",
        "phone": "08 000 0000",
    },
    {
        "slug": "lumijoki",
        "name_fi": "Lumijoen kirjasto",
        "name_sv": "Lumijoki bibliotek",
        "name_en": "Lumijoki Library",
        "address": "Kirjastotie 2, 91980 Lumijoki",
        "place_fi": "Lehtilukusali",
        "place_sv": "Tidningsläsesalen",
        "place_en": "The newspaper reading room",
        "accessibility_fi": "Esteetön sisäänkäynti pihan puolelta.",
        "accessibility_sv": "Ingång utan trappor från gårdssidan.",
        "accessibility_en": "Step-free entrance from the yard.",
        "parking_fi": "Pysäköinti kunnantalon pihassa.",
        "parking_sv": "Parkering på kommunhusets gård.",
        "parking_en": "Parking in the town hall yard.",
        "phone": "08 000 0001",
    },
]
# Where guides send a patron whose matter the library cannot solve.
REFERRALS = [
    {"name_fi": "Pankin konttori", "name_sv": "Bankkontoret", "name_en": "The bank's branch"},
    {
        "name_fi": "Kansalaisneuvonta",
        "name_sv": "Medborgarrådgivningen",
        "name_en": "Citizens' Advice (Kansalaisneuvonta)",
    },
    {
        "name_fi": "Kelan palvelupiste",
        "name_sv": "FPA:s serviceställe",
        "name_en": "Kela's service point",
    },
]
CLOSURE_REASON = {"reason_fi": "Joululoma", "reason_sv": "Jullov", "reason_en": "Christmas break"}
# (username, display name, library slugs, languages, [(library, weekday, start, end, ways)])
AT_LIBRARY = {}
ALL_WAYS = {"at_library": True, "by_phone": True, "by_video": True}
GUIDES = [
    (
        "maria",
        "Maria",
        ["liminka"],
        ["fi", "en"],
        [
            ("liminka", 1, "10:00", "12:00", AT_LIBRARY),
            ("liminka", 3, "14:00", "16:00", AT_LIBRARY),
        ],
    ),
    (
        "aki",
        "Aki",
        ["liminka", "lumijoki"],
        ["fi", "sv"],
        # Aki also guides by phone and by video on Wednesdays, from his own meeting room.
        [("liminka", 2, "12:00", "13:00", ALL_WAYS), ("lumijoki", 4, "10:00", "11:30", AT_LIBRARY)],
    ),
]

# A guide's own meeting address for guidance by video (an example address, not a real room).
VIDEO_LINKS = {"aki": "https://meet.jit.si/digiopas-demo-aki"}


# Shared instructions (published), by the Finnish name of their topic: guides add them to memos.
INSTRUCTIONS = [
    {
        "title": "Suomi.fi-sovelluksen käyttöönotto",
        "language": "fi",
        "topic": "Suomi.fi",
        "steps": "Avaa puhelimen sovelluskauppa (Play Kauppa tai App Store).\n"
        "Hae sanalla Suomi.fi ja asenna Suomi.fi-sovellus.\n"
        "Avaa sovellus ja valitse Tunnistaudu.\n"
        "Tunnistaudu pankkitunnuksilla tai mobiilivarmenteella.\n"
        "Valitse itsellesi PIN-koodi. Älä kerro sitä kenellekään.",
        "links": "https://www.suomi.fi/suomi-fi-sovellus Suomi.fi-sovelluksen ohjeet",
    },
    {
        "title": "Ottaa kuvakaappaus",
        "language": "fi",
        "topic": "Valokuvat",
        "steps": "Avaa näkymä, josta haluat kuvan.\n"
        "Paina yhtä aikaa virtanäppäintä ja äänenvoimakkuuden alas-näppäintä.\n"
        "Kuva tallentuu puhelimen kuviin, kansioon Kuvakaappaukset.",
        "links": "",
    },
    {
        "title": "Ta i bruk Suomi.fi-appen",
        "language": "sv",
        "topic": "Suomi.fi",
        "steps": "Öppna appbutiken i telefonen (Play Butik eller App Store).\n"
        "Sök på Suomi.fi och installera Suomi.fi-appen.\n"
        "Öppna appen och välj Identifiera dig.\n"
        "Identifiera dig med bankkoder eller mobilcertifikat.\n"
        "Välj en PIN-kod. Berätta den inte för någon.",
        "links": "https://www.suomi.fi/suomi-fi-appen Anvisningar för Suomi.fi-appen",
    },
]


def _add_or_fill(model, lookup: dict, texts: dict, **defaults):
    """The row `lookup` finds, made with `texts` if missing; a row made before the texts had
    translations gets the ones it lacks (nothing staff wrote is overwritten)."""
    row, created = model.objects.get_or_create(**lookup, defaults={**texts, **defaults})
    if not created:
        empty = {field: text for field, text in texts.items() if not getattr(row, field)}
        if empty:
            model.objects.filter(pk=row.pk).update(**empty)
            row.refresh_from_db()
    return row


class Command(BaseCommand):
    help = "Load demo libraries, guides, schedules, a holiday closure, slots and a few bookings."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        for position, texts in enumerate(DEVICES):
            _add_or_fill(DeviceType, {"name_fi": texts["name_fi"]}, texts, position=position)
        for position, texts in enumerate(TOPICS):
            _add_or_fill(Topic, {"name_fi": texts["name_fi"]}, texts, position=position)
        for position, texts in enumerate(REFERRALS):
            _add_or_fill(Referral, {"name_fi": texts["name_fi"]}, texts, position=position)
        libraries = {
            data["slug"]: _add_or_fill(Library, {"slug": data["slug"]}, data) for data in LIBRARIES
        }
        services.library_changed(*(library.pk for library in libraries.values()))

        today = timezone.localdate()
        monday = today - dt.timedelta(days=today.weekday())
        for username, display_name, slugs, languages, schedules in GUIDES:
            user, _ = get_user_model().objects.get_or_create(
                username=username, defaults={"is_staff": True, "first_name": display_name}
            )
            guide, _ = Guide.objects.get_or_create(
                user=user,
                defaults={
                    "display_name": display_name,
                    "languages": languages,
                    "video_link": VIDEO_LINKS.get(username, ""),
                },
            )
            guide.libraries.add(*(libraries[slug] for slug in slugs))
            for slug, weekday, start, end, ways in schedules:
                WeeklySchedule.objects.get_or_create(
                    guide=guide,
                    library=libraries[slug],
                    weekday=weekday,
                    start_time=dt.time.fromisoformat(start),
                    defaults={
                        "end_time": dt.time.fromisoformat(end),
                        "valid_from": monday,
                        **ways,
                    },
                )
        christmas = dt.date(today.year, 12, 21)
        _add_or_fill(
            Closure,
            {"library": libraries["liminka"], "starts_on": christmas},
            CLOSURE_REASON,
            ends_on=christmas + dt.timedelta(days=16),
        )
        self._instructions(now=timezone.now())
        made = services.slots_generate(start_on=monday, weeks=6)
        booked = self._demo_bookings(libraries["liminka"])
        self._demo_feedback(libraries["liminka"])
        self.stdout.write(f"Demo data ready: {made} new slots, {booked} new bookings.")
        call_command("seed_principles", stdout=self.stdout)
        call_command("seed_pages", stdout=self.stdout)

    def _demo_feedback(self, library: Library) -> None:
        """A year of anonymous answers, enough that the principles page shows Liminka's
        averages ("What our patrons say"), which Liminka chooses to show."""
        if FeedbackAnswer.objects.filter(library=library).exists():
            return
        Library.objects.filter(pk=library.pk).update(shows_patron_feedback=True)
        today = timezone.localdate()
        FeedbackAnswer.objects.bulk_create(
            FeedbackAnswer(
                library=library,
                answered_on=today - dt.timedelta(days=20 * n + 3),
                helped=5 - n % 3 // 2,
                friendliness=5,
                functionality=4 + n % 2,
                usefulness=5 - n % 4 // 3,
                expertise=5 - n % 5 // 4,
            )
            for n in range(14)
        )

    def _instructions(self, *, now: dt.datetime) -> None:
        """Each demo instruction once, published; one staff have edited is left as it is."""
        for data in INSTRUCTIONS:
            topic = Topic.objects.filter(name_fi=data["topic"]).first()
            fields = {key: value for key, value in data.items() if key != "topic"}
            instruction, created = Instruction.objects.get_or_create(
                title=data["title"], defaults={**fields, "topic": topic}
            )
            if created:
                memos.instruction_publish(instruction=instruction, user=None, now=now)

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
