"""The shapes of the public API's answers, from which ninja writes the OpenAPI schema.

Each object may gain fields in a later release of the same version (ways of guidance, for
one); clients ignore fields they do not know. Nothing here is about a patron or a booking.
"""

import datetime as dt
from typing import Literal

from ninja import Field, Schema


class Language(Schema):
    code: str = Field(description="ISO 639-1 code: fi, sv or en.", examples=["sv"])
    name: str = Field(description="The language's name in the answer's language.")


class PublicLibrary(Schema):
    slug: str = Field(description="The library's short name in addresses.", examples=["liminka"])
    name: str
    address: str = Field(description="Street address, postcode and town.")
    place: str = Field(description="Where in the library guidance happens (may be empty).")
    accessibility: str = Field(description="Step-free entrance, lifts… (may be empty).")
    getting_there: str = Field(description="Parking and public transport (may be empty).")
    map_url: str = Field(description="The address on OpenStreetMap.")
    free_times_url: str = Field(description="The library's free-times page for patrons.")
    guidance_languages: list[Language] = Field(
        description="Languages the library's guides guide in."
    )
    ways: list[Literal["library", "phone", "video"]] = Field(
        description="Ways of guidance the library's weekly schedules offer: at the library, "
        "by phone, by video.",
        examples=[["library", "phone", "video"]],
    )
    lengths: list[int] = Field(
        description="Lengths of a visit patrons may book online, in minutes.",
        examples=[[15, 30, 45]],
    )


class FreeTime(Schema):
    starts_at: dt.datetime = Field(description="Start, Helsinki time with its UTC offset.")
    ends_at: dt.datetime = Field(description="End of the shortest visit from this start.")
    minutes: list[int] = Field(
        description="Lengths of visit on offer from this start, in minutes: the guide's next "
        "times follow without a gap and are free.",
        examples=[[15, 30, 45]],
    )
    guide: str = Field(description="The guide's public name, as the free-times page shows it.")
    languages: list[str] = Field(description="Languages the guide guides in (ISO 639-1).")
    ways: list[Literal["library", "phone", "video"]] = Field(
        description="Ways of guidance this time offers: at the library, by phone (the guide "
        "calls the patron) or by video (the patron gets the meeting link privately, once "
        "booked; never here).",
        examples=[["library", "phone"]],
    )
    booking_url: str = Field(
        description="The booking form for this time, in the answer's language."
    )


class LibraryFreeTimes(Schema):
    library: str = Field(description="The library's slug.")
    bookable_until: dt.date = Field(description="The last day patrons may book online.")
    times: list[FreeTime] = Field(description="Soonest first.")


class Error(Schema):
    detail: str = Field(description="What went wrong and what to do, in the answer's language.")
