from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape, format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from bookings import calendar_feed, memos, privacy, rules, services, waiting_list
from bookings.access import visible_libraries
from bookings.clock import local_midnight
from bookings.forms import ChoiceOfRow, ChoiceOfRows, normalise_phone, visible_text
from bookings.models import (
    AccessLogEntry,
    Booking,
    BookingTopic,
    Closure,
    DeviceType,
    FeedbackAnswer,
    Guide,
    Instruction,
    Library,
    Notification,
    Referral,
    Slot,
    Topic,
    WaitingListEntry,
    Weekday,
    WeeklySchedule,
)
from bookings.phone_numbers import phone_as_written, phone_search_term


def embed_code(library: Library) -> str:
    """The <iframe> a library pastes on its own site: its next free times, in Finnish.

    Sized by attributes, not a `style`: a site whose own policy forbids inline styles (as ours
    does) still shows it at full width."""
    with translation.override("fi"):
        address = settings.SITE_URL.rstrip("/") + reverse("bookings:embed", args=[library.slug])
        title = gettext("Next free times at %(library)s") % {"library": library.name}
    return (
        f'<iframe src="{escape(address)}" title="{escape(title)}" loading="lazy" '
        'width="100%" height="480"></iframe>'
    )


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H.%M") if value else "–"


class PhoneNumbersMixin:
    """Numbers shown as people write them (the `phone_number` column) and found however staff
    type them: `0401234567`, `040 123 4567`, `+358 40 123 4567`.

    The usual search looks for each word inside the stored E.164 form (+358401234567), where
    `040` or `123` never appear; a term that is a phone number also matches it exactly.
    """

    phone_search_fields: tuple[str, ...] = ("phone",)

    @admin.display(description=_("phone"), ordering="phone")
    def phone_number(self, row) -> str:
        return phone_as_written(row.phone)

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        number = phone_search_term(search_term)
        if number:
            same_number = Q()
            for field in self.phone_search_fields:
                same_number |= Q(**{field: number})
            results |= queryset.filter(same_number)
        return results, may_have_duplicates


class LibraryScopedAdmin(admin.ModelAdmin):
    """Lists, forms and choices limited to the libraries the staff member belongs to.

    `library_lookups` are the paths from this model to a library; a row is visible when any
    of them leads to a visible library. Superusers see everything.
    """

    library_lookups: tuple[str, ...] = ("library",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        visible = visible_libraries(request.user)
        condition = Q()
        for lookup in self.library_lookups:
            condition |= Q(**{f"{lookup}__in": visible})
        return queryset.filter(condition).distinct()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            visible = visible_libraries(request.user)
            if db_field.related_model is Library:
                kwargs["queryset"] = visible
            elif db_field.related_model is Guide:
                kwargs["queryset"] = Guide.objects.filter(libraries__in=visible).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser and db_field.related_model is Library:
            kwargs["queryset"] = visible_libraries(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def staff_accounts(*, keeping=None):
    """The accounts a library's staff and its guides are chosen from, by name: active staff
    accounts, and those of `keeping` (the ones already chosen), so that saving a form never
    drops an account nobody touched.

    Chosen in our own forms rather than through the user admin's autocomplete, which would need
    coordinators to see every account's groups and permissions there.
    """
    chosen = Q(pk__in=keeping) if keeping is not None else Q(pk__in=[])
    return (
        get_user_model()
        .objects.filter(Q(is_staff=True, is_active=True) | chosen)
        .order_by("first_name", "last_name", "username")
    )


def staff_account_label(user) -> str:
    """The name, with the username that tells two of the same name apart."""
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


class StaffAccountField(ChoiceOfRow):
    def label_from_instance(self, user) -> str:
        return staff_account_label(user)


class StaffAccountsField(ChoiceOfRows):
    def label_from_instance(self, user) -> str:
        return staff_account_label(user)


@admin.register(Library)
class LibraryAdmin(TranslationAdmin, LibraryScopedAdmin):
    """A library's details, who on the staff works there, and its booking rules.

    Its staff are chosen from every active staff account: a new colleague belongs to no library
    yet, and staff often work at several. Who may edit which library is LibraryScopedAdmin's.
    """

    library_lookups = ("pk",)
    list_display = ["name", "address", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["staff"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "address", "phone", "email", "is_active"]}),
        (_("Staff"), {"fields": ["staff"]}),
        (_("Finding the way"), {"fields": ["place", "accessibility", "parking"]}),
        (
            _("Booking rules"),
            {
                "fields": [
                    "min_notice_minutes",
                    "booking_horizon_weeks",
                    "change_deadline_minutes",
                    "max_active_bookings",
                ]
            },
        ),
        (_("Text messages"), {"fields": ["sms_monthly_cap"]}),
        (_("On the library's own web site"), {"fields": ["embed_snippet"]}),
        (_("Feedback"), {"fields": ["shows_patron_feedback"]}),
    ]
    readonly_fields = ["embed_snippet"]

    @admin.display(description=_("next free times for your web site"))
    def embed_snippet(self, library: Library) -> str:
        """A frame to paste on the library's own site (docs/embed-and-feeds.md): read-only
        text, selected and copied by hand; no script."""
        if library.pk is None:
            return _("The code to paste appears here once the library is saved.")
        return format_html(
            '<textarea class="vLargeTextField" rows="3" cols="80" readonly aria-label="{}">'
            '{}</textarea><div class="help">{}</div>',
            _("Code to paste on the library's web site"),
            embed_code(library),
            _(
                "Copy this to a page of your library's web site: it shows the next free times, "
                "and each opens the booking form in a new tab. For Swedish or English, add /sv "
                "or /en before /libraries in the address."
            ),
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "staff":
            kwargs["queryset"] = staff_accounts()
            kwargs["form_class"] = StaffAccountsField
            # The chooser's headings read "Available …", "Chosen …", "Choose all …".
            kwargs["label"] = capfirst(_("staff members"))
            kwargs["widget"] = FilteredSelectMultiple(_("staff members"), is_stacked=False)
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.help_text = db_field.help_text  # not the hint to hold Ctrl: two lists here
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "staff" in form.base_fields:
            keeping = obj.staff.values("pk")
            form.base_fields["staff"].queryset = staff_accounts(keeping=keeping)
        return form

    def get_changeform_initial_data(self, request) -> dict:
        # Whoever adds a library works there to begin with, or it would vanish from their lists
        # the moment it is saved (superusers see every library anyway).
        initial = super().get_changeform_initial_data(request)
        if not request.user.is_superuser:
            initial.setdefault("staff", [request.user.pk])
        return initial

    # The library's details and rules are on its (cached) free-times page and in the list.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        services.library_changed(obj.pk)

    def delete_model(self, request, obj) -> None:
        library_id = obj.pk
        super().delete_model(request, obj)
        services.library_changed(library_id)

    def delete_queryset(self, request, queryset) -> None:
        library_ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        services.library_changed(*library_ids)


class GuideForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("guidance languages"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Guide
        fields = ["user", "display_name", "libraries", "languages", "is_active", "notify_by_email"]


@admin.register(Guide)
class GuideAdmin(LibraryScopedAdmin):
    library_lookups = ("libraries",)
    form = GuideForm
    list_display = ["display_name", "user", "library_names", "is_active", "has_calendar_feed"]
    list_filter = ["is_active", "libraries"]
    actions = ["revoke_calendar_feeds"]
    search_fields = ["display_name", "user__username", "user__first_name", "user__last_name"]
    filter_horizontal = ["libraries"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("libraries")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = staff_accounts()
            kwargs["form_class"] = StaffAccountField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # Accounts that are a guide already are not offered again; this guide's own always is.
        form = super().get_form(request, obj, change=change, **kwargs)
        if "user" in form.base_fields:
            own = [obj.user_id] if obj is not None else []
            form.base_fields["user"].queryset = staff_accounts(keeping=own).filter(
                Q(guide__isnull=True) | Q(pk__in=own)
            )
        return form

    def save_related(self, request, form, formsets, change) -> None:
        # The form offers only the user's own libraries; the guide's others are not theirs to
        # remove, so they are kept whatever the form sent.
        if change and not request.user.is_superuser:
            visible = visible_libraries(request.user)
            unseen = form.instance.libraries.exclude(pk__in=visible.values("pk"))
            form.cleaned_data["libraries"] = [*form.cleaned_data["libraries"], *unseen]
        super().save_related(request, form, formsets, change)
        # The guide's name, and whether they take bookings, show on the free-times pages.
        services.guide_changed(*form.instance.libraries.values_list("pk", flat=True))

    @admin.display(description=_("libraries"))
    def library_names(self, guide: Guide) -> str:
        return ", ".join(library.name for library in guide.libraries.all())

    @admin.display(description=_("calendar subscription"), boolean=True)
    def has_calendar_feed(self, guide: Guide) -> bool:
        return guide.calendar_feed_created_at is not None

    @admin.action(description=_("Stop the selected guides' calendar subscriptions"))
    def revoke_calendar_feeds(self, request, queryset) -> None:
        revoked = 0
        for guide in queryset.filter(calendar_feed_hash__isnull=False):
            calendar_feed.calendar_feed_revoke(guide=guide)
            revoked += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d calendar subscription stopped.",
                "%(count)d calendar subscriptions stopped.",
                revoked,
            )
            % {"count": revoked},
        )


@admin.register(WeeklySchedule)
class WeeklyScheduleAdmin(LibraryScopedAdmin):
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

    @admin.action(description=_("Make slots from the selected schedules…"))
    def generate_slots(self, request, queryset):
        form = GenerateSlotsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            weeks = form.cleaned_data["weeks"]
            made = services.slots_generate(
                start_on=timezone.localdate(), weeks=weeks, schedules=queryset
            )
            waiting_list.waiting_list_process(now=timezone.now())
            self.message_user(
                request,
                ngettext("%(count)d new slot made.", "%(count)d new slots made.", made)
                % {"count": made},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Make slots"),
            "form": form,
            "schedules": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/bookings/generate_slots.html", context)


class GenerateSlotsForm(forms.Form):
    weeks = forms.IntegerField(
        label=_("How many weeks ahead?"), min_value=1, max_value=104, initial=6
    )


@admin.register(Closure)
class ClosureAdmin(TranslationAdmin, LibraryScopedAdmin):
    list_display = ["reason", "library", "guide", "starts_on", "ends_on"]
    list_filter = ["library", "guide"]
    list_select_related = ["library", "guide"]
    autocomplete_fields = ["library", "guide"]
    date_hierarchy = "starts_on"

    def save_model(self, request, obj, form, change) -> None:
        previous_library_id = form.initial.get("library") if change else None
        super().save_model(request, obj, form, change)
        # Free slots go at once; booked ones wait for staff to confirm on the next page.
        services.closure_apply(closure=obj)
        # Moved to another library: the one it left no longer names it on its free times.
        if previous_library_id is not None and previous_library_id != obj.library_id:
            services.closure_changed(previous_library_id)

    # The free-times pages name the closures in their place: one removed goes from them at once.
    def delete_model(self, request, obj) -> None:
        library_id = obj.library_id
        super().delete_model(request, obj)
        services.closure_changed(library_id)

    def delete_queryset(self, request, queryset) -> None:
        library_ids = set(queryset.values_list("library_id", flat=True))
        super().delete_queryset(request, queryset)
        services.closure_changed(*library_ids)

    def _after_save(self, request, obj, default):
        if services.closure_bookings(closure=obj).exists():
            return redirect("staff:closure_affected", closure_id=obj.pk)
        return default

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_save(request, obj, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self._after_save(request, obj, super().response_change(request, obj))


class ArchivedNotDeletedAdmin(admin.ModelAdmin):
    """Choices past bookings point at: one in use cannot be deleted, only stop being offered.

    The database refuses the deletion (PROTECT); the admin's confirmation page says why, in a
    line per choice instead of a line per booking. `used_by`: the rows that point at a choice,
    and their field that does.
    """

    used_by: tuple[type[models.Model], str]

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            used = self.bookings_using(objs)
            # The box to untick, by its own label: "offered" for devices and topics, "in use"
            # for referral places.
            field = self.model._meta.get_field("is_active").verbose_name
            protected = [
                ngettext(
                    "%(name)s: %(count)d booking has it. Untick “%(field)s” to stop offering it.",
                    "%(name)s: %(count)d bookings have it. Untick “%(field)s” to stop offering it.",
                    used[obj.pk],
                )
                % {"name": obj, "count": used[obj.pk], "field": field}
                for obj in objs
                if used.get(obj.pk)
            ]
            # What stops the deletion is the bookings that point here, not a permission to
            # delete bookings (nobody has that): without this, a device's or a referral
            # place's page said "your account doesn't have permission" instead.
            perms_needed = set()
        return deleted, model_count, perms_needed, protected

    def bookings_using(self, objs) -> dict[int, int]:
        model, field = self.used_by
        used = model.objects.filter(**{f"{field}__in": objs}).values(field).annotate(n=Count("pk"))
        return {row[field]: row["n"] for row in used}


@admin.register(DeviceType)
class DeviceTypeAdmin(TranslationAdmin, ArchivedNotDeletedAdmin):
    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    used_by = (Booking, "device")


@admin.register(Referral)
class ReferralAdmin(TranslationAdmin, ArchivedNotDeletedAdmin):
    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    used_by = (Booking, "referral")


@admin.register(Topic)
class TopicAdmin(TranslationAdmin, ArchivedNotDeletedAdmin):
    list_display = ["name", "bring_note", "suggested_minutes", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    used_by = (BookingTopic, "topic")


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


class SlotTimeFilter(admin.SimpleListFilter):
    """The slot list opens on today and the days ahead, soonest first; the past (latest first) and
    every slot on request. Drilling into a date (the date hierarchy) shows that date whole."""

    title = _("day")
    parameter_name = "when"
    UPCOMING, PAST, ALL = "upcoming", "past", "all"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.date_lookup = f"{model_admin.date_hierarchy}__"
        self.drilling = any(key.startswith(self.date_lookup) for key in params)

    def lookups(self, request, model_admin):
        return [
            (self.UPCOMING, _("From today on")),
            (self.PAST, _("Past")),
            (self.ALL, _("All")),
        ]

    def value(self) -> str:
        chosen = super().value()
        if chosen in (self.UPCOMING, self.PAST, self.ALL):
            return chosen
        return self.ALL if self.drilling else self.UPCOMING

    def choices(self, changelist):
        counts = self.get_facet_queryset(changelist) if changelist.add_facets else None
        for i, (lookup, title) in enumerate(self.lookup_choices):
            if counts is not None:
                title = f"{title} ({counts.get(f'{i}__c', '-')})"
            if lookup == self.UPCOMING:  # the default: a plain address, no date drilled into
                query = changelist.get_query_string(remove=[self.parameter_name, self.date_lookup])
            else:
                query = changelist.get_query_string({self.parameter_name: lookup})
            yield {"selected": self.value() == lookup, "query_string": query, "display": title}

    def queryset(self, request, queryset):
        today = local_midnight(timezone.localdate())
        if self.value() == self.UPCOMING:
            return queryset.filter(starts_at__gte=today)
        if self.value() == self.PAST:
            return queryset.filter(starts_at__lt=today)
        return queryset


class SlotForm(forms.ModelForm):
    class Meta:
        model = Slot
        fields = ["guide", "library", "starts_at", "ends_at", "at_library", "by_phone", "by_video"]

    def clean(self) -> dict:
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The end must be after the start."))
        elif starts_at and ends_at and cleaned.get("guide"):
            try:
                rules.check_guide_free(
                    guide_id=cleaned["guide"].pk,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    exclude_pk=self.instance.pk,
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(Slot)
class SlotAdmin(PhoneNumbersMixin, LibraryScopedAdmin):
    form = SlotForm
    list_display = ["local_start", "local_end", "guide", "library", "booking", "held_until"]
    list_filter = [SlotTimeFilter, "library", "guide", BookedFilter]
    list_select_related = ["guide", "library", "booking"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["guide", "library"]
    search_fields = ["booking__patron_name", "booking__phone", "booking__email"]
    phone_search_fields = ("booking__phone",)
    actions = ["remove_free_slots"]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # Deleting a booked slot would leave its booking without a time.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    def get_ordering(self, request):
        if request.GET.get(SlotTimeFilter.parameter_name) == SlotTimeFilter.PAST:
            return ["-starts_at", "guide"]  # the latest past times first
        return super().get_ordering(request)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.booking_id:
            return ["guide", "library", "starts_at", "ends_at", "booking"]
        return ["booking"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.booking_id:
            return False
        return super().has_delete_permission(request, obj)

    # A slot added, moved or removed here changes the (cached) free-times pages.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        services.slot_saved(
            slot=obj, previous_library_id=form.initial.get("library"), now=timezone.now()
        )

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        services.slot_deleted(library_id=obj.library_id)

    @admin.action(description=_("Remove the selected free slots (booked ones are kept)"))
    def remove_free_slots(self, request, queryset) -> None:
        removed = services.slots_remove_free(slots=queryset)
        self.message_user(
            request,
            ngettext("%(count)d free slot removed.", "%(count)d free slots removed.", removed)
            % {"count": removed},
        )

    @admin.display(description=_("starts"), ordering="starts_at")
    def local_start(self, slot: Slot) -> str:
        return local_time(slot.starts_at)

    @admin.display(description=_("ends"), ordering="ends_at")
    def local_end(self, slot: Slot) -> str:
        return local_time(slot.ends_at)


class NotificationInline(admin.TabularInline):
    model = Notification
    fk_name = "booking"
    extra = 0
    can_delete = False
    fields = ["kind", "channel", "sms_parts", "state", "attempts", "error", "created_at", "sent_at"]
    readonly_fields = fields
    verbose_name_plural = _("messages to the patron and guide")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class BookingTopicInline(admin.TabularInline):
    """A booking's topics; the links follow the booking's own rights, not a model of their own."""

    model = BookingTopic
    extra = 0
    verbose_name = _("topic")
    verbose_name_plural = _("topics")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "topic":
            kwargs["label"] = _("topic")  # the link table's own field has an untranslated name
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("bookings.view_booking")

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("bookings.change_booking")

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("bookings.change_booking")

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("bookings.change_booking")


@admin.register(Booking)
class BookingAdmin(PhoneNumbersMixin, LibraryScopedAdmin):
    inlines = [BookingTopicInline, NotificationInline]
    list_display = [
        "local_start",
        "patron_name",
        "phone_number",
        "email",
        "guide",
        "library",
        "device",
        "channel",
        "status",
    ]
    list_filter = ["library", "guide", "status", "channel", "way", "outcome", "device", "starts_at"]
    list_select_related = ["guide", "library", "device"]
    search_fields = ["patron_name", "phone", "email"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["library", "guide"]
    # Status changes free or keep slots, so they go through services, not a bare field edit.
    readonly_fields = [
        "starts_at",
        "ends_at",
        "library",
        "guide",
        "way",
        "status",
        "is_cancelled_by_library",
        "cancellation_reason",
        "created_at",
        "updated_at",
        "staff_actions",
    ]
    fieldsets = [
        (
            _("Time"),
            {
                "fields": [
                    "starts_at",
                    "ends_at",
                    "library",
                    "guide",
                    "way",
                    "video_link",
                    "status",
                    "staff_actions",
                ]
            },
        ),
        (_("Patron"), {"fields": ["patron_name", "phone", "email", "language"]}),
        (_("Need"), {"fields": ["device", "need", "channel"]}),
        (_("Outcome"), {"fields": ["outcome", "referral"]}),
        (
            _("History"),
            {
                "fields": [
                    "created_at",
                    "updated_at",
                    "is_cancelled_by_library",
                    "cancellation_reason",
                ]
            },
        ),
    ]

    actions = ["erase_personal_data", "export_personal_data"]

    # Bookings are made through the booking flow, which takes the slots; not from a blank form.
    def has_add_permission(self, request) -> bool:
        return False

    # Bookings end by cancelling (the patron is told, the slots freed) or erasing, never by
    # deleting: without delete permission there is no delete button and no bulk delete action.
    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if getattr(response, "context_data", {}).get("cl") is not None:
            filtered = request.GET.get("library__id__exact", "")
            privacy.access_record(
                user=request.user,
                place=AccessLogEntry.Place.ADMIN_BOOKING_LIST,
                library=visible_libraries(request.user).filter(pk=filtered).first()
                if filtered.isdigit()
                else None,
                detail=request.GET.urlencode(),
                now=timezone.now(),
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        booking = self.get_object(request, object_id)
        if booking is not None:
            privacy.access_record(
                user=request.user,
                place=AccessLogEntry.Place.ADMIN_BOOKING,
                booking=booking,
                now=timezone.now(),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Erase the patrons' personal data (on request)"))
    def erase_personal_data(self, request, queryset) -> None:
        now = timezone.now()
        for booking in queryset:
            privacy.access_record(
                user=request.user, place=AccessLogEntry.Place.ERASURE, booking=booking, now=now
            )
        erased = privacy.bookings_erase(queryset, now=now)
        self.message_user(
            request,
            ngettext(
                "Personal data of %(count)d booking erased.",
                "Personal data of %(count)d bookings erased.",
                erased,
            )
            % {"count": erased},
        )

    @admin.action(description=_("Export the patron's personal data (access request)"))
    def export_personal_data(self, request, queryset):
        data = []
        for booking in queryset:
            privacy.access_record(
                user=request.user,
                place=AccessLogEntry.Place.EXPORT,
                booking=booking,
                now=timezone.now(),
            )
            data.append(privacy.booking_export(booking))
        response = JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        return response

    @admin.display(description=_("starts"), ordering="starts_at")
    def local_start(self, booking: Booking) -> str:
        return local_time(booking.starts_at)

    @admin.display(description=_("actions"))
    def staff_actions(self, booking: Booking) -> str:
        if booking.pk is None:
            return "–"
        links = [(reverse("staff:desk_slip", args=[booking.pk]), _("Print the slip"))]
        if booking.is_active:
            links += [
                (reverse("staff:desk_move", args=[booking.pk]), _("Move to another time")),
                (reverse("staff:desk_cancel", args=[booking.pk]), _("Cancel")),
            ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links)


class ContactFilter(admin.SimpleListFilter):
    title = _("contact")
    parameter_name = "contact"

    def lookups(self, request, model_admin):
        return [("phone_only", _("Phone only (call list)"))]

    def queryset(self, request, queryset):
        if self.value() == "phone_only":
            return queryset.phone_only()
        return queryset


class WaitingListEntryForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("days that suit"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WaitingListEntry
        fields = [
            "library",
            "patron_name",
            "phone",
            "email",
            "language",
            "channel",
            "weekdays",
            "part_of_day",
            "need",
        ]

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        return normalise_phone(raw) if raw else ""

    def clean_patron_name(self) -> str:
        return visible_text(self.cleaned_data["patron_name"]).strip()

    def clean_need(self) -> str:
        return visible_text(self.cleaned_data["need"]).strip()


@admin.register(WaitingListEntry)
class WaitingListEntryAdmin(PhoneNumbersMixin, LibraryScopedAdmin):
    form = WaitingListEntryForm
    list_display = [
        "patron_name",
        "phone_number",
        "email",
        "library",
        "days",
        "part_of_day",
        "status",
        "offered_slot",
        "offer_expires_at",
        "created_at",
    ]
    list_filter = ["library", "status", ContactFilter, "channel"]
    list_select_related = ["library", "offered_slot__guide"]
    search_fields = ["patron_name", "phone", "email"]
    readonly_fields = ["status", "offered_slot", "offer_expires_at", "booking", "created_at"]
    actions = ["remove_from_list"]

    # Entries end by removing (an offered time goes to the next in line) or erasing.
    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("days that suit"))
    def days(self, entry: WaitingListEntry) -> str:
        return ", ".join(str(name) for name in entry.weekday_names) or _("any day")

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new entry is made by the service (its private link, its time); the admin's
        # messages and redirect then need only the row's key.
        fields = {name: form.cleaned_data[name] for name in WaitingListEntryForm.Meta.fields}
        obj.pk = waiting_list.waiting_list_join(**fields, now=timezone.now()).pk

    @admin.action(description=_("Remove the selected patrons from the waiting list"))
    def remove_from_list(self, request, queryset) -> None:
        for entry in queryset:
            waiting_list.waiting_list_leave(entry=entry, now=timezone.now())


@admin.register(Notification)
class NotificationAdmin(PhoneNumbersMixin, LibraryScopedAdmin):
    """The staff call list: messages past the text-message cap or to a landline, and failed
    ones."""

    # Each message carries its booking's or entry's library: the default lookup, no OR of joins.

    list_display = ["created_at", "kind", "channel", "state", "patron", "phone", "about_starts_at"]
    list_filter = ["state", "kind", "channel", "library"]
    list_select_related = ["booking__library", "waiting_entry__library"]
    search_fields = [
        "booking__patron_name",
        "booking__phone",
        "waiting_entry__patron_name",
        "waiting_entry__phone",
    ]
    phone_search_fields = ("booking__phone", "waiting_entry__phone")
    readonly_fields = [
        "booking",
        "waiting_entry",
        "kind",
        "channel",
        "sms_parts",
        "state",
        "about_starts_at",
        "attempts",
        "error",
        "created_at",
        "sent_at",
    ]
    actions = ["mark_called"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("patron"))
    def patron(self, notification: Notification) -> str:
        subject = notification.booking or notification.waiting_entry
        return subject.patron_name

    @admin.display(description=_("phone"))
    def phone(self, notification: Notification) -> str:
        return phone_as_written((notification.booking or notification.waiting_entry).phone)

    @admin.action(description=_("Mark the selected calls as done"))
    def mark_called(self, request, queryset) -> None:
        done = queryset.filter(state=Notification.State.TO_CALL).update(
            state=Notification.State.CALLED
        )
        self.message_user(
            request,
            ngettext("%(count)d call marked done.", "%(count)d calls marked done.", done)
            % {"count": done},
        )


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(LibraryScopedAdmin):
    """Read-only: who opened which patron's data. Coordinators may view it."""

    list_display = ["at", "user", "place", "library", "booking", "detail"]
    list_filter = ["place", "library"]
    list_select_related = ["user", "library", "booking"]
    search_fields = ["user__username", "detail"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FeedbackAnswer)
class FeedbackAnswerAdmin(LibraryScopedAdmin):
    """Read-only: patrons' anonymous answers (no key to a visit exists to show). Coordinators
    may view them; comments are emptied on the retention schedule."""

    list_display = [
        "answered_on",
        "library",
        "helped",
        "friendliness",
        "functionality",
        "usefulness",
        "expertise",
        "comment",
    ]
    list_filter = ["library"]
    list_select_related = ["library"]
    date_hierarchy = "answered_on"
    ordering = ["-answered_on", "-pk"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class InstructionForm(forms.ModelForm):
    class Meta:
        model = Instruction
        fields = ["title", "language", "topic", "steps", "links"]
        widgets = {"links": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def clean_links(self) -> str:
        links = self.cleaned_data["links"]
        memos.links_from_text(links)  # refuses a line that is not a web address
        return links


@admin.register(Instruction)
class InstructionAdmin(admin.ModelAdmin):
    """Shared by every library: staff edit the draft; memos show it once it is published."""

    form = InstructionForm
    list_display = ["title", "language", "topic", "published_at", "has_unpublished_changes"]
    list_filter = ["language", "topic"]
    list_select_related = ["topic"]
    search_fields = ["title", "steps"]
    autocomplete_fields = ["topic"]
    readonly_fields = ["published_at", "published_by_name"]
    fieldsets = [
        (None, {"fields": ["title", "language", "topic"]}),
        (_("Content"), {"fields": ["steps", "links"]}),
        (_("Published"), {"fields": ["published_at", "published_by_name"]}),
    ]
    actions = ["publish"]

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("bookings.publish_instruction")

    @admin.display(description=_("unpublished changes"), boolean=True)
    def has_unpublished_changes(self, instruction: Instruction) -> bool:
        return memos.instruction_has_unpublished_changes(instruction)

    @admin.action(description=_("Publish the saved drafts"), permissions=["publish"])
    def publish(self, request, queryset) -> None:
        published = 0
        for instruction in queryset:
            try:
                memos.instruction_publish(
                    instruction=instruction, user=request.user, now=timezone.now()
                )
            except ValidationError as error:
                self.message_user(
                    request, f"{instruction.title}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext(
                    "%(count)d instruction published: memos now show it.",
                    "%(count)d instructions published: memos now show them.",
                    published,
                )
                % {"count": published},
                messages.SUCCESS,
            )
