"""The guide's memo of a visit for the patron: write it, add shared instructions, send it."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bookings import memos, privacy
from bookings.access import visible_libraries
from bookings.forms import row_id
from bookings.models import AccessLogEntry, Booking, MemoInstruction
from bookings.staff.memo_forms import InstructionFilterForm, MemoForm


def _booking_or_404(request: HttpRequest, booking_id: int) -> Booking:
    """The booking, if the user sees its library, with its memo and the memo's instructions."""
    bookings = (
        Booking.objects.filter(library__in=visible_libraries(request.user))
        .select_related("library", "guide", "memo")
        .prefetch_related(
            "topics",
            Prefetch(
                "memo__memoinstruction_set",
                MemoInstruction.objects.select_related("instruction"),
                to_attr="attached",
            ),
        )
    )
    return get_object_or_404(bookings, pk=booking_id)


def _memo(booking: Booking):
    try:
        return booking.memo
    except Booking.memo.RelatedObjectDoesNotExist:
        return None


def _instructions(request: HttpRequest, booking: Booking, filters: InstructionFilterForm, memo):
    """The published instructions to choose from: as the filter asks, and whatever the filter,
    those the memo carries and those just chosen (a draft among them stays out, and the form
    says so)."""
    wanted = filters.cleaned_data if filters.is_valid() else {}
    posted = request.POST.getlist("instructions")[:50]
    also = [item.instruction_id for item in memo.attached] if memo else []
    return memos.instructions_to_attach(
        booking=booking,
        topic=wanted.get("topic"),
        language=wanted.get("language", ""),
        also=also + [pk for pk in map(row_id, posted) if pk is not None],
    )


def _initial(memo) -> dict:
    if memo is None:
        return {}
    return {
        "what_we_did": memo.what_we_did,
        "next_steps": memo.next_steps,
        "links": memos.links_as_text(memo.links),
        "instructions": [item.instruction for item in memo.attached],
    }


@require_http_methods(["GET", "POST"])
@staff_member_required
@permission_required("bookings.view_booking", raise_exception=True)
def booking_memo(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _booking_or_404(request, booking_id)
    memo = _memo(booking)
    filters = InstructionFilterForm(request.GET)
    instructions = _instructions(request, booking, filters, memo)
    if request.method == "POST":
        if not request.user.has_perm("bookings.change_booking"):
            raise PermissionDenied
        form = MemoForm(request.POST, instructions=instructions)
        if form.is_valid():
            try:
                memos.memo_save(booking=booking, **form.cleaned_data, now=timezone.now())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The memo is saved. The patron sees it on their own page.")
                )
                return redirect(request.get_full_path())
    else:
        form = MemoForm(initial=_initial(memo), instructions=instructions)
    privacy.access_record(
        user=request.user, place=AccessLogEntry.Place.MEMO, booking=booking, now=timezone.now()
    )
    context = {"booking": booking, "memo": memo, "form": form, "filters": filters}
    context["can_write"] = memos.memo_can_be_written(booking)
    return render(request, "staff/booking_memo.html", context)


@require_POST
@staff_member_required
@permission_required("bookings.change_booking", raise_exception=True)
def booking_memo_send(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _booking_or_404(request, booking_id)
    memo = _memo(booking)
    if memo is None:
        messages.error(request, _("Write and save the memo first, then send it."))
    else:
        try:
            memos.memo_send(memo=memo, now=timezone.now())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The memo is on its way to the patron."))
    return redirect("staff:booking_memo", booking_id=booking.pk)
