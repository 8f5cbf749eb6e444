import datetime as dt
import re
import secrets
import time
import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from digiopas.form_rendering import BootstrapForm

from .models import Booking, DeviceType, Topic, Weekday
from .phone_numbers import can_receive_texts, phone_e164
from .services import MAX_SLOTS_PER_BOOKING

# The largest id a database column holds; bigger numbers cannot name any row.
LARGEST_ID = 2**63 - 1
# The years a staff form's day may fall in: far enough for any real schedule or statistics,
# near enough that the day before and after always exist (9999-12-31 has no next day).
FIRST_YEAR = 2000
LAST_YEAR = 2100


def day_within_years(day: dt.date) -> dt.date:
    """`day` if it falls in FIRST_YEAR to LAST_YEAR, else a ValidationError saying so."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise forms.ValidationError(
            _("Please give a day between the years %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="year",
        )
    return day


def _reject_impossible_ids(values, field: forms.Field) -> None:
    for value in values:
        try:
            number = int(str(value).strip())
        except ValueError:
            continue  # not a number at all: the field's own check refuses it
        if abs(number) > LARGEST_ID:
            raise forms.ValidationError(
                field.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


class ChoiceOfRow(forms.ModelChoiceField):
    """A ModelChoiceField that answers an out-of-range id like any other wrong choice."""

    def to_python(self, value):
        if value not in self.empty_values:
            _reject_impossible_ids([value], self)
        return super().to_python(value)


class ChoiceOfRows(forms.ModelMultipleChoiceField):
    def clean(self, value):
        if isinstance(value, list | tuple):
            _reject_impossible_ids(value, self)
        return super().clean(value)


def normalise_phone(raw: str) -> str:
    """A real Finnish or international number in E.164 form, or ValidationError."""
    number = phone_e164(raw)
    if number is None:
        raise forms.ValidationError(
            _("Please check the phone number, for example 040 123 4567."), code="phone"
        )
    return number


# Characters that are there but not seen: controls, and format characters such as the
# direction overrides (U+202A to U+202E, U+2066 to U+2069, U+200E/F) that turn the printed day's
# text around. Line breaks and tabs stay; so do the joiners some scripts and emoji need.
KEPT_INVISIBLES = {"\n", "\r", "\t", "\u200c", "\u200d"}


def visible_text(text: str) -> str:
    """`text` without invisible control and format characters."""
    return "".join(
        char
        for char in text
        if char in KEPT_INVISIBLES or unicodedata.category(char) not in ("Cc", "Cf")
    )


class BotTrapMixin(BootstrapForm):
    """A honeypot field people never see and a minimum time to fill in the form.

    Only the public forms have it, so it also gives them the lean Bootstrap renderer
    (digiopas/form_rendering.py); staff forms are laid out with crispy-forms.

    No CAPTCHA: it would shut out the very patrons who most need guidance.
    """

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        template_name="forms/honeypot_field.html",
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # a sent form shows its own values again, never the initial ones
            self.fields["started"].initial = signing.dumps(time.time(), salt="form-started")

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("website") or not self._filled_in_by_a_person(cleaned.get("started")):
            # Said plainly to a hurried person; a bot learns nothing from it.
            raise forms.ValidationError(
                _("Please check your details once more and send the form again."), code="bot"
            )
        return cleaned

    @staticmethod
    def _filled_in_by_a_person(started: str | None) -> bool:
        try:
            began = float(signing.loads(started or "", salt="form-started"))
        except (signing.BadSignature, TypeError, ValueError):
            return False
        return time.time() - began >= settings.FORM_MIN_FILL_SECONDS


class PatronContactForm(forms.Form):
    """Name and a way to reach the patron (phone, e-mail or both), and their consent."""

    patron_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        error_messages={"required": _("Please tell us your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        required=False,
        help_text=_("Give a phone number, an e-mail address or both."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the library keeps these details for this guidance time, "
            "as the privacy notice explains."
        ),
        error_messages={"required": _("Please tick the box so that we may keep your details.")},
    )

    # Messages go by e-mail when there is an address, else by text message: a patron who
    # gives only a number must give one that receives them. Staff may book for a landline
    # caller (DeskBookingForm); the library then calls instead (notifications._patron_channel).
    phone_must_receive_texts = True

    def clean_patron_name(self) -> str:
        name = " ".join(visible_text(self.cleaned_data["patron_name"]).split())
        if not name:
            raise forms.ValidationError(_("Please tell us your name."), code="required")
        return name

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        return normalise_phone(raw) if raw else ""

    # Called for the subclasses' own `need` fields (each has its label and length).
    def clean_need(self) -> str:
        return visible_text(self.cleaned_data["need"]).strip()

    def clean(self) -> dict:
        cleaned = super().clean()
        phone, email = cleaned.get("phone"), cleaned.get("email")
        if not phone and not email and not self.has_error("phone"):
            self.add_error(
                "phone",
                forms.ValidationError(
                    _("Please give a phone number or an e-mail address so we can reach you."),
                    code="contact",
                ),
            )
        elif phone and not email and self.phone_must_receive_texts and not can_receive_texts(phone):
            self.add_error(
                "phone",
                forms.ValidationError(
                    _(
                        "We send you text messages, and this looks like a landline number. "
                        "Please give a mobile number, or an e-mail address as well."
                    ),
                    code="landline",
                ),
            )
        return cleaned


class BookingDetailsMixin:
    """What both booking forms hand to `services.booking_create` (the caller adds the rest)."""

    def booking_details(self, lengths: list[int]) -> dict:
        data = self.cleaned_data
        return {
            "slot_count": lengths.index(data["minutes"]) + 1,
            "patron_name": data["patron_name"],
            "phone": data["phone"],
            "email": data["email"],
            "device": data["device"],
            "topics": data["topics"],
            "need": data["need"],
        }


SUBMISSION_SALT = "booking-submission"
LINK_SECRET = re.compile(r"[0-9a-f]{32}")


class BookingForm(BookingDetailsMixin, BotTrapMixin, PatronContactForm):
    """What a patron tells us when booking online."""

    field_order = ["minutes", "patron_name", "phone", "email", "device", "topics", "need"]

    minutes = forms.TypedChoiceField(
        label=_("How long do you need?"), coerce=int, widget=forms.RadioSelect
    )
    device = ChoiceOfRow(
        label=_("Which device do you need help with?"),
        queryset=DeviceType.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    topics = ChoiceOfRows(
        label=_("What is it about? (choose any that fit)"),
        queryset=Topic.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    need = forms.CharField(
        label=_("Tell us in your own words what you need help with (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    submission = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, lengths: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["minutes"].choices = [
            (minutes, _("%(minutes)d minutes") % {"minutes": minutes}) for minutes in lengths
        ]
        self.fields["minutes"].initial = lengths[0] if lengths else None
        # The secret behind the private link of the booking this form makes, chosen now and
        # signed: the same form sent twice (a double click, or Back and Send) finds its booking.
        if not self.is_bound:
            self.fields["submission"].initial = signing.dumps(
                secrets.token_hex(16), salt=SUBMISSION_SALT
            )

    @staticmethod
    def link_secret(data) -> str | None:
        """The link secret a sent form carries, if it is one this site signed."""
        try:
            secret = signing.loads(str(data.get("submission", "")), salt=SUBMISSION_SALT)
        except signing.BadSignature:
            return None
        return secret if isinstance(secret, str) and LINK_SECRET.fullmatch(secret) else None


class WaitingListForm(BotTrapMixin, PatronContactForm):
    """Joining the waiting list when no free time suits."""

    field_order = ["patron_name", "phone", "email", "weekdays", "need"]

    weekdays = forms.TypedMultipleChoiceField(
        label=_("Which days suit you? (leave empty if any day does)"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    need = forms.CharField(
        label=_("What do you need help with? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResizeForm(forms.Form):
    slot_count = forms.IntegerField(min_value=1, max_value=MAX_SLOTS_PER_BOOKING)


class DeskDayForm(forms.Form):
    """Which library and day staff are booking for (GET)."""

    library = ChoiceOfRow(label=_("Library"), queryset=None, empty_label=None)
    day = forms.DateField(
        label=_("Day"),
        # The date picker's ISO form, and the Finnish way typed where a browser has no picker.
        input_formats=["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"],
        # A date input takes only the ISO form; a localised value would leave it empty.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, libraries, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries

    def clean_day(self) -> dt.date:
        return day_within_years(self.cleaned_data["day"])


class DeskBookingForm(BookingDetailsMixin, PatronContactForm):
    """Staff booking for a patron on the phone or at the desk: name and phone are enough.

    A landline will do: the library then calls the patron instead of sending text messages.
    """

    phone_must_receive_texts = False

    field_order = [
        "minutes",
        "patron_name",
        "phone",
        "email",
        "channel",
        "language",
        "device",
        "topics",
        "need",
    ]

    device = ChoiceOfRow(
        label=_("Device"),
        queryset=DeviceType.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    topics = ChoiceOfRows(
        label=_("Topics"),
        queryset=Topic.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
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
    )
    language = forms.ChoiceField(
        label=_("Language for messages"), choices=settings.LANGUAGES, initial="fi"
    )
    consent = forms.BooleanField(
        label=_("I told the patron how the library keeps these details."),
        error_messages={"required": _("Please tell the patron how their details are kept.")},
    )

    def __init__(self, *args, lengths: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["minutes"] = forms.TypedChoiceField(
            label=_("Length"),
            coerce=int,
            widget=forms.RadioSelect,
            choices=[(m, _("%(minutes)d minutes") % {"minutes": m}) for m in lengths],
            initial=lengths[0] if lengths else None,
        )
        self.order_fields(self.field_order)
        self.fields["patron_name"].label = _("Patron's name")
        self.fields["phone"].help_text = _(
            "A phone number is enough; e-mail is optional. For a landline number the library "
            "calls the patron instead of sending text messages."
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Book and print the slip")))
