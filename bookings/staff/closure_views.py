"""After a closure is saved: staff decide what happens to the bookings it overlaps."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from bookings import privacy, services
from bookings.access import visible_libraries
from bookings.models import AccessLogEntry, Closure


@staff_member_required
@permission_required("bookings.change_booking", raise_exception=True)
@require_http_methods(["GET", "POST"])
def closure_affected(request: HttpRequest, closure_id: int) -> HttpResponse:
    closure = get_object_or_404(
        Closure.objects.select_related("library", "guide"),
        pk=closure_id,
        library__in=visible_libraries(request.user),
    )
    if request.method == "POST":
        return _cancel_chosen(request, closure)
    # A read: the closure was applied (its free slots removed) when it was saved.
    affected = list(services.closure_bookings(closure=closure))
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
