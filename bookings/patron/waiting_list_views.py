"""The patron's side of the waiting list: joining it, and answering an offered time."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bookings import abuse, availability, notifications, services, waiting_list
from bookings.models import Library, WaitingListEntry
from bookings.models.private_link import hash_token
from bookings.patron.forms import WaitingListForm
from bookings.patron.views import just_booked_url


def _entry_or_404(token: str) -> WaitingListEntry:
    entry = (
        WaitingListEntry.objects.select_related("library", "offered_slot__guide")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def entry_url(entry: WaitingListEntry) -> str:
    return reverse("bookings:waiting_entry", args=[entry.token])


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, slug: str) -> HttpResponse:
    library = get_object_or_404(Library, slug=slug, is_active=True)
    now = timezone.now()
    week = availability.guidance_week(library, now=now)
    form = WaitingListForm(request.POST or None, week=week)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if abuse.over_limit(request, "waiting_list", contacts=(data["phone"], data["email"])):
            return abuse.too_many_requests(request, library)
        entry = waiting_list.waiting_list_join(
            library=library,
            patron_name=data["patron_name"],
            phone=data["phone"],
            email=data["email"],
            need=data["need"],
            language=get_language(),
            now=now,
            **form.waiting_wishes(),
        )
        return redirect(entry_url(entry))
    context = {"library": library, "form": form, "week": week}
    return render(request, "bookings/waiting_list_join.html", context)


@abuse.limit_private_links
def entry(request: HttpRequest, token: str) -> HttpResponse:
    entry = _entry_or_404(token)
    context = {
        "entry": entry,
        "offer_open": entry.offer_is_open(timezone.now()),
        "link_message": notifications.waiting_link_message(entry),
    }
    return render(request, "bookings/waiting_entry.html", context)


@abuse.limit_private_links
def leave(request: HttpRequest, token: str) -> HttpResponse:
    """What leaving means, before the patron leaves (the button posts to `answer`)."""
    entry = _entry_or_404(token)
    if entry.status not in (WaitingListEntry.Status.WAITING, WaitingListEntry.Status.OFFERED):
        return redirect(entry_url(entry))
    context = {"entry": entry, "offer_open": entry.offer_is_open(timezone.now())}
    return render(request, "bookings/waiting_leave.html", context)


@require_POST
@abuse.limit_private_links
def answer(request: HttpRequest, token: str) -> HttpResponse:
    entry = _entry_or_404(token)
    now = timezone.now()
    action = request.POST.get("action")
    if action == "accept":
        try:
            booking = services.waiting_list_offer_accept(entry=entry, now=now)
        except services.SlotTaken:
            messages.error(
                request,
                _("Sorry, that time could not be booked. You are still on the waiting list."),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect(just_booked_url(booking))
    elif action == "pass":
        waiting_list.waiting_list_offer_pass(entry=entry, now=now)
        messages.info(request, _("We let that time go. You are still on the waiting list."))
    elif action == "leave":
        waiting_list.waiting_list_leave(entry=entry, now=now)
        messages.info(
            request, _("You have left the waiting list. We will not offer you times any more.")
        )
    return redirect(entry_url(entry))
