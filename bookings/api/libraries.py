"""The libraries as the public API lists them: public details in the active language, the
languages their guides guide in, the ways of guidance and the lengths of visit patrons may
book. Three queries
however many libraries and guides."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from bookings.api.free_times import SLUG
from bookings.models import WAY_FIELDS, Guide, Library, Way, WeeklySchedule
from bookings.models.library import ways_of
from bookings.rules import MAX_SLOTS_PER_BOOKING


def _language(code: str) -> dict:
    return {"code": code, "name": str(translation.get_language_info(code)["name_translated"])}


def public_libraries(*, now: dt.datetime, slug: str | None = None) -> list[dict]:
    """The active libraries (or the one `slug`), by name."""
    libraries = Library.objects.filter(is_active=True)
    if slug is not None:
        if not SLUG.fullmatch(slug):  # no library has it (a NUL byte would reach PostgreSQL)
            return []
        libraries = libraries.filter(slug=slug)
    libraries = list(libraries)
    if not libraries:
        return []
    ids = [library.pk for library in libraries]
    # The languages of each library's active guides (one query through the guides' libraries).
    languages = defaultdict(set)
    for library_id, codes in Guide.libraries.through.objects.filter(
        library_id__in=ids, guide__is_active=True
    ).values_list("library_id", "guide__languages"):
        languages[library_id].update(codes or ())
    # The slot lengths of the weekly schedules still in force, by active guides.
    today = timezone.localdate(now)
    # And the ways of guidance they offer, in the same query.
    slot_minutes, ways = defaultdict(set), defaultdict(set)
    for library_id, minutes, *flags in (
        WeeklySchedule.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
            library_id__in=ids,
            guide__is_active=True,
        )
        .values_list("library_id", "slot_minutes", *WAY_FIELDS.values())
        .distinct()
    ):
        slot_minutes[library_id].add(minutes)
        ways[library_id].update(ways_of(*flags))
    page = reverse("bookings:free_times", args=["-"]).removesuffix("-/")
    order = [code for code, _name in settings.LANGUAGES]
    return [
        {
            "slug": library.slug,
            "name": library.name,
            "address": library.address,
            "place": library.place,
            "accessibility": library.accessibility,
            "getting_there": library.parking,
            "map_url": library.map_url,
            "free_times_url": f"{settings.SITE_URL}{page}{library.slug}/",
            "guidance_languages": [
                _language(code) for code in order if code in languages[library.pk]
            ],
            "ways": [way for way in Way.values if way in ways[library.pk]],
            "lengths": sorted(
                {
                    minutes * count
                    for minutes in slot_minutes[library.pk]
                    for count in range(1, MAX_SLOTS_PER_BOOKING + 1)
                }
            ),
        }
        for library in libraries
    ]
