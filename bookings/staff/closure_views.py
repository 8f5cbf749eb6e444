"""After a closure is saved: staff decide what happens to the bookings it overlaps; and a guide
who cannot come, whose closure staff make here and whose bookings they move or cancel."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from bookings import availability, privacy, services
from bookings.access import visible_libraries
from bookings.forms import row_id
from bookings.models import AccessLogEntry, Booking, Closure, Slot
from bookings.phone_numbers import can_receive_texts, phone_as_written
from bookings.staff.absence_forms import GuideAbsenceForm


@staff_member_required
@permission_required("bookings.change_booking", raise_exception=True)
@require_http_methods(["GET", "POST"])
def guide_absent(request: HttpRequest) -> HttpResponse:
    """Staff mark a guide absent for a day or a period, then follow up their bookings."""
    libraries = visible_libraries(request.user)
    initial = {key: request.GET.get(key) for key in ("library", "guide") if key in request.GET}
    form = GuideAbsenceForm(
        request.POST if request.method == "POST" else None, initial=initial, libraries=libraries
    )
    if request.method == "POST" and form.is_valid():
        try:
            closure = services.guide_absence_record(**form.cleaned_data, now=timezone.now())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("staff:closure_affected", closure_id=closure.pk)
    return render(request, "staff/guide_absent.html", {"form": form})


@staff_member_required
@permission_required("bookings.change_booking", raise_exception=True)
@require_http_methods(["GET", "POST"])
def closure_affected(request: HttpRequest, closure_id: int) -> HttpResponse:
    closure = get_object_or_404(
        Closure.objects.select_related("library", "guide"),
        pk=closure_id,
        library__in=visible_libraries(request.user),
    )
    if request.method == "POST" and "move" in request.POST:
        return _move_chosen(request, closure)
    if request.method == "POST":
        return _cancel_chosen(request, closure)
    # A read: the closure was applied (its free slots removed) when it was saved.
    affected = list(services.closure_bookings(closure=closure))
    if closure.guide_id:
        # One guide cannot come: the others' free times where each visit fits, nearest first.
        substitutes = availability.substitute_times(affected, now=timezone.now())
        for booking in affected:
            booking.substitutes = substitutes[booking.pk]
    # Patrons cancelled for this closure who have only a phone: staff still call them.
    cancelled = closure.cancelled_bookings.filter(email="").exclude(phone="")
    privacy.access_record(
        user=request.user,
        place=AccessLogEntry.Place.CLOSURE,
        library=closure.library,
        detail=str(closure),
        now=timezone.now(),
    )
    context = {
        "closure": closure,
        "affected": affected,
        "call_list": [b for b in affected if not b.email]
        + list(cancelled.select_related("guide").order_by("starts_at")),
    }
    return render(request, "staff/closure_affected.html", context)


def _cancel_chosen(request: HttpRequest, closure: Closure) -> HttpResponse:
    chosen = [int(pk) for pk in request.POST.getlist("booking") if pk.isdigit()]
    cancelled = services.closure_cancel_bookings(
        closure=closure, booking_ids=chosen, now=timezone.now()
    )
    messages.success(
        request,
        ngettext(
            "%(count)d booking cancelled; the patron is told.",
            "%(count)d bookings cancelled; the patrons are told.",
            len(cancelled),
        )
        % {"count": len(cancelled)},
    )
    return redirect("staff:closure_affected", closure_id=closure.pk)


def _move_chosen(request: HttpRequest, closure: Closure) -> HttpResponse:
    booking_id = row_id(request.POST.get("move", ""))
    slot_id = row_id(request.POST.get(f"slot-{booking_id}", ""))
    booking = Booking.objects.filter(pk=booking_id, library_id=closure.library_id).first()
    slot = Slot.objects.filter(pk=slot_id, library_id=closure.library_id).first()
    if booking is None or slot is None:
        messages.error(request, _("Please choose a new time for the booking."))
        return redirect("staff:closure_affected", closure_id=closure.pk)
    try:
        services.closure_booking_move(
            closure=closure, booking=booking, first_slot=slot, now=timezone.now()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("staff:closure_affected", closure_id=closure.pk)
    if booking.email or can_receive_texts(booking.phone):
        messages.success(request, _("The booking is moved and the patron is told."))
    else:
        # Nothing in writing reaches a landline: the patron hears of the new time from staff.
        messages.warning(
            request,
            _("The booking is moved. Please call %(name)s on %(phone)s to tell the new time.")
            % {"name": booking.patron_name, "phone": phone_as_written(booking.phone)},
        )
    return redirect("staff:closure_affected", closure_id=closure.pk)
