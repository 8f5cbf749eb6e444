"""Staff pages for the printed day, marking attendance from it, and a guide's week at a glance."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings import privacy
from bookings.access import visible_libraries
from bookings.models import AccessLogEntry, Booking, Library, Referral
from bookings.services import booking_record_attendance
from bookings.staff import daily_schedule as reads
from bookings.staff.schedule_forms import AttendanceForm, DayForm, WeekForm


def day_url(library: Library, *, day: str = "", guide: str = "") -> str:
    query = urlencode({key: value for key, value in (("day", day), ("guide", guide)) if value})
    url = reverse("staff:library_day", args=[library.slug])
    return f"{url}?{query}" if query else url


@staff_member_required
@permission_required("bookings.view_booking", raise_exception=True)
def daily_schedule(request: HttpRequest) -> HttpResponse:
    """The entry from the admin and the day form's target: on to the chosen library's day."""
    libraries = visible_libraries(request.user)
    slug = request.GET.get("library")
    library = get_object_or_404(libraries, slug=slug) if slug else libraries.first()
    if library is None:
        return render(request, "staff/daily_schedule.html", {"form": None, "schedule": None})
    guide = request.GET.get("guide", "")
    # A guide chosen at the library the user is leaving would only be an error here.
    if guide and not (guide.isdigit() and library.guides.filter(pk=guide).exists()):
        guide = ""
    return redirect(day_url(library, day=request.GET.get("day", ""), guide=guide))


@staff_member_required
@permission_required("bookings.view_booking", raise_exception=True)
def library_day(request: HttpRequest, library_slug: str) -> HttpResponse:
    libraries = list(visible_libraries(request.user))
    library = next((one for one in libraries if one.slug == library_slug), None)
    if library is None:
        raise Http404
    data = {"day": timezone.localdate().isoformat(), **request.GET.dict(), "library": library.slug}
    form = DayForm(
        data,
        libraries=libraries,
        guides=list(library.guides.all()),
        action=reverse("staff:daily_schedule"),
    )
    schedule = None
    if form.is_valid():
        schedule = reads.daily_schedule(
            library=library,
            day=form.cleaned_data["day"],
            guide=form.cleaned_data["guide"],
            now=timezone.now(),
        )
    if schedule is not None:
        privacy.access_record(
            user=request.user,
            place=AccessLogEntry.Place.PRINTED_DAY,
            library=library,
            detail=form.cleaned_data["day"].isoformat(),
            now=timezone.now(),
        )
    context = {
        "form": form,
        "library": library,
        "schedule": schedule,
        # Read once, and only if a visit's attendance form shows them.
        "referrals": Referral.objects.filter(is_active=True),
    }
    return render(request, "staff/daily_schedule.html", context)


@require_POST
@staff_member_required
@permission_required("bookings.change_booking", raise_exception=True)
def record_attendance(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Mark one booking attended, not come or booked again, with a note; back to its day."""
    bookings = Booking.objects.filter(library__in=visible_libraries(request.user))
    booking = get_object_or_404(bookings.select_related("library"), pk=booking_id)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    else:
        try:
            booking = booking_record_attendance(
                booking=booking, now=timezone.now(), **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _saved_message(booking))
            if booking.outcome == Booking.Outcome.ANOTHER_VISIT and request.user.has_perm(
                "bookings.add_booking"
            ):
                # The next visit with the same guide, booked while the patron is still there.
                messages.info(request, _("Choose the next visit with the same guide."))
                # Its details are filled in from this visit (desk_views._next_visit_of).
                query = urlencode(
                    {"library": booking.library_id, "guide": booking.guide_id, "again": booking.pk}
                )
                return redirect(f"{reverse('staff:desk_day')}?{query}")
    guide = request.POST.get("guide", "")
    day = timezone.localdate(booking.starts_at).isoformat()
    url = day_url(booking.library, day=day, guide=guide if guide.isdigit() else "")
    return redirect(f"{url}#booking-{booking.pk}")


def _saved_message(booking: Booking) -> str:
    return _("Saved: %(name)s at %(time)s – %(status)s.") % {
        "name": booking.patron_name,
        "time": date_format(timezone.localtime(booking.starts_at), "H.i"),
        "status": booking.get_status_display(),
    }


@staff_member_required
@permission_required("bookings.view_booking", raise_exception=True)
def guide_week(request: HttpRequest, library_slug: str, guide_id: int) -> HttpResponse:
    library = get_object_or_404(visible_libraries(request.user), slug=library_slug)
    guide = get_object_or_404(library.guides, pk=guide_id)
    this_week = reads.week_param(timezone.localdate())
    form = WeekForm({"week": this_week, **request.GET.dict()}, action=request.path)
    grid = None
    if form.is_valid():
        monday: dt.date = form.cleaned_data["week"]
        grid = reads.guide_week(guide=guide, library=library, monday=monday, now=timezone.now())
        # The week shows the patrons' names.
        privacy.access_record(
            user=request.user,
            place=AccessLogEntry.Place.GUIDE_WEEK,
            library=library,
            detail=f"{guide.display_name} {monday.isoformat()}",
            now=timezone.now(),
        )
    context = {"form": form, "library": library, "guide": guide, "grid": grid}
    return render(request, "staff/guide_week.html", context)
