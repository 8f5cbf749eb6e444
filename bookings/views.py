from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from . import availability, services
from .forms import BookingForm
from .models import Booking, Library, Slot


def home(request: HttpRequest) -> HttpResponse:
    libraries = list(Library.objects.filter(is_active=True))
    return render(request, "bookings/home.html", {"libraries": libraries})


def choose_library(request: HttpRequest) -> HttpResponse:
    libraries = list(Library.objects.filter(is_active=True))
    if len(libraries) == 1:
        return redirect("bookings:free_times", slug=libraries[0].slug)
    return render(request, "bookings/choose_library.html", {"libraries": libraries})


def free_times(request: HttpRequest, slug: str) -> HttpResponse:
    library = get_object_or_404(Library, slug=slug, is_active=True)
    days = availability.free_days(library, now=timezone.now())
    return render(request, "bookings/free_times.html", {"library": library, "days": days})


@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, slug: str, slot_id: int) -> HttpResponse:
    now = timezone.now()
    slot = get_object_or_404(
        Slot.objects.select_related("library", "guide"),
        pk=slot_id,
        library__slug=slug,
        library__is_active=True,
    )
    lengths = availability.slot_lengths(slot)
    if not lengths or slot.starts_at < now + availability.online_notice(slot.library):
        return _slot_taken(request, slot, now)
    form = BookingForm(request.POST or None, lengths=lengths)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = services.booking_create(
                slot=slot,
                slot_count=lengths.index(data["minutes"]) + 1,
                patron_name=data["patron_name"],
                phone=data["phone"],
                email=data["email"],
                device=data["device"],
                topics=data["topics"],
                need=data["need"],
                language=get_language(),
                now=now,
            )
        except services.SlotTaken:
            return _slot_taken(request, slot, now)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("bookings:booking_detail", token=booking.token)
    return render(request, "bookings/book.html", {"slot": slot, "form": form})


def _slot_taken(request: HttpRequest, slot: Slot, now) -> HttpResponse:
    alternatives = availability.nearest_free_slots(slot, now=now)
    context = {"slot": slot, "library": slot.library, "alternatives": alternatives}
    return render(request, "bookings/slot_taken.html", context, status=409)


def booking_detail(request: HttpRequest, token: str) -> HttpResponse:
    booking = (
        Booking.objects.select_related("library", "guide", "device")
        .prefetch_related("topics")
        .filter(token_hash=Booking.hash_token(token))
        .first()
    )
    if booking is None:
        raise Http404
    return render(request, "bookings/booking_detail.html", {"booking": booking})
