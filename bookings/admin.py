from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Booking, Closure, DeviceType, Guide, Library, Slot, Topic, WeeklySchedule


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H.%M") if value else "–"


@admin.register(Library)
class LibraryAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "address", "place", "phone", "email", "is_active"]}),
        (_("Booking rules"), {"fields": ["min_notice_minutes", "booking_horizon_weeks"]}),
    ]


class GuideForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("guidance languages"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Guide
        fields = ["user", "display_name", "libraries", "languages", "is_active"]


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    form = GuideForm
    list_display = ["display_name", "user", "library_names", "is_active"]
    list_filter = ["is_active", "libraries"]
    search_fields = ["display_name", "user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["libraries"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("libraries")

    @admin.display(description=_("libraries"))
    def library_names(self, guide: Guide) -> str:
        return ", ".join(library.name for library in guide.libraries.all())


@admin.register(WeeklySchedule)
class WeeklyScheduleAdmin(admin.ModelAdmin):
    list_display = [
        "guide",
        "library",
        "weekday",
        "start_time",
        "end_time",
        "slot_minutes",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["library", "guide", "weekday"]
    list_select_related = ["guide", "library"]
    autocomplete_fields = ["guide", "library"]
    actions = ["generate_slots"]

    @admin.action(description=_("Make slots for the next 6 weeks from the selected schedules"))
    def generate_slots(self, request, queryset) -> None:
        made = services.slots_generate(
            start_on=timezone.localdate(), weeks=6, schedules=queryset.select_related("guide")
        )
        self.message_user(
            request,
            ngettext("%(count)d new slot made.", "%(count)d new slots made.", made)
            % {"count": made},
        )


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["reason", "library", "guide", "starts_on", "ends_on"]
    list_filter = ["library", "guide"]
    list_select_related = ["library", "guide"]
    autocomplete_fields = ["library", "guide"]
    date_hierarchy = "starts_on"

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        affected = services.closure_apply(closure=obj)
        if affected:
            self.message_user(
                request,
                _("The closure overlaps these bookings, which were kept: %(bookings)s.")
                % {"bookings": "; ".join(str(b) for b in affected)},
                level=messages.WARNING,
            )


@admin.register(DeviceType)
class DeviceTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "bring_note", "position"]
    list_editable = ["position"]
    search_fields = ["name"]


class BookedFilter(admin.SimpleListFilter):
    title = _("free or booked")
    parameter_name = "booked"

    def lookups(self, request, model_admin):
        return [("free", _("Free")), ("booked", _("Booked"))]

    def queryset(self, request, queryset):
        if self.value() == "free":
            return queryset.filter(booking__isnull=True)
        if self.value() == "booked":
            return queryset.filter(booking__isnull=False)
        return queryset


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["local_start", "local_end", "guide", "library", "booking"]
    list_filter = ["library", "guide", BookedFilter, "starts_at"]
    list_select_related = ["guide", "library", "booking"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["guide", "library"]
    raw_id_fields = ["booking"]
    search_fields = ["booking__patron_name", "booking__phone", "booking__email"]

    @admin.display(description=_("starts"), ordering="starts_at")
    def local_start(self, slot: Slot) -> str:
        return local_time(slot.starts_at)

    @admin.display(description=_("ends"), ordering="ends_at")
    def local_end(self, slot: Slot) -> str:
        return local_time(slot.ends_at)


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = [
        "local_start",
        "patron_name",
        "phone",
        "email",
        "guide",
        "library",
        "device",
        "channel",
        "status",
    ]
    list_filter = ["library", "guide", "status", "channel", "device", "starts_at"]
    list_select_related = ["guide", "library", "device"]
    search_fields = ["patron_name", "phone", "email"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["library", "guide"]
    filter_horizontal = ["topics"]
    # Status changes free or keep slots, so they go through services, not a bare field edit.
    readonly_fields = [
        "starts_at",
        "ends_at",
        "library",
        "guide",
        "status",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (_("Time"), {"fields": ["starts_at", "ends_at", "library", "guide", "status"]}),
        (_("Patron"), {"fields": ["patron_name", "phone", "email", "language"]}),
        (_("Need"), {"fields": ["device", "topics", "need", "channel"]}),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]

    # Bookings are made through the booking flow, which takes the slots; not from a blank form.
    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("starts"), ordering="starts_at")
    def local_start(self, booking: Booking) -> str:
        return local_time(booking.starts_at)
