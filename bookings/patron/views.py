"""The patron's pages: the landing page and library choice, free times, the booking form and its
answer, and the private booking page (change, longer/shorter, cancel, calendar file, erase)."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bookings import (
    abuse,
    availability,
    availability_cache,
    library_list_cache,
    notifications,
    privacy,
    rules,
    services,
)
from bookings.calendar_file import booking_ics
from bookings.models import Booking, Library, Memo, MemoInstruction, Slot, WaitingListEntry
from bookings.models.private_link import hash_token, token_hash_for
from bookings.patron.forms import BookingForm, ResizeForm
from bookings.qr_codes import qr_code_svg


def _free_times_prefix() -> str:
    """The free-times address up to the library's slug: a national list of libraries would
    otherwise spend most of its time reversing the same URL hundreds of times."""
    return reverse("bookings:free_times", args=["-"]).removesuffix("-/")


def _library_list_context() -> dict:
    # The queryset is read only when the template's cached fragment is rendered afresh.
    return {
        "libraries": Library.objects.filter(is_active=True),
        "libraries_version": library_list_cache.libraries_version(),
        "fragment_seconds": library_list_cache.FRAGMENT_SECONDS,
        "free_times_prefix": _free_times_prefix(),
    }


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "bookings/home.html", _library_list_context())


def choose_library(request: HttpRequest) -> HttpResponse:
    # Two slugs are enough to know whether there is anything to choose.
    slugs = list(Library.objects.filter(is_active=True).values_list("slug", flat=True)[:2])
    if len(slugs) == 1:
        return redirect("bookings:free_times", slug=slugs[0])
    return render(request, "bookings/choose_library.html", _library_list_context())


def free_times(request: HttpRequest, slug: str) -> HttpResponse:
    # The library is read only when the page is rendered afresh (see availability_cache).
    return availability_cache.free_times_response(request, slug, now=timezone.now())


def embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The next free times, small enough for a frame on the library's own site. Each time opens
    the booking form in a new tab: in a frame on another site the browser would not send our
    SameSite=Lax cookies, and the form's CSRF check would fail (docs/embed-and-feeds.md)."""
    library = get_object_or_404(Library, slug=slug, is_active=True)
    count = availability_cache.embed_count_asked(request)
    now = timezone.now()
    today = timezone.localdate(now)
    context = {
        "library": library,
        "days": availability_cache.next_free_times(library, now=now, count=count),
        "today": today,
        "tomorrow": today + dt.timedelta(days=1),
    }
    return render(request, "bookings/embed.html", context)


@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, slug: str, slot_id: int) -> HttpResponse:
    now = timezone.now()
    slot, lengths = availability.slot_with_lengths(slot_id, slug=slug, now=now)
    if slot is None:
        raise Http404
    # What the form's signed secret says, read once: a form sent again finds its booking.
    sent_before = _sent_before(request)
    # What a sent form said goes on to the nearest other times if this one cannot be had.
    details = request.POST if request.method == "POST" else None
    if reason := rules.online_refusal(slot.library, slot, now=now):
        return sent_before() or _slot_taken(request, slot, now, reason=reason, details=details)
    if not lengths:
        return sent_before() or _slot_taken(request, slot, now, details=details)
    if request.method == "POST" and CARRIED in request.POST:
        # Another time chosen after this one was taken: the form again, with what the patron
        # wrote already in it (WCAG 3.3.7), and nothing booked until they send it.
        form = BookingForm(initial=carried_details(request.POST), lengths=lengths, ways=slot.ways)
    else:
        form = BookingForm(request.POST or None, lengths=lengths, ways=slot.ways)
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = form.cleaned_data
        if abuse.over_limit(request, "booking", contacts=(data["phone"], data["email"])):
            return abuse.too_many_requests(request, slot.library)
        try:
            booking = services.booking_create(
                slot=slot,
                language=get_language(),
                link_secret=data["submission"],
                now=now,
                **form.booking_details(lengths),
            )
        except (services.SlotTaken, services.AlreadyBooked):
            return sent_before() or _slot_taken(request, slot, now, details=details)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _confirmation(request, booking, now)
    response = render(request, "bookings/book.html", {"slot": slot, "form": form})
    add_never_cache_headers(response)  # its signed secret leads to the booking it makes
    return response


def _confirmation(request: HttpRequest, booking: Booking, now) -> HttpResponse:
    """The booked time, as the answer to the form itself: no redirect, one request less on a
    slow phone line. A small script then puts the private link in the address bar, so that
    reloading reads the booking instead of offering to send the form again; without it, a
    form sent again finds its own booking (`_sent_before`) and books nothing twice.
    """
    prefetch_related_objects([booking], "topics")  # listed twice on the page: one query
    # A time just booked has no memo yet: no query to ask.
    context = _booking_page_context(request, booking, now, just_booked=True, memo=None)
    context["page_path"] = just_booked_url(booking)  # the address this page stands for
    response = render(request, "bookings/booking_detail.html", context)
    add_never_cache_headers(response)  # personal data, as on the private page itself
    return response


def _sent_before(request: HttpRequest):
    """A function answering with the booking page, if this very form already made a booking
    (else None). The form's signed secret is read here, once; the database only when asked.

    A double click on "Book", or Back and Send again, posts the same form twice; the second
    would otherwise be told that the time was just taken, by the patron who took it.
    """
    secret = BookingForm.link_secret(request.POST) if request.method == "POST" else None

    def answer() -> HttpResponse | None:
        if secret is None:
            return None
        try:
            booking = Booking.objects.only("status", "link_secret").get(
                token_hash=token_hash_for(secret)
            )
        except Booking.DoesNotExist:
            return None
        if booking.status == Booking.Status.BOOKED:
            return redirect(just_booked_url(booking))
        return redirect(booking_url(booking))

    return answer


# What a patron wrote on a booking form whose time was taken, carried to the form of another
# time in hidden fields (no session, nothing in an address). Never the form's secret, start time
# or consent: the next form has its own, and the patron agrees again.
CARRIED = "carried"
CARRIED_FIELDS = ("patron_name", "phone", "email", "device", "topics", "need", "no_feedback")


def carried_details(data) -> dict:
    """The details a taken time's page carried, as the next form's initial values."""
    details = {name: data.get(name, "")[:2000] for name in CARRIED_FIELDS if name != "topics"}
    details["topics"] = [value for value in data.getlist("topics")[:50] if value.isdigit()]
    if not details["device"].isdigit():
        details["device"] = None
    return details


def _slot_taken(
    request: HttpRequest,
    slot: Slot,
    now,
    *,
    reason: ValidationError | None = None,
    details=None,
) -> HttpResponse:
    """The time cannot be had: why (taken, or the rule that refuses it) and the nearest others.

    With the `details` of a form sent for it, each other time carries them to its own form."""
    alternatives = availability.nearest_free_slots(slot, now=now)
    carried = []
    if details is not None:
        values = carried_details(details)
        carried = [
            (name, value)
            for name in CARRIED_FIELDS
            for value in (values[name] if name == "topics" else [values[name]])
            if value
        ]
    context = {
        "slot": slot,
        "library": slot.library,
        "alternatives": alternatives,
        "reason": " ".join(reason.messages) if reason else "",
        "carried": carried,
        "carried_flag": CARRIED,
    }
    return render(request, "bookings/slot_taken.html", context, status=409)


# The instructions of the booking's memo, in their order, as `memo.attached`: one query, made
# only when there is a memo.
MEMO_INSTRUCTIONS = Prefetch(
    "memo__memoinstruction_set",
    MemoInstruction.objects.select_related("instruction"),
    to_attr="attached",
)


def _memo(booking: Booking) -> Memo | None:
    try:
        return booking.memo
    except Memo.DoesNotExist:
        return None


def _booking_or_404(token: str) -> Booking:
    # get(), not first(): the hash is unique, and first() would sort by the start for nothing.
    try:
        return (
            Booking.objects.select_related(
                "library", "guide", "device", "cancelled_for_closure", "memo"
            )
            .prefetch_related("topics", MEMO_INSTRUCTIONS)
            .get(token_hash=hash_token(token))
        )
    except Booking.DoesNotExist:
        raise Http404 from None


def _booking_page_context(
    request: HttpRequest, booking: Booking, now, *, just_booked, memo: Memo | None
) -> dict:
    private_link = request.build_absolute_uri(booking_url(booking))
    context = {
        "booking": booking,
        "can_change": booking.can_be_changed_online(now),
        "resize": availability.resize_options(booking, now=now),
        "just_booked": just_booked,
        "private_link": private_link,
        "today": timezone.localdate(now),
        "memo": memo,
    }
    if booking.is_active:  # what happens next, and the code on the printout
        context["sent"] = notifications.patron_messages(booking)
        context["qr_code"] = qr_code_svg(private_link, label=_("QR code of this page's address"))
    return context


@abuse.limit_private_links
def short_private_link(request: HttpRequest, token: str) -> HttpResponse:
    """/v/<token>/, the private link of a text message: the same token at a shorter address,
    leading to the booking's (or waiting-list entry's) own page in the patron's language. A
    wrong token is the same 404, and the same count of misses, as on those pages."""
    token_hash = hash_token(token)
    for model, page in (
        (Booking, "bookings:booking_detail"),
        (WaitingListEntry, "bookings:waiting_entry"),
    ):
        try:
            language = model.objects.values_list("language", flat=True).get(token_hash=token_hash)
        except model.DoesNotExist:
            continue
        with translation.override(language):
            return redirect(reverse(page, args=[token]))
    raise Http404


@abuse.limit_private_links
def booking_detail(request: HttpRequest, token: str) -> HttpResponse:
    booking = _booking_or_404(token)
    just_booked = request.GET.get("new") == "1"
    context = _booking_page_context(
        request, booking, timezone.now(), just_booked=just_booked, memo=_memo(booking)
    )
    return render(request, "bookings/booking_detail.html", context)


@abuse.limit_private_links
def booking_memo(request: HttpRequest, token: str) -> HttpResponse:
    """The guide's memo alone, in large print, to read and to print on one A4 page."""
    booking = _booking_or_404(token)
    memo = _memo(booking)
    if memo is None:
        raise Http404
    return render(request, "bookings/booking_memo.html", {"booking": booking, "memo": memo})


@abuse.limit_private_links
def booking_calendar(request: HttpRequest, token: str) -> HttpResponse:
    booking = _booking_or_404(token)
    ics = booking_ics(booking, manage_url=request.build_absolute_uri(booking_url(booking)))
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="digiopastus.ics"'
    return response


@require_POST
@abuse.limit_private_links
def booking_erase(request: HttpRequest, token: str) -> HttpResponse:
    """A patron who cancelled may erase their details at once."""
    booking = _booking_or_404(token)
    if booking.is_active:
        messages.error(request, _("Please cancel the booking first."))
    else:
        privacy.booking_erase(booking=booking, now=timezone.now())
        messages.success(request, _("Your details are erased. Thank you for letting us know."))
    return redirect(booking_url(booking))


@require_http_methods(["GET", "POST"])
@abuse.limit_private_links
def booking_cancel(request: HttpRequest, token: str) -> HttpResponse:
    booking = _booking_or_404(token)
    if request.method == "POST":
        try:
            services.booking_cancel(booking=booking, now=timezone.now())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Your booking is cancelled. The time is now free for others.")
            )
        return redirect(booking_url(booking))
    return render(request, "bookings/booking_cancel.html", {"booking": booking})


@require_POST
@abuse.limit_private_links
def booking_resize(request: HttpRequest, token: str) -> HttpResponse:
    booking = _booking_or_404(token)
    form = ResizeForm(request.POST)
    first = booking.slots.order_by("starts_at").first()
    if form.is_valid() and first is not None:
        try:
            services.booking_reschedule(
                booking=booking,
                first_slot=first,
                slot_count=form.cleaned_data["slot_count"],
                now=timezone.now(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The length of your booking is changed."))
    return redirect(booking_url(booking))


@abuse.limit_private_links
def booking_change(request: HttpRequest, token: str) -> HttpResponse:
    booking = _booking_or_404(token)
    # Only times offered the way the visit is guided (a phone visit moves to a phone time).
    days = availability.free_days(booking.library, now=timezone.now(), way=booking.way)
    return render(request, "bookings/booking_change.html", {"booking": booking, "days": days})


@require_http_methods(["GET", "POST"])
@abuse.limit_private_links
def booking_change_to(request: HttpRequest, token: str, slot_id: int) -> HttpResponse:
    booking = _booking_or_404(token)
    now = timezone.now()
    slot = get_object_or_404(
        Slot.objects.select_related("library", "guide"), pk=slot_id, library=booking.library
    )
    if reason := rules.online_refusal(slot.library, slot, now=now):
        return _slot_taken(request, slot, now, reason=reason)
    lengths = availability.slot_lengths(slot, now=now, booking_id=booking.pk)
    if not lengths:
        return _slot_taken(request, slot, now)
    # The visit keeps its length: a time with fewer free minutes is refused, never shortening
    # the visit behind the patron's back.
    slot_count = booking.slots.count() or 1
    if len(lengths) < slot_count:
        error = services.TooShort(free_minutes=lengths[-1])
        messages.error(request, " ".join(error.messages))
        return redirect("bookings:booking_change", token=token)
    if request.method == "POST":
        try:
            services.booking_reschedule(
                booking=booking, first_slot=slot, slot_count=slot_count, now=now
            )
        except services.SlotTaken:
            return _slot_taken(request, slot, now)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your time is changed. We have sent you the new details."))
        return redirect(booking_url(booking))
    context = {"booking": booking, "slot": slot, "minutes": lengths[slot_count - 1]}
    return render(request, "bookings/booking_change_to.html", context)


def booking_url(booking: Booking) -> str:
    return reverse("bookings:booking_detail", args=[booking.token])


def just_booked_url(booking: Booking) -> str:
    """The private page greeting the patron for the booking just made."""
    return booking_url(booking) + "?new=1"
