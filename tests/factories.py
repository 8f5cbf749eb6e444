"""Small factory functions with defaults; override what a test cares about."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from bookings import memos, services
from bookings.models import (
    Booking,
    Closure,
    DeviceType,
    Guide,
    Instruction,
    Library,
    Slot,
    Topic,
    WeeklySchedule,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
_serial = itertools.count(1)


def helsinki(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HELSINKI)


def make_library(**overrides) -> Library:
    n = next(_serial)
    fields = {
        "name": f"Kirjasto {n}",
        "slug": f"kirjasto-{n}",
        "address": f"Kirjastotie {n}, 90100 Oulu",
        "place": "Ryhmätila",
        "phone": "08 123 4567",
    }
    return Library.objects.create(**{**fields, **overrides})


def make_staff(*libraries: Library, permissions: tuple[str, ...] | list[str] = ()):
    """A staff member of `libraries` with these permissions: "codename" in the bookings app, or
    "app_label.codename"."""
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user(username=f"staff{next(_serial)}", is_staff=True)
    for library in libraries:
        library.staff.add(user)
    for permission in permissions:
        app_label, _, codename = permission.rpartition(".")
        user.user_permissions.add(
            Permission.objects.get(
                content_type__app_label=app_label or "bookings", codename=codename
            )
        )
    return user


def make_guide(*, libraries=(), **overrides) -> Guide:
    n = next(_serial)
    user = get_user_model().objects.create_user(username=f"guide{n}", is_staff=True)
    guide = Guide.objects.create(
        **{"user": user, "display_name": f"Opas {n}", "languages": ["fi"], **overrides}
    )
    guide.libraries.set(libraries or [make_library()])
    return guide


def make_schedule(*, guide: Guide, library: Library, **overrides) -> WeeklySchedule:
    fields = {
        "weekday": 1,
        "start_time": dt.time(10, 0),
        "end_time": dt.time(12, 0),
        "valid_from": dt.date(2026, 1, 1),
    }
    return WeeklySchedule.objects.create(guide=guide, library=library, **{**fields, **overrides})


def make_slot(*, guide: Guide | None = None, library: Library | None = None, **overrides) -> Slot:
    library = library or (guide.libraries.first() if guide else make_library())
    guide = guide or make_guide(libraries=[library])
    starts_at = overrides.pop("starts_at", helsinki(2026, 12, 8, 10, 0))
    ends_at = overrides.pop("ends_at", starts_at + dt.timedelta(minutes=15))
    return Slot.objects.create(
        guide=guide, library=library, starts_at=starts_at, ends_at=ends_at, **overrides
    )


def make_slot_run(*, count: int, **overrides) -> list[Slot]:
    """`count` back-to-back 15-minute slots of one guide."""
    first = make_slot(**overrides)
    slots = [first]
    for _ in range(count - 1):
        slots.append(
            make_slot(guide=first.guide, library=first.library, starts_at=slots[-1].ends_at)
        )
    return slots


def make_device(**overrides) -> DeviceType:
    return DeviceType.objects.create(**{"name": "Älypuhelin", **overrides})


def make_topic(**overrides) -> Topic:
    return Topic.objects.create(**{"name": "Pankkitunnukset", **overrides})


def make_instruction(*, publish: bool = True, **overrides) -> Instruction:
    """A shared instruction, published now (as staff publish them in the admin) unless not."""
    fields = {
        "title": "Suomi.fi-sovelluksen käyttöönotto",
        "steps": "Avaa sovelluskauppa.\nAsenna Suomi.fi-sovellus.",
        "links": "https://www.suomi.fi Suomi.fi",
        "language": "fi",
    }
    instruction = Instruction.objects.create(**{**fields, **overrides})
    if publish:
        memos.instruction_publish(instruction=instruction, user=None, now=timezone.now())
    return instruction


def make_closure(*, library: Library, **overrides) -> Closure:
    fields = {"starts_on": dt.date(2026, 12, 21), "ends_on": dt.date(2027, 1, 6), "reason": "Joulu"}
    return Closure.objects.create(library=library, **{**fields, **overrides})


def make_booking(
    *, slot: Slot | None = None, now: dt.datetime | None = None, **overrides
) -> Booking:
    slot = slot or make_slot()
    fields = {"patron_name": "Aino Asiakas", "phone": "+358401234567", "language": "en"}
    return services.booking_create(
        slot=slot, now=now or slot.starts_at - dt.timedelta(days=7), **{**fields, **overrides}
    )


def form_started(seconds_ago: float = 60) -> str:
    """The signed start time a public form carries, as if opened `seconds_ago`."""
    import time

    from django.core import signing

    return signing.dumps(time.time() - seconds_ago, salt="form-started")
