"""The staff desk: booking a time for a patron on the phone or at the desk, and the slip."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bookings import availability, notifications, privacy, rules, services, waiting_list
from bookings.access import visible_libraries
from bookings.forms import row_id
from bookings.models import AccessLogEntry, Booking, Slot
from bookings.models.private_link import feedback_token_for
from bookings.phone_numbers import phone_as_written
from bookings.qr_codes import qr_code_svg
from bookings.staff.desk_forms import (
    DeskBookingForm,
    DeskCancelForm,
    DeskTimesForm,
    DeskWaitingListForm,
    PatronSearchForm,
)
from bookings.staff.patron_search import patron_bookings


@staff_member_required
@permission_required("bookings.add_booking", raise_exception=True)
def desk_day(request: HttpRequest) -> HttpResponse:
    """The desk's next free times across the staff member's libraries, guides and days."""
    form = DeskTimesForm(
        request.GET or {"day": timezone.localdate()}, libraries=visible_libraries(request.user)
    )
    context = {
        "form": form,
        "search_form": PatronSearchForm(),
        "again": _next_visit_of(request),
        **_desk_times(form),
    }
    return render(request, "staff/desk_day.html", context)


def _next_visit_of(request: HttpRequest) -> Booking | None:
    """The visit whose patron the desk is booking again (`?again=`: "needs another visit" on
    the printed day), if the staff member may see it and its details are still there."""
    pk = row_id(request.GET.get("again", ""))
    if pk is None:
        return None
    return (
        Booking.objects.filter(
            pk=pk,
            library__in=visible_libraries(request.user),
            personal_data_erased_at__isnull=True,
        )
        .prefetch_related("topics")
        .first()
    )


def _next_visit_initial(booking: Booking | None) -> dict:
    """The desk form filled in with the patron's details from their last visit."""
    if booking is None:
        return {}
    return {
        "patron_name": booking.patron_name,
        "phone": phone_as_written(booking.phone) if booking.phone else "",
        "email": booking.email,
        "language": booking.language,
        "channel": Booking.Channel.DESK,
        "device": booking.device_id,
        "topics": [topic.pk for topic in booking.topics.all()],
    }


def _desk_times(form: DeskTimesForm) -> dict:
    """The free times the desk's search asks for, and what their list needs to show them."""
    if not form.is_valid():
        return {"times": None}
    now = timezone.now()
    search = form.search(now=now)
    times = availability.desk_free_times(**search, now=now)
    return {
        "times": times,
        # Each time names its library when the list may hold several.
        "show_library": form.cleaned_data["library"] is None and search["libraries"].count() > 1,
        "later_query": form.later_query(times.next_day) if times.next_day else "",
    }


@staff_member_required
@permission_required("bookings.view_booking", raise_exception=True)
def desk_find(request: HttpRequest) -> HttpResponse:
    """A patron found by phone number or name: their visits, each with what the desk can do."""
    form = PatronSearchForm(request.GET)
    search = None
    term = form.cleaned_data["q"] if form.is_valid() else ""
    if term:
        now = timezone.now()
        search = patron_bookings(term, libraries=visible_libraries(request.user), now=now)
        if search.found:
            # Names and numbers were shown: logged with what was searched for.
            privacy.access_record(
                user=request.user,
                place=AccessLogEntry.Place.DESK_SEARCH,
                detail=search.term,
                now=now,
            )
    context = {"search_form": form, "search": search, "term": term}
    return render(request, "staff/desk_find.html", context)


@staff_member_required
@permission_required("bookings.add_booking", raise_exception=True)
@require_http_methods(["GET", "POST"])
def desk_book(request: HttpRequest, slot_id: int) -> HttpResponse:
    now = timezone.now()
    slot = get_object_or_404(
        Slot.objects.select_related("library", "guide"),
        pk=slot_id,
        library__in=visible_libraries(request.user),
    )
    lengths = availability.slot_lengths(slot, now=now)
    day = timezone.localdate(slot.starts_at)
    back = f"{reverse('staff:desk_day')}?library={slot.library_id}&day={day.isoformat()}"
    try:
        rules.check_not_past(slot.starts_at, now=now)
        rules.check_not_held([slot], now=now)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if not lengths:
        messages.error(request, _("That time was just taken. Please choose another."))
        return redirect(back)
    again = _next_visit_of(request)
    form = DeskBookingForm(
        request.POST or None,
        initial=_next_visit_initial(again),
        lengths=lengths,
        ways=slot.ways,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = services.booking_create(
                slot=slot,
                language=data["language"],
                channel=data["channel"],
                video_link=data.get("video_link", ""),
                now=now,
                **form.booking_details(lengths),
            )
        except services.SlotTaken:
            messages.error(request, _("That time was just taken. Please choose another."))
            return redirect(back)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("staff:desk_slip", booking_id=booking.pk)
    context = {"slot": slot, "form": form, "back": back, "again": again}
    return render(request, "staff/desk_book.html", context)


@staff_member_required
@permission_required("bookings.view_booking", raise_exception=True)
def desk_slip(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = get_object_or_404(
        Booking.objects.select_related("library", "guide", "device").prefetch_related("topics"),
        pk=booking_id,
        library__in=visible_libraries(request.user),
    )
    privacy.access_record(
        user=request.user, place=AccessLogEntry.Place.SLIP, booking=booking, now=timezone.now()
    )
    # The patron's page in the patron's language, whatever language the desk works in.
    with translation.override(booking.language):
        private_url = request.build_absolute_uri(
            reverse("bookings:booking_detail", args=[booking.token])
        )
        qr_code = qr_code_svg(private_url, label=_("QR code of the patron's own booking page"))
        # The feedback form opens once the visit is marked attended: paper for those who
        # prefer it.
        feedback_url = request.build_absolute_uri(
            reverse("bookings:feedback", args=[feedback_token_for(booking.link_secret)])
        )
        feedback_qr_code = qr_code_svg(feedback_url, label=_("QR code of the feedback form"))
    context = {
        "booking": booking,
        "private_url": private_url,
        "qr_code": qr_code,
        # Where the confirmation went and when the reminder comes, in the patron's words.
        "sent": notifications.patron_messages(booking),
        "today": timezone.localdate(),
        "feedback_qr_code": feedback_qr_code,
    }
    return render(request, "staff/desk_slip.html", context)


def _staff_booking(request: HttpRequest, booking_id: int) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("library", "guide"),
        pk=booking_id,
        library__in=visible_libraries(request.user),
    )


@staff_member_required
@permission_required("bookings.change_booking", raise_exception=True)
def desk_move(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Staff choose a new time for a booking (any day, guide or library they see, inside the
    online deadline too); the times offered fit the whole visit."""
    booking = _staff_booking(request, booking_id)
    initial = {"library": booking.library_id, "minutes": booking.minutes, "way": booking.way}
    form = DeskTimesForm(
        request.GET or initial,
        libraries=visible_libraries(request.user),
        visit_minutes=booking.minutes,
    )
    context = {
        "booking": booking,
        "form": form,
        "back": desk_find_url(booking),
        **_desk_times(form),
    }
    return render(request, "staff/desk_move.html", context)


@staff_member_required
@permission_required("bookings.change_booking", raise_exception=True)
@require_POST
def desk_move_to(request: HttpRequest, booking_id: int, slot_id: int) -> HttpResponse:
    booking = _staff_booking(request, booking_id)
    slot = get_object_or_404(
        Slot.objects.select_related("library"),
        pk=slot_id,
        library__in=visible_libraries(request.user),
    )
    try:
        # The booking keeps its length; the service says so if the new time is too short.
        services.booking_reschedule(
            booking=booking,
            first_slot=slot,
            slot_count=booking.slots.count() or 1,
            now=timezone.now(),
            by_staff=True,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("staff:desk_move", booking_id=booking.pk)
    messages.success(request, _("The booking is moved and the patron is told."))
    return redirect("staff:desk_slip", booking_id=booking.pk)


@staff_member_required
@permission_required("bookings.change_booking", raise_exception=True)
@require_http_methods(["GET", "POST"])
def desk_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _staff_booking(request, booking_id)
    # Opened from the desk's search, staff go back to the patron's visits, not to the admin.
    if request.GET.get("from") == "desk":
        back = desk_find_url(booking)
    else:
        back = reverse("admin:bookings_booking_change", args=[booking.pk])
    form = DeskCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_cancel(
                booking=booking, now=timezone.now(), by_staff=True, **form.cancellation()
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The booking is cancelled and the patron is told."))
        return redirect(back)
    context = {"booking": booking, "form": form, "back": back}
    return render(request, "staff/desk_cancel.html", context)


def desk_find_url(booking: Booking) -> str:
    """The desk's search for this booking's patron: by their number, or their name."""
    return f"{reverse('staff:desk_find')}?{urlencode({'q': booking.phone or booking.patron_name})}"


@staff_member_required
@permission_required("bookings.add_waitinglistentry", raise_exception=True)
@require_http_methods(["GET", "POST"])
def desk_waiting_list(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The patron of a booking put on a waiting list with the contact details they gave."""
    booking = get_object_or_404(
        Booking.objects.select_related("library", "guide"),
        pk=booking_id,
        library__in=visible_libraries(request.user),
        personal_data_erased_at__isnull=True,
    )
    libraries = visible_libraries(request.user)
    initial = {"library": booking.library_id, "need": booking.need}
    form = DeskWaitingListForm(request.POST or None, initial=initial, libraries=libraries)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            waiting_list.waiting_list_join(
                patron_name=booking.patron_name,
                phone=booking.phone,
                email=booking.email,
                language=booking.language,
                channel=Booking.Channel.PHONE,
                now=timezone.now(),
                **data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The patron is on the waiting list and is told so."))
            return redirect(desk_find_url(booking))
    context = {"booking": booking, "form": form, "back": desk_find_url(booking)}
    return render(request, "staff/desk_waiting_list.html", context)
