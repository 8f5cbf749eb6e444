"""The public read-only JSON API, version 1 (django-ninja): /api/v1/.

Versioned in the address: fields may be added within v1, nothing is removed or changed in
meaning; a change that would break a site comes as /api/v2/ beside it. The answer's language
is `?lang=` if given, else the request's (the Accept-Language header), else Finnish. CORS
(any origin may GET, no credentials) is settings.CORS_*; each client address may ask
RATE_LIMITS["api"] times an hour. See docs/api.md.
"""

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.gzip import re_accepts_gzip  # GZipMiddleware's own test
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from bookings import abuse
from bookings.api import free_times, libraries
from bookings.api.schemas import Error, LibraryFreeTimes, PublicLibrary

Lang = Literal["fi", "sv", "en"]
LANG_HELP = "The answer's language; without it, the Accept-Language header's, else Finnish."


class _Utf8Renderer(JSONRenderer):
    """JSON as UTF-8 text: "Ryhmätila", not "Ryhm\\u00e4tila" (shorter, and readable)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=_Utf8Renderer(),
    title="Digiopas",
    version="1",
    description=(
        "Libraries' one-to-one digital guidance: the libraries and their next free times, "
        "each with the address of its booking form. Read-only and public: no personal data."
    ),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def answer_language(request: HttpRequest, lang: str | None = None) -> str:
    """`?lang=` if given, else the Accept-Language header's (a language the site has), else
    Finnish. Not the active language: for an address without a language prefix that is always
    Finnish (i18n_patterns without a prefix for the default language)."""
    return lang or translation.get_language_from_request(request)


@api.exception_handler(NinjaValidationError)
def bad_parameters(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    """A parameter that is not what the schema says: 400, naming the parameters, in the
    language asked for if `lang` itself is right."""
    names = sorted({str(item["loc"][-1]) for item in error.errors if item.get("loc")})
    lang = request.GET.get("lang")
    language = answer_language(request, lang if lang in ("fi", "sv", "en") else None)
    with translation.override(language):
        detail = _("Please check these parameters: %(names)s.") % {"names": ", ".join(names)}
    answered = api.create_response(request, {"detail": detail}, status=400)
    answered["Content-Language"] = language
    return answered


class _Answer:
    """The answer's language for the view's body, and its headers: Content-Language, and
    Retry-After when the client asked too often."""

    def __init__(self, request: HttpRequest, response: HttpResponse, lang: str | None) -> None:
        self.language = answer_language(request, lang)
        self.override = translation.override(self.language)
        self.response = response
        self.limited = abuse.over_limit(request, "api")

    def __enter__(self) -> "_Answer":
        self.override.__enter__()
        self.response["Content-Language"] = self.language
        if self.limited:
            self.response["Retry-After"] = "60"
        return self

    def __exit__(self, *exc) -> None:
        self.override.__exit__(*exc)

    def json(self, body: str | bytes) -> HttpResponse:
        """An answer already written as JSON, with this answer's headers."""
        answered = HttpResponse(body, content_type="application/json; charset=utf-8")
        answered["Content-Language"] = self.language
        patch_vary_headers(answered, ["Accept-Encoding"])
        return answered

    def gzipped(self, body: bytes) -> HttpResponse:
        answered = self.json(body)
        answered["Content-Encoding"] = "gzip"
        return answered

    @staticmethod
    def too_many() -> Status:
        too_often = _("Too many requests from this address. Please wait a minute and try again.")
        return Status(429, {"detail": too_often})


@api.get(
    "/libraries",
    url_name="library_list",
    response={200: list[PublicLibrary], 400: Error, 429: Error},
    summary="Libraries",
    description="The libraries that take bookings, by name.",
    tags=["libraries"],
)
def library_list(
    request: HttpRequest,
    response: HttpResponse,
    lang: Annotated[Lang | None, Query(description=LANG_HELP)] = None,
):
    with _Answer(request, response, lang) as answer:
        if answer.limited:
            return answer.too_many()
        return Status(200, libraries.public_libraries(now=timezone.now()))


@api.get(
    "/libraries/{slug}",
    url_name="library_detail",
    response={200: PublicLibrary, 400: Error, 404: Error, 429: Error},
    summary="A library",
    tags=["libraries"],
)
def library_detail(
    request: HttpRequest,
    response: HttpResponse,
    slug: str,
    lang: Annotated[Lang | None, Query(description=LANG_HELP)] = None,
):
    with _Answer(request, response, lang) as answer:
        if answer.limited:
            return answer.too_many()
        found = libraries.public_libraries(now=timezone.now(), slug=slug)
        if not found:
            return Status(404, {"detail": _("There is no such library. See /api/v1/libraries.")})
        return Status(200, found[0])


@api.get(
    "/libraries/{slug}/free-times",
    url_name="library_free_times",
    response={200: LibraryFreeTimes, 400: Error, 404: Error, 429: Error},
    summary="A library's free times",
    description=(
        "The times patrons may book online now, soonest first, as the library's free-times "
        f"page lists them. At most {free_times.MAX_DAYS} days per request (from today by "
        "default); none beyond `bookable_until`."
    ),
    tags=["free times"],
)
def library_free_times(
    request: HttpRequest,
    response: HttpResponse,
    slug: str,
    first_day: Annotated[
        dt.date | None, Query(alias="from", description="First day (YYYY-MM-DD); today by default.")
    ] = None,
    last_day: Annotated[
        dt.date | None,
        Query(
            alias="to",
            description=f"Last day, included; {free_times.MAX_DAYS} days in all by default.",
        ),
    ] = None,
    guidance_language: Annotated[
        Lang | None, Query(description="Only times whose guide guides in this language.")
    ] = None,
    minutes: Annotated[
        int | None,
        Query(ge=1, le=24 * 60, description="Only times from which a visit this long is on offer."),
    ] = None,
    way: Annotated[
        Literal["library", "phone", "video"] | None,
        Query(description="Only times offered this way of guidance."),
    ] = None,
    lang: Annotated[Lang | None, Query(description=LANG_HELP)] = None,
):
    now = timezone.now()
    with _Answer(request, response, lang) as answer:
        if answer.limited:
            return answer.too_many()
        unfiltered = all(
            value is None for value in (first_day, last_day, guidance_language, minutes, way)
        )
        if last_day is None:
            first_day, last_day = free_times.default_days(now, first_day)
        first_day = first_day or timezone.localdate(now)
        if last_day < first_day:
            return Status(
                400, {"detail": _("The last day (to) must not be before the first (from).")}
            )
        if (last_day - first_day).days >= free_times.MAX_DAYS:
            return Status(
                400,
                {
                    "detail": _("Please ask for at most %(days)d days at a time.")
                    % {"days": free_times.MAX_DAYS}
                },
            )
        listed = free_times.library_free_times(slug, now=now)
        if listed is None:
            return Status(404, {"detail": _("There is no such library. See /api/v1/libraries.")})
        if unfiltered:  # written once when the list was made
            if re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
                return answer.gzipped(listed.gzipped)
            return answer.json(listed.body)
        times = free_times.matching(
            listed.times,
            first_day=first_day,
            last_day=last_day,
            guidance_language=guidance_language,
            minutes=minutes,
            way=way,
        )
        # Joined from JSON written when the list was made, not serialised afresh: the shape
        # is schemas.LibraryFreeTimes, as the tests check.
        return answer.json(free_times.answer_json(listed, times))


def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any other address under /api/: a JSON 404 that says where the docs are."""
    with translation.override(answer_language(request)):
        detail = _("There is no such address in the API. See /api/v1/docs.")
    return JsonResponse({"detail": detail}, status=404, json_dumps_params={"ensure_ascii": False})
