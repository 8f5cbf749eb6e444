"""Form parts that the patron's forms, the staff's forms and the admin share: contact details,
choices of rows, names and free text cleaned of invisible characters, days within sane years."""

import datetime as dt
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.models import Topic, Way
from bookings.phone_numbers import can_receive_texts, phone_e164

# The largest id a database column holds; bigger numbers cannot name any row.
LARGEST_ID = 2**63 - 1


def row_id(raw: str) -> int | None:
    """A row's id as sent in a form or query string, or None where it cannot name a row."""
    return int(raw) if raw.isdigit() and 0 < int(raw) <= LARGEST_ID else None


# The years a staff form's day may fall in: far enough for any real schedule or statistics,
# near enough that the day before and after always exist (9999-12-31 has no next day).
FIRST_YEAR = 2000
LAST_YEAR = 2100


class IsoDateInput(forms.DateInput):
    """A date picker: its value only in the ISO form it takes (2026-12-08). What someone typed
    that is no date at all ("31.2.2026") is left out, not written into the input as a value
    the browser would refuse (the field's error says what was wrong)."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value):
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value).isoformat()
            except ValueError:
                return None
        return super().format_value(value)


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


class TopicCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Topic checkboxes that carry the length each topic usually needs (`data-minutes`), for
    the booking form's script to preselect it."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        minutes = getattr(getattr(value, "instance", None), "suggested_minutes", None)
        if minutes:
            option["attrs"]["data-minutes"] = minutes
        return option


class TopicChoice(ChoiceOfRows):
    """The offered topics; one that usually takes longer says so in its label."""

    widget = TopicCheckboxSelectMultiple

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=Topic.objects.filter(is_active=True), required=False, **kwargs)

    def label_from_instance(self, topic: Topic) -> str:
        if topic.suggested_minutes:
            return _("%(topic)s (usually %(minutes)d minutes)") % {
                "topic": topic.name,
                "minutes": topic.suggested_minutes,
            }
        return topic.name


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


# What to do, said for each field: the error summary lists these without the field's label,
# so each names what it is about.
CHOOSE_DEVICE_FROM_LIST = _("Please choose one of the devices in the list.")
CHOOSE_TOPICS_FROM_LIST = _("Please choose topics from the list.")
CHOOSE_A_LENGTH_SHOWN = _("That length is no longer free. Please choose one of the lengths shown.")
CHOOSE_A_LIBRARY = _("Please choose one of the libraries in the list.")
LIBRARY_ERRORS = {"required": CHOOSE_A_LIBRARY, "invalid_choice": CHOOSE_A_LIBRARY}
CHOOSE_DAYS_FROM_LIST = _("Please choose days from the list.")
WEEKDAYS_ERRORS = {"invalid_choice": CHOOSE_DAYS_FROM_LIST, "invalid_list": CHOOSE_DAYS_FROM_LIST}
TOPIC_ERRORS = {
    "invalid_choice": CHOOSE_TOPICS_FROM_LIST,
    "invalid_pk_value": CHOOSE_TOPICS_FROM_LIST,
    "invalid_list": CHOOSE_TOPICS_FROM_LIST,
}


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
        error_messages={
            "invalid": _("Please check the e-mail address, for example name@example.com.")
        },
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
    no_contact_message = _("Please give a phone number or an e-mail address so we can reach you.")

    def clean_patron_name(self) -> str:
        name = " ".join(visible_text(self.cleaned_data["patron_name"]).split())
        if not name:
            raise forms.ValidationError(
                self.fields["patron_name"].error_messages["required"], code="required"
            )
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
        # A mistyped address has its own message; asking for a way to reach the patron on top of
        # it would send them to the phone number instead.
        if not phone and not email and not self.has_error("phone") and not self.has_error("email"):
            self.add_error("phone", forms.ValidationError(self.no_contact_message, code="contact"))
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


WAY_CHOICES_FOR_PATRONS = {
    Way.LIBRARY: _("At the library"),
    Way.PHONE: _("By phone: the guide calls you"),
    Way.VIDEO: _("By video: you get a link to join on your own device"),
}


def way_field(ways: list[str], *, label) -> forms.ChoiceField | None:
    """A choice of the ways a time offers, or None when it offers one (nothing to choose)."""
    if len(ways) < 2:
        return None
    return forms.ChoiceField(
        label=label,
        choices=[(way, WAY_CHOICES_FOR_PATRONS[way]) for way in ways],
        widget=forms.RadioSelect,
        initial=ways[0],
        error_messages={
            "required": _("Please choose how you want to be guided."),
            "invalid_choice": _("Please choose one of the ways shown."),
        },
    )


def no_feedback_field(label) -> forms.BooleanField:
    """Saying no to the one question about the visit afterwards: unticked, the patron is asked
    (a form sent without the box, as before it existed, means the same)."""
    return forms.BooleanField(label=label, required=False)


class BookingDetailsMixin:
    """What both booking forms hand to `services.booking_create` (the caller adds the rest)."""

    def booking_details(self, lengths: list[int]) -> dict:
        data = self.cleaned_data
        return {
            # None when the time offers one way: the service takes it.
            "way": data.get("way") or None,
            "slot_count": lengths.index(data["minutes"]) + 1,
            "patron_name": data["patron_name"],
            "phone": data["phone"],
            "email": data["email"],
            "device": data["device"],
            "topics": data["topics"],
            "need": data["need"],
            "feedback_allowed": not data.get("no_feedback", False),
        }
