"""The desk's forms: which library and day, and booking for a patron on the phone or at the desk."""

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from bookings.forms import (
    CHOOSE_A_LENGTH_SHOWN,
    CHOOSE_DEVICE_FROM_LIST,
    LIBRARY_ERRORS,
    TOPIC_ERRORS,
    WEEKDAYS_ERRORS,
    BookingDetailsMixin,
    ChoiceOfRow,
    IsoDateInput,
    PatronContactForm,
    TopicChoice,
    day_within_years,
    no_feedback_field,
    visible_text,
    way_field,
)
from bookings.models import Booking, DeviceType, Guide, PartOfDay, Way, Weekday
from bookings.staff.patron_search import search_term_clean
from digiopas.form_rendering import BOOTSTRAP


class DeskTimesForm(forms.Form):
    """Which free times the desk looks at (GET): from which day, and optionally which library,
    guide, guidance language and length. Nothing chosen: every library the staff member sees."""

    day = forms.DateField(
        label=_("From"),
        required=False,
        error_messages={
            "invalid": _("Please give the day as day, month and year, for example 8.12.2026."),
        },
        # The date picker's ISO form, and the Finnish way typed where a browser has no picker.
        input_formats=["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"],
        widget=IsoDateInput,
    )
    library = ChoiceOfRow(
        label=_("Library"),
        queryset=None,
        required=False,
        empty_label=_("All my libraries"),
        error_messages=LIBRARY_ERRORS,
    )
    guide = ChoiceOfRow(
        label=_("Guide"),
        queryset=None,
        required=False,
        empty_label=_("Any guide"),
        error_messages={"invalid_choice": _("Please choose a guide from the list.")},
    )
    language = forms.ChoiceField(
        label=_("Guidance language"),
        required=False,
        choices=[("", _("Any language")), *settings.LANGUAGES],
        error_messages={"invalid_choice": _("Please choose a language from the list.")},
    )
    way = forms.ChoiceField(
        label=_("Way of guidance"),
        required=False,
        choices=[("", _("Any way")), *Way.choices],
        error_messages={"invalid_choice": _("Please choose a way of guidance from the list.")},
    )
    minutes = forms.TypedChoiceField(
        label=_("Length at least"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": CHOOSE_A_LENGTH_SHOWN},
    )

    def __init__(self, *args, libraries, visit_minutes: int | None = None, **kwargs) -> None:
        """`visit_minutes`: the length of a visit being moved, offered among the lengths."""
        super().__init__(*args, **kwargs)
        lengths = sorted({15, 30, 45, 60, 90} | ({visit_minutes} if visit_minutes else set()))
        self.fields["minutes"].choices = [("", _("Any length"))] + [
            (m, _("%(minutes)d minutes") % {"minutes": m}) for m in lengths
        ]
        self.fields["library"].queryset = libraries
        self.fields["guide"].queryset = Guide.objects.filter(
            is_active=True, libraries__in=libraries
        ).distinct()

    def clean_day(self) -> dt.date | None:
        day = self.cleaned_data["day"]
        return day_within_years(day) if day else None

    def later_query(self, day: dt.date) -> str:
        """This search's query string from `day` on: the "Later times" link."""
        data = self.cleaned_data
        chosen = {
            "day": day.isoformat(),
            "library": data["library"].pk if data["library"] else "",
            "guide": data["guide"].pk if data["guide"] else "",
            "language": data["language"],
            "way": data["way"],
            "minutes": data["minutes"] or "",
        }
        return urlencode(chosen)

    def search(self, *, now: dt.datetime) -> dict:
        """The arguments of availability.desk_free_times for the valid form."""
        data = self.cleaned_data
        libraries = self.fields["library"].queryset
        if data["library"]:
            libraries = libraries.filter(pk=data["library"].pk)
        guide_ids = None
        if data["guide"] or data["language"]:
            guides = [data["guide"]] if data["guide"] else self.fields["guide"].queryset
            guide_ids = [
                guide.pk
                for guide in guides
                if not data["language"] or data["language"] in guide.languages
            ]
        return {
            "libraries": libraries,
            "guide_ids": guide_ids,
            "minutes": data["minutes"],
            "way": data["way"] or None,
            "start_day": data["day"] or timezone.localdate(now),
        }


class DeskBookingForm(BookingDetailsMixin, PatronContactForm):
    """Staff booking for a patron on the phone or at the desk: name and phone are enough.

    A landline will do: the library then calls the patron instead of sending text messages.
    Laid out as the patron's own form is (digiopas/form_rendering.py), as easy to read.
    """

    default_renderer = BOOTSTRAP

    phone_must_receive_texts = False
    no_contact_message = _("Please give the patron's phone number or e-mail address.")

    field_order = [
        "way",
        "video_link",
        "minutes",
        "patron_name",
        "phone",
        "email",
        "channel",
        "language",
        "device",
        "topics",
        "need",
        "no_feedback",
    ]

    device = ChoiceOfRow(
        label=_("Device"),
        queryset=DeviceType.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Please choose the patron's device."),
            "invalid_choice": CHOOSE_DEVICE_FROM_LIST,
        },
    )
    topics = TopicChoice(label=_("Topics"), error_messages=TOPIC_ERRORS)
    need = forms.CharField(
        label=_("What the patron needs help with"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    channel = forms.ChoiceField(
        label=_("Booked"),
        choices=[
            (Booking.Channel.PHONE, Booking.Channel.PHONE.label),
            (Booking.Channel.DESK, Booking.Channel.DESK.label),
        ],
        initial=Booking.Channel.PHONE,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose whether the patron booked by phone or at the desk."),
            "invalid_choice": _("Please choose whether the patron booked by phone or at the desk."),
        },
    )
    language = forms.ChoiceField(
        label=_("Language for messages"),
        choices=settings.LANGUAGES,
        initial="fi",
        error_messages={
            "required": _("Please choose the language of the patron's messages."),
            "invalid_choice": _("Please choose the language of the patron's messages."),
        },
    )
    no_feedback = no_feedback_field(
        _("The patron does not want a question about how the visit went.")
    )
    consent = forms.BooleanField(
        label=_("I told the patron how the library keeps these details."),
        error_messages={"required": _("Please tell the patron how their details are kept.")},
    )

    def __init__(self, *args, lengths: list[int], ways: list[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if field := way_field(list(ways), label=_("Way of guidance")):
            field.choices = [(way, Way(way).label) for way in ways]
            self.fields["way"] = field
        if Way.VIDEO in ways:
            self.fields["video_link"] = forms.URLField(
                label=_("Video meeting link for this visit (optional)"),
                required=False,
                max_length=500,
                assume_scheme="https",
                help_text=_("Left empty, the patron gets the guide's own meeting link."),
                error_messages={
                    "invalid": _("Please give the whole address, e.g. https://meet.jit.si/…")
                },
            )
        self.fields["minutes"] = forms.TypedChoiceField(
            label=_("Length"),
            coerce=int,
            widget=forms.RadioSelect,
            choices=[(m, _("%(minutes)d minutes") % {"minutes": m}) for m in lengths],
            initial=lengths[0] if lengths else None,
            error_messages={
                "required": _("Please choose the length of the visit."),
                "invalid_choice": CHOOSE_A_LENGTH_SHOWN,
            },
        )
        self.order_fields(self.field_order)
        self.fields["patron_name"].label = _("Patron's name")
        self.fields["patron_name"].error_messages = {
            **self.fields["patron_name"].error_messages,
            "required": _("Please write the patron's name."),
        }
        self.fields["phone"].help_text = _(
            "A phone number is enough; e-mail is optional. For a landline number the library "
            "calls the patron instead of sending text messages."
        )


class DeskCancelForm(forms.Form):
    """Who wants the time cancelled: the patron (who called or came by), or the library itself.
    The patron's page and message say which, and the library's reason."""

    PATRON, LIBRARY = "patron", "library"

    cancelled_by = forms.ChoiceField(
        label=_("Who cancels the time?"),
        choices=[
            (PATRON, _("The patron asked us to cancel it")),
            (LIBRARY, _("The library cancels it (the patron is told so, with the reason)")),
        ],
        initial=PATRON,
        # Unanswered, it is the patron's own cancellation, as it was before staff were asked.
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason the patron sees, if the library cancels (optional)"),
        help_text=_("For example: The guide is ill."),
        max_length=200,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template's form holds the buttons

    def clean_reason(self) -> str:
        return " ".join(visible_text(self.cleaned_data["reason"]).split())

    def cancellation(self) -> dict:
        """The keyword arguments for `services.booking_cancel`."""
        if self.cleaned_data["cancelled_by"] == self.LIBRARY:
            return {"by_library": True, "reason": self.cleaned_data["reason"]}
        return {}


class PatronSearchForm(forms.Form):
    """The desk's search box (GET): a phone number in any form, or part of a name.

    Whatever is typed is a search: invisible characters (a NUL byte included, which the
    database would refuse) are dropped and an endless paste is cut, never refused.
    """

    q = forms.CharField(
        label=_("Find a patron: phone number or name"),
        help_text=_("For example 040 123 4567, or part of the name."),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].validators = []  # no "null characters are not allowed": clean_q drops them

    def clean_q(self) -> str:
        return search_term_clean(self.cleaned_data["q"])


class DeskWaitingListForm(forms.Form):
    """Putting a patron found at the desk on a library's waiting list: the contact details come
    from their booking; staff choose the library, the days and the time of day."""

    library = ChoiceOfRow(
        label=_("Library"),
        queryset=None,
        empty_label=None,
        error_messages=LIBRARY_ERRORS,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Which days suit the patron? (leave empty if any day does)"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=WEEKDAYS_ERRORS,
    )
    part_of_day = forms.ChoiceField(
        label=_("What time of day suits the patron?"),
        choices=PartOfDay.choices,
        initial=PartOfDay.ANY,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose mornings, afternoons or any time of day."),
            "invalid_choice": _("Please choose mornings, afternoons or any time of day."),
        },
    )
    need = forms.CharField(
        label=_("What the patron needs help with"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, libraries, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Add to the waiting list")))

    def clean_need(self) -> str:
        return visible_text(self.cleaned_data["need"]).strip()
