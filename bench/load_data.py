"""A national-size data set for measuring speed: libraries, guides, a year of slots and bookings.

Built with bulk inserts, not through the services: a year of 15-minute slots for 1,500 guides is
millions of rows. On PostgreSQL the slots, bookings and booking topics are streamed with COPY,
with the tables' secondary indexes and constraints dropped during the load and rebuilt after it,
all in one transaction (a failed load leaves nothing behind). Other databases (SQLite, for small
sizes in tests) get plain batched INSERTs.

The data keeps every rule the services keep: slots follow the weekly schedules (no public
holidays, no closures, wall-clock times across DST), a booking covers one to three consecutive
slots of one guide and its slots point back to it, cancelled bookings hold no slot, and personal
data older than RETENTION_DAYS is already erased, as the nightly purge would have done.
"""

import base64
import datetime as dt
import hashlib
import hmac
import random
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import holidays
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction

from bookings.bulk_insert import insert_rows
from bookings.clock import local_zone, wall_clock
from bookings.library_list_cache import libraries_changed
from bookings.management.commands.seed_demo import DEVICES, TOPICS
from bookings.models import (
    Booking,
    Closure,
    DeviceType,
    Guide,
    Library,
    Notification,
    Slot,
    Topic,
    WeeklySchedule,
)
from bookings.models.private_link import patron_key_for, private_token_for
from bookings.privacy import ERASED_NAME


def _table(weighted: list[tuple[object, int]]) -> list:
    """A weighted choice as a plain list to pick from uniformly (the hot loop's fastest way)."""
    return [value for value, weight in weighted for _ in range(weight)]


SLOT_MINUTES = 15
# The busiest library has this many guides (the statistics target speaks of a 20-guide library).
BUSIEST_LIBRARY_GUIDES = 20
# Slot, booking and booking-topic rows written per batch (one COPY or INSERT batch each).
BATCH_GUIDES = 50

TOWNS = [
    "Helsinki", "Espoo", "Tampere", "Vantaa", "Oulu", "Turku", "Jyväskylä", "Kuopio", "Lahti",
    "Pori", "Kouvola", "Joensuu", "Lappeenranta", "Hämeenlinna", "Vaasa", "Seinäjoki", "Rovaniemi",
    "Mikkeli", "Kotka", "Salo", "Porvoo", "Kokkola", "Lohja", "Hyvinkää", "Nurmijärvi", "Järvenpää",
    "Rauma", "Kajaani", "Kerava", "Savonlinna", "Nokia", "Ylöjärvi", "Kangasala", "Riihimäki",
    "Raasepori", "Imatra", "Raahe", "Tornio", "Iisalmi", "Kemi", "Liminka", "Lumijoki", "Siikajoki",
    "Muhos", "Kempele", "Tyrnävä", "Ii", "Pudasjärvi", "Kuusamo", "Kemijärvi", "Sodankylä", "Inari",
    "Utsjoki", "Pietarsaari", "Uusikaupunki", "Forssa", "Loimaa", "Parainen", "Maarianhamina",
]  # fmt: skip
FIRST_NAMES = [
    "Aino", "Maria", "Anna", "Helena", "Johanna", "Liisa", "Sari", "Minna", "Tiina", "Elina",
    "Kaisa", "Laura", "Emilia", "Sofia", "Ella", "Juha", "Mikko", "Timo", "Jari", "Kari", "Antti",
    "Matti", "Pekka", "Jukka", "Markus", "Ville", "Aki", "Olli", "Eero", "Leo", "Sanna", "Heidi",
]  # fmt: skip
NEEDS = [
    "Haluan oppia käyttämään pankkisovellusta.",
    "Uusi puhelin pitäisi ottaa käyttöön.",
    "Miten varaan ajan terveyskeskukseen verkossa?",
    "Videopuhelu lapsenlapsille.",
    "Sähköpostin salasana unohtui.",
    "",
]
# The weekdays a guide may open on (Monday = 0), drawn from: Saturdays are rarer.
OPENING_DAYS = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5]
CHANNELS = _table(
    [
        (Booking.Channel.ONLINE.value, 55),
        (Booking.Channel.PHONE.value, 30),
        (Booking.Channel.DESK.value, 15),
    ]
)
LANGUAGES = _table([("fi", 88), ("sv", 8), ("en", 4)])
PAST_STATUSES = _table(
    [
        (Booking.Status.ATTENDED.value, 85),
        (Booking.Status.NO_SHOW.value, 8),
        (Booking.Status.BOOKED.value, 7),  # not marked by the guide
    ]
)
# A booking is 15, 30 or 45 minutes: most are the shortest.
LENGTHS = _table([(1, 70), (2, 20), (3, 10)])
TOPIC_COUNTS = _table([(0, 10), (1, 70), (2, 20)])
# Booked up to this many days ahead: mostly within three weeks, some within three days.
LEAD_DAYS = _table([(21, 7), (3, 3)])
# Of the free times in the past, this share had a booking that was later cancelled.
CANCELLED_SHARE = 0.06
# The key salt of private links (bookings.models.private_link.private_token_for).
LINK_SALT = "digiopas.booking-link"
# And of patron keys (bookings.models.private_link.patron_key_for).
PATRON_KEY_SALT = "digiopas.patron-key"
# Each library's patrons: bookings draw from this many, so that some patrons come back (the
# busiest library's year has about five visits per patron, a typical one about one).
PATRONS_PER_LIBRARY = 3000


@dataclass(frozen=True)
class LoadSpec:
    libraries: int
    guides: int
    weeks: int
    ahead_weeks: int = 6
    booked_share: float = 0.4
    seed: int = 1

    def __post_init__(self) -> None:
        if self.libraries < 1 or self.guides < self.libraries:
            raise ValueError("Give at least one library and at least one guide per library.")
        if self.weeks < 1 or not 0 <= self.ahead_weeks <= self.weeks:
            raise ValueError("Give at least one week, and no more weeks ahead than in all.")
        if not 0 <= self.booked_share <= 1:
            raise ValueError("The booked share is between 0 and 1.")


@dataclass
class LoadReport:
    libraries: int = 0
    guides: int = 0
    schedules: int = 0
    closures: int = 0
    slots: int = 0
    past_slots: int = 0
    booked_past_slots: int = 0
    bookings: int = 0
    notifications: int = 0
    first_on: dt.date | None = None
    last_on: dt.date | None = None
    busiest_library: str = ""
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def booked_past_share(self) -> float:
        return self.booked_past_slots / self.past_slots if self.past_slots else 0.0


# Reference data, libraries, people and schedules: few rows, plain bulk_create.


def _reference_lists() -> tuple[list[int], list[int]]:
    """Device types and topics (the demo's lists when the database has none)."""
    if not DeviceType.objects.exists():
        DeviceType.objects.bulk_create(
            DeviceType(**texts, position=position) for position, texts in enumerate(DEVICES)
        )
    if not Topic.objects.exists():
        Topic.objects.bulk_create(
            Topic(**texts, position=position) for position, texts in enumerate(TOPICS)
        )
    return (
        list(DeviceType.objects.values_list("pk", flat=True)),
        list(Topic.objects.values_list("pk", flat=True)),
    )


def _guides_per_library(spec: LoadSpec, rng: random.Random) -> list[int]:
    """The first library is the busiest; the rest share the other guides, unevenly."""
    busiest = min(BUSIEST_LIBRARY_GUIDES, spec.guides - (spec.libraries - 1))
    counts = [busiest] + [1] * (spec.libraries - 1)
    rest = spec.guides - sum(counts)
    others = list(range(1, spec.libraries))
    while rest > 0 and others:
        index = rng.choice(others)
        # A few libraries reach ten guides or more; none passes the busiest.
        if counts[index] < busiest - 1:
            counts[index] += 1
            rest -= 1
        elif all(counts[i] >= busiest - 1 for i in others):
            counts[0] += rest
            rest = 0
    return counts


def _make_libraries(spec: LoadSpec, rng: random.Random) -> list[Library]:
    libraries = []
    for n in range(spec.libraries):
        town = TOWNS[n % len(TOWNS)]
        kind = "pääkirjasto" if n < len(TOWNS) else f"lähikirjasto {n // len(TOWNS)}"
        libraries.append(
            Library(
                name=f"{town}n {kind}" if n else "Keskustakirjasto",
                slug=f"kirjasto-{n + 1}" if n else "keskustakirjasto",
                address=f"Kirjastokatu {n % 40 + 1}, {90100 + n:05d} {town}",
                place=rng.choice(["Ryhmätila", "Neuvontapiste", "Pajatila", "Lehtisali"]),
                phone=f"0{rng.randint(2, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            )
        )
    made = Library.objects.bulk_create(libraries)
    libraries_changed()  # bulk_create sends no signals: the landing page's list must update
    return made


def _make_guides(spec: LoadSpec, rng: random.Random) -> list[Guide]:
    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        user_model(
            username=f"opas-{n + 1}",
            first_name=rng.choice(FIRST_NAMES),
            is_staff=True,
            password="!",  # no usable password: guides sign in once an admin sets one
        )
        for n in range(spec.guides)
    )
    guides = Guide.objects.bulk_create(
        Guide(
            user=user,
            display_name=f"{user.first_name} {chr(ord('A') + n % 26)}.",
            languages=["fi", "sv"] if n % 10 == 0 else ["fi"],
        )
        for n, user in enumerate(users)
    )
    group = Group.objects.filter(name="Guide").first()
    if group is not None:
        user_model.groups.through.objects.bulk_create(
            user_model.groups.through(user_id=user.pk, group_id=group.pk) for user in users
        )
    return guides


def _home_libraries(
    spec: LoadSpec, libraries: list[Library], guides: list[Guide], rng: random.Random
) -> dict[int, list[Library]]:
    """Each guide's libraries: the home library, and for one in ten a second one too."""
    counts = _guides_per_library(spec, rng)
    home = [library for library, count in zip(libraries, counts, strict=True) for _ in range(count)]
    guide_libraries = {}
    for guide, library in zip(guides, home, strict=True):
        places = [library]
        if len(libraries) > 1 and rng.random() < 0.1:
            places.append(rng.choice([other for other in libraries[:50] if other != library]))
        guide_libraries[guide.pk] = places
    Guide.libraries.through.objects.bulk_create(
        Guide.libraries.through(guide_id=guide_id, library_id=library.pk)
        for guide_id, places in guide_libraries.items()
        for library in places
    )
    return guide_libraries


def _make_schedules(
    guide_libraries: dict[int, list[Library]], valid_from: dt.date, rng: random.Random
) -> list[WeeklySchedule]:
    """Three to five weekdays, three to six hours each; a second library gets one of the days."""
    schedules = []
    for guide_id, places in guide_libraries.items():
        days = sorted(set(rng.sample(OPENING_DAYS, rng.randint(3, 6))))[:5]
        for index, weekday in enumerate(days):
            library = places[1] if len(places) > 1 and index == len(days) - 1 else places[0]
            start_hour = 9 + rng.randint(0, 5) if weekday < 5 else 10
            hours = rng.randint(3, 6) if weekday < 5 else 3
            start = dt.time(start_hour, rng.choice([0, 30]))
            end = (dt.datetime.combine(valid_from, start) + dt.timedelta(hours=hours)).time()
            schedules.append(
                WeeklySchedule(
                    guide_id=guide_id,
                    library=library,
                    weekday=weekday,
                    start_time=start,
                    end_time=end,
                    slot_minutes=SLOT_MINUTES,
                    valid_from=valid_from,
                )
            )
    return WeeklySchedule.objects.bulk_create(schedules)


def _make_closures(
    libraries: list[Library],
    guide_libraries: dict[int, list[Library]],
    first_on: dt.date,
    last_on: dt.date,
    rng: random.Random,
) -> list[Closure]:
    """Summer: some small libraries close for three weeks, and every guide takes four off."""
    closures = []
    for year in range(first_on.year, last_on.year + 1):
        for library in libraries[1:]:
            if rng.random() < 0.3:
                starts_on = dt.date(year, 7, 1) + dt.timedelta(days=rng.randint(0, 10))
                closures.append(
                    Closure(
                        library=library,
                        starts_on=starts_on,
                        ends_on=starts_on + dt.timedelta(weeks=3) - dt.timedelta(days=1),
                        reason="Kesäsulku",
                    )
                )
        for guide_id, places in guide_libraries.items():
            starts_on = dt.date(year, 6, 1) + dt.timedelta(days=rng.randint(0, 60))
            closures.extend(
                Closure(
                    library=library,
                    guide_id=guide_id,
                    starts_on=starts_on,
                    ends_on=starts_on + dt.timedelta(weeks=4) - dt.timedelta(days=1),
                    reason="Kesäloma",
                )
                for library in places
            )
    return Closure.objects.bulk_create(closures, batch_size=2000)


# Slots and bookings: millions of rows, written as plain tuples.


class RowWriter:
    """Rows for one table, sent in batches (bookings.bulk_insert: COPY on PostgreSQL).

    The columns are the model's own; those the caller does not give get the field's default,
    so a new field with a default does not break the load.
    """

    def __init__(self, model: type[models.Model], given: list[str]) -> None:
        rest = [f for f in model._meta.concrete_fields if f.attname not in given]
        self.model = model
        self.attnames = given + [f.attname for f in rest]
        self.defaults = tuple(f.get_default() if f.has_default() else None for f in rest)
        self.rows: list[tuple] = []

    def add(self, row: tuple) -> None:
        self.rows.append(row + self.defaults)

    def flush(self) -> int:
        rows, self.rows = self.rows, []
        insert_rows(self.model, self.attnames, rows)
        return len(rows)


@dataclass
class _Ids:
    """The next primary key of each bulk-loaded table, handed out in Python."""

    slot: int
    booking: int
    booking_topic: int
    notification: int

    @classmethod
    def after_existing(cls) -> "_Ids":
        def next_id(model: type[models.Model]) -> int:
            return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1

        return cls(
            next_id(Slot), next_id(Booking), next_id(Booking.topics.through), next_id(Notification)
        )


def _link_key() -> bytes:
    """The HMAC key of the private links (as `salted_hmac` derives it), checked against it.

    Computed once: deriving it per booking would double the time of a national-size load.
    """
    key = hashlib.sha256(f"{LINK_SALT}{settings.SECRET_KEY}".encode()).digest()
    secret = "0" * 32
    token = base64.urlsafe_b64encode(hmac.new(key, secret.encode(), hashlib.sha256).digest())
    if token.rstrip(b"=").decode() != private_token_for(secret):
        raise RuntimeError("The private-link token no longer matches salted_hmac; update this.")
    return key


def _patron_key_key() -> bytes:
    """The HMAC key of patron keys (as `salted_hmac` derives it), checked against it."""
    key = hashlib.sha256(f"{PATRON_KEY_SALT}{settings.SECRET_KEY}".encode()).digest()
    made = hmac.new(key, b"+358401234567", hashlib.sha256).hexdigest()[:32]
    if made != patron_key_for("+358401234567", ""):
        raise RuntimeError("The patron key no longer matches salted_hmac; update this.")
    return key


class _TimeTable:
    """Wall-clock times to aware datetimes, remembered: millions of slots, few distinct times."""

    def __init__(self) -> None:
        self._known: dict[tuple[dt.date, dt.time], dt.datetime | None] = {}

    def at(self, day: dt.date, time: dt.time) -> dt.datetime | None:
        key = (day, time)
        if key not in self._known:
            local = wall_clock(day, time)
            self._known[key] = None if local is None else local.astimezone(dt.UTC)
        return self._known[key]


def _slot_times(
    schedule: WeeklySchedule,
    days: list[dt.date],
    closed: Callable[[int, int, dt.date], bool],
    times: _TimeTable,
) -> Iterator[list[tuple[dt.datetime, dt.datetime]]]:
    """The schedule's sessions over the days: runs of back-to-back (start, end) pairs in UTC."""
    length = dt.timedelta(minutes=schedule.slot_minutes)
    for day in days:
        if day.weekday() != schedule.weekday or not schedule.applies_on(day):
            continue
        if closed(schedule.library_id, schedule.guide_id, day):
            continue
        run = []
        wall = dt.datetime.combine(day, schedule.start_time)
        last_end = dt.datetime.combine(day, schedule.end_time)
        while wall + length <= last_end:
            starts_at = times.at(day, wall.time())
            wall += length
            if starts_at is not None:
                run.append((starts_at, starts_at + length))
        if run:
            yield run


class _Booker:
    """Decides which slots are booked and writes the bookings, their topics and the slots."""

    def __init__(
        self,
        spec: LoadSpec,
        *,
        now: dt.datetime,
        devices: list[int],
        topics: list[int],
        ids: _Ids,
        rng: random.Random,
        report: LoadReport,
    ) -> None:
        self.spec, self.now, self.ids, self.report = spec, now, ids, report
        self.random, self.choice = rng.random, rng.choice
        self.devices, self.topics = devices, topics
        self.erase_before = now - dt.timedelta(days=settings.RETENTION_DAYS)
        self.horizon = dt.timedelta(weeks=max(spec.ahead_weeks, 1))
        self.slots = RowWriter(
            Slot, ["id", "guide_id", "library_id", "starts_at", "ends_at", "booking_id"]
        )
        self.bookings = RowWriter(Booking, BOOKING_COLUMNS)
        self.booking_topics = RowWriter(Booking.topics.through, ["id", "booking_id", "topic_id"])
        self.notifications = RowWriter(Notification, NOTIFICATION_COLUMNS)
        self.link_key = _link_key()
        self.patron_key_key = _patron_key_key()
        self.keep_keys_from = now - dt.timedelta(days=settings.PATRON_KEY_RETENTION_DAYS)
        # Error diffusion per guide keeps the booked share of the past close to the one asked.
        self.past_seen = 0
        self.past_booked = 0

    def share_at(self, starts_at: dt.datetime) -> float:
        """The share booked: as asked in the past, falling to nothing at the horizon ahead."""
        if starts_at < self.now:
            return self.spec.booked_share
        left = 1 - (starts_at - self.now) / self.horizon
        return self.spec.booked_share * max(left, 0.0)

    def start_booking_here(self, starts_at: dt.datetime, length: int) -> bool:
        share = self.share_at(starts_at)
        if share <= 0:
            return False
        if starts_at >= self.now:
            # Starts per free slot that give this share with bookings of the average length.
            return self.random() < share / (AVERAGE_LENGTH * (1 - share) + share)
        target = share * (self.past_seen + length)
        if self.past_booked + length <= target:
            return True
        if self.past_booked >= target:
            return False
        return self.random() < share

    def run(self, guide_id: int, library_id: int, run: list[tuple[dt.datetime, dt.datetime]]):
        index = 0
        while index < len(run):
            starts_at = run[index][0]
            length = min(self.choice(LENGTHS), len(run) - index)
            is_past = starts_at < self.now
            if self.start_booking_here(starts_at, length):
                booking_id = self.booking(
                    guide_id, library_id, starts_at, run[index + length - 1][1]
                )
                for starts, ends in run[index : index + length]:
                    self.slot(guide_id, library_id, starts, ends, booking_id)
                if is_past:
                    self.past_seen += length
                    self.past_booked += length
                index += length
                continue
            if is_past and self.random() < CANCELLED_SHARE:
                self.booking(guide_id, library_id, *run[index], cancelled=True)
            self.slot(guide_id, library_id, *run[index], None)
            if is_past:
                self.past_seen += 1
            index += 1

    def slot(self, guide_id, library_id, starts_at, ends_at, booking_id) -> None:
        self.slots.add((self.ids.slot, guide_id, library_id, starts_at, ends_at, booking_id))
        self.ids.slot += 1
        self.report.slots += 1
        if starts_at < self.now:
            self.report.past_slots += 1
            self.report.booked_past_slots += booking_id is not None

    def booking(
        self,
        guide_id: int,
        library_id: int,
        starts_at: dt.datetime,
        ends_at: dt.datetime,
        *,
        cancelled: bool = False,
    ) -> int:
        random, choice, now = self.random, self.choice, self.now
        booking_id = self.ids.booking
        self.ids.booking += 1
        # Most book within three weeks; a few the same day.
        lead = dt.timedelta(minutes=10 + int(random() * 60 * 24 * choice(LEAD_DAYS)))
        created_at = min(starts_at - lead, now - dt.timedelta(minutes=1 + int(random() * 600)))
        if cancelled:
            status = Booking.Status.CANCELLED.value
            updated_at = created_at + (starts_at - created_at) / 2
        elif starts_at >= now:
            status, updated_at = Booking.Status.BOOKED.value, created_at
        else:
            status = choice(PAST_STATUSES)
            updated_at = created_at if status == Booking.Status.BOOKED else ends_at
        erased_at = None
        name = f"{choice(FIRST_NAMES)} Asiakas"
        patron = int(random() * PATRONS_PER_LIBRARY)
        phone = f"+35840{library_id % 1000:03d}{patron:04d}" if random() < 0.85 else ""
        email = f"asiakas{library_id}.{patron}@example.fi" if not phone or random() < 0.25 else ""
        contact = phone or email
        patron_key = hmac.new(self.patron_key_key, contact.encode(), hashlib.sha256).hexdigest()
        patron_key = patron_key[:32] if ends_at >= self.keep_keys_from else ""
        need = choice(NEEDS)
        self.messages(booking_id, library_id, starts_at, created_at, status, by_email=bool(email))
        if ends_at < self.erase_before:
            erased_at = ends_at + dt.timedelta(days=settings.RETENTION_DAYS, hours=3)
            name, phone, email, need = ERASED_NAME, "", "", ""
        link_secret = secrets.token_hex(16)
        token = base64.urlsafe_b64encode(
            hmac.new(self.link_key, link_secret.encode(), hashlib.sha256).digest()
        )
        token_hash = hashlib.sha256(token.rstrip(b"=")).hexdigest()
        device = choice(self.devices) if self.devices and random() < 0.95 else None
        self.bookings.add(
            (
                booking_id,
                library_id,
                guide_id,
                starts_at,
                ends_at,
                name,
                phone,
                email,
                device,
                need,
                "",
                choice(LANGUAGES),
                choice(CHANNELS),
                status,
                False,  # the patrons' own cancellations
                "",
                True,  # may be asked for feedback
                link_secret,
                token_hash,
                patron_key,
                erased_at,
                created_at,
                updated_at,
            )
        )
        for topic_id in self.pick_topics():
            self.booking_topics.add((self.ids.booking_topic, booking_id, topic_id))
            self.ids.booking_topic += 1
        self.report.bookings += 1
        return booking_id

    def messages(self, booking_id, library_id, starts_at, created_at, status, *, by_email):
        """The confirmation, and for a past time kept, the reminder the day before: sent."""
        channel = (Notification.Channel.EMAIL if by_email else Notification.Channel.SMS).value
        sent = [(Notification.Kind.CONFIRMATION.value, created_at)]
        reminded_at = starts_at - dt.timedelta(days=1)
        if status != Booking.Status.CANCELLED and created_at < reminded_at < self.now:
            sent.append((Notification.Kind.REMINDER.value, reminded_at))
        state = Notification.State.SENT.value
        for kind, at in sent:
            row = (self.ids.notification, booking_id, library_id, kind, channel, state, starts_at)
            self.notifications.add((*row, 1, "", at, at))
            self.ids.notification += 1
        self.report.notifications += len(sent)

    def pick_topics(self) -> list[int]:
        """None, one or two different topics."""
        topics, count = self.topics, min(self.choice(TOPIC_COUNTS), len(self.topics))
        if count < 2:
            return topics[:0] if count == 0 else [self.choice(topics)]
        first = int(self.random() * len(topics))
        second = (first + 1 + int(self.random() * (len(topics) - 1))) % len(topics)
        return [topics[first], topics[second]]

    def flush(self) -> None:
        self.bookings.flush()
        self.booking_topics.flush()
        self.notifications.flush()
        self.slots.flush()


BOOKING_COLUMNS = [
    "id",
    "library_id",
    "guide_id",
    "starts_at",
    "ends_at",
    "patron_name",
    "phone",
    "email",
    "device_id",
    "need",
    "staff_notes",
    "language",
    "channel",
    "status",
    "is_cancelled_by_library",
    "cancellation_reason",
    "feedback_allowed",
    "link_secret",
    "token_hash",
    "patron_key",
    "personal_data_erased_at",
    "created_at",
    "updated_at",
]
NOTIFICATION_COLUMNS = [
    "id",
    "booking_id",
    "library_id",
    "kind",
    "channel",
    "state",
    "about_starts_at",
    "attempts",
    "error",
    "created_at",
    "sent_at",
]
AVERAGE_LENGTH = sum(LENGTHS) / len(LENGTHS)
BULK_TABLES = [Slot, Booking, Booking.topics.through, Notification]


# PostgreSQL: secondary indexes and constraints off during the load, rebuilt after it.


@dataclass(frozen=True)
class _Definition:
    table: str
    name: str
    sql: str  # re-creates it


def _drop_secondary_structures(cursor, tables: Iterable[str]) -> list[_Definition]:
    """Drop every index and constraint but the primary keys; return how to make them again.

    Pending deferred foreign-key checks (rows inserted earlier in this transaction) are run
    first: PostgreSQL refuses to alter a table that still has some.
    """
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    definitions = []
    for table in tables:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype <> 'p' ORDER BY contype = 'f', conname",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        quoted = connection.ops.quote_name(table)
        for name, definition, _kind in constraints:
            name = connection.ops.quote_name(name)
            cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {name}")
            definitions.append(
                _Definition(table, name, f"ALTER TABLE {quoted} ADD CONSTRAINT {name} {definition}")
            )
        for name, definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
            definitions.append(_Definition(table, name, definition))
    return definitions


def _rebuild(cursor, definitions: list[_Definition]) -> None:
    # Indexes first, then unique and check constraints, foreign keys last (they use the indexes).
    def order(definition: _Definition) -> int:
        if "FOREIGN KEY" in definition.sql:
            return 2
        return 1 if definition.sql.startswith("ALTER TABLE") else 0

    for definition in sorted(definitions, key=order):
        cursor.execute(definition.sql)


def vacuum_analyze() -> None:
    """Fresh planner statistics and visibility maps (outside any transaction)."""
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in [*BULK_TABLES, Guide, Library, WeeklySchedule]]
    # VACUUM cannot run in a transaction (a test's); ANALYZE alone then.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")


def database_size() -> int:
    """Bytes the database takes on disk."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            )
        else:
            return 0
        return int(cursor.fetchone()[0])


def load_data(
    spec: LoadSpec, *, now: dt.datetime, progress: Callable[[str], None] = lambda _: None
) -> LoadReport:
    """Build the data set: `spec.weeks` weeks of slots ending `spec.ahead_weeks` weeks ahead."""
    rng = random.Random(spec.seed)
    report = LoadReport()
    today = now.astimezone(local_zone()).date()
    monday = today - dt.timedelta(days=today.weekday())
    first_on = monday - dt.timedelta(weeks=spec.weeks - spec.ahead_weeks)
    last_on = monday + dt.timedelta(weeks=spec.ahead_weeks) - dt.timedelta(days=1)
    report.first_on, report.last_on = first_on, last_on
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        report.seconds[name] = round(time.perf_counter() - clock, 1)
        clock = time.perf_counter()
        progress(f"{name}: {report.seconds[name]} s")

    with transaction.atomic():
        devices, topics = _reference_lists()
        libraries = _make_libraries(spec, rng)
        guides = _make_guides(spec, rng)
        guide_libraries = _home_libraries(spec, libraries, guides, rng)
        schedules = _make_schedules(guide_libraries, first_on, rng)
        closures = _make_closures(libraries, guide_libraries, first_on, last_on, rng)
        report.libraries, report.guides = len(libraries), len(guides)
        report.schedules, report.closures = len(schedules), len(closures)
        report.busiest_library = libraries[0].slug
        lap("libraries, guides, schedules and closures")

        public_holidays = holidays.country_holidays(
            "FI", years=range(first_on.year, last_on.year + 1)
        )
        days = [
            day
            for day in (
                first_on + dt.timedelta(days=n) for n in range((last_on - first_on).days + 1)
            )
            if day not in public_holidays
        ]
        closed_days = defaultdict(set)  # (library, guide or None) -> closed days
        for closure in closures:
            day = closure.starts_on
            while day <= closure.ends_on:
                closed_days[(closure.library_id, closure.guide_id)].add(day)
                day += dt.timedelta(days=1)

        def closed(library_id: int, guide_id: int, day: dt.date) -> bool:
            return (
                day in closed_days[(library_id, None)] or day in closed_days[(library_id, guide_id)]
            )

        schedules_by_guide = defaultdict(list)
        for schedule in schedules:
            schedules_by_guide[schedule.guide_id].append(schedule)
        booker = _Booker(
            spec,
            now=now,
            devices=devices,
            topics=topics,
            ids=_Ids.after_existing(),
            rng=rng,
            report=report,
        )
        times = _TimeTable()
        with connection.cursor() as cursor:
            rebuild = []
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                tables = [model._meta.db_table for model in BULK_TABLES]
                rebuild = _drop_secondary_structures(cursor, tables)
            for number, guide in enumerate(guides, start=1):
                booker.past_seen = booker.past_booked = 0
                sessions = []
                for schedule in schedules_by_guide[guide.pk]:
                    sessions.extend(
                        (run[0][0], schedule.library_id, run)
                        for run in _slot_times(schedule, days, closed, times)
                    )
                for _starts_at, library_id, run in sorted(sessions, key=lambda s: s[0]):
                    booker.run(guide.pk, library_id, run)
                if number % BATCH_GUIDES == 0 or number == len(guides):
                    booker.flush()
                if number % (BATCH_GUIDES * 6) == 0:
                    progress(f"  {number}/{len(guides)} guides, {report.slots:,} slots")
            lap("slots and bookings written")
            _rebuild(cursor, rebuild)
            for sql in connection.ops.sequence_reset_sql(no_style(), BULK_TABLES):
                cursor.execute(sql)
            lap("indexes and constraints rebuilt")
    return report
