"""The public forms: booking a time, joining the waiting list, a longer or shorter time."""

import re
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from bookings.availability import GuidanceWeek
from bookings.forms import (
    CHOOSE_A_LENGTH_SHOWN,
    CHOOSE_DEVICE_FROM_LIST,
    TOPIC_ERRORS,
    WEEKDAYS_ERRORS,
    BookingDetailsMixin,
    ChoiceOfRow,
    PatronContactForm,
    TopicChoice,
    no_feedback_field,
    visible_text,
    way_field,
)
from bookings.models import DeviceType, PartOfDay, Weekday
from bookings.models.feedback import COMMENT_MAX_LENGTH, RATING_FIELDS
from bookings.rules import MAX_SLOTS_PER_BOOKING
from digiopas.form_rendering import BootstrapForm


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
    # The words on the form's button, which the patron presses again after a refusal.
    send_button: str

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # a sent form shows its own values again, never the initial ones
            self.fields["started"].initial = signing.dumps(time.time(), salt="form-started")

    def clean(self) -> dict:
        cleaned = super().clean()
        began = self._started_at(cleaned.get("started"))
        if began is None:
            # A start the site cannot read (its key changed since): the form shown again gets
            # a fresh one, so that pressing the button again works as the message says.
            self.data = self.data.copy()
            self.data["started"] = signing.dumps(time.time(), salt="form-started")
        if cleaned.get("website") or began is None or not self._filled_in_by_a_person(began):
            # Said plainly to a hurried person, with what to do: the form shown again keeps its
            # start, so the second press comes late enough. A bot learns nothing from it.
            raise forms.ValidationError(
                _(
                    "We have not saved your details yet. "
                    "Please check them and press “%(button)s” again."
                )
                % {"button": self.send_button},
                code="bot",
            )
        return cleaned

    @staticmethod
    def _started_at(started: str | None) -> float | None:
        try:
            return float(signing.loads(started or "", salt="form-started"))
        except (signing.BadSignature, TypeError, ValueError):
            return None

    @staticmethod
    def _filled_in_by_a_person(began: float) -> bool:
        return time.time() - began >= settings.FORM_MIN_FILL_SECONDS


SUBMISSION_SALT = "booking-submission"
LINK_SECRET = re.compile(r"[0-9a-f]{32}")


class BookingForm(BookingDetailsMixin, BotTrapMixin, PatronContactForm):
    """What a patron tells us when booking online."""

    # The length after the topics: a topic that usually takes longer preselects it.
    field_order = [
        "patron_name",
        "phone",
        "email",
        "device",
        "topics",
        "minutes",
        "need",
        "no_feedback",
    ]
    send_button = _("Book this time")

    minutes = forms.TypedChoiceField(
        label=_("How long do you need?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose how long you need."),
            "invalid_choice": CHOOSE_A_LENGTH_SHOWN,
        },
    )
    device = ChoiceOfRow(
        label=_("Which device do you need help with?"),
        queryset=DeviceType.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Please choose the device you need help with."),
            "invalid_choice": CHOOSE_DEVICE_FROM_LIST,
        },
    )
    topics = TopicChoice(
        label=_("What is it about? (choose any that fit)"), error_messages=TOPIC_ERRORS
    )
    need = forms.CharField(
        label=_("Tell us in your own words what you need help with (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    no_feedback = no_feedback_field(_("Please do not send me a question about how the visit went."))
    submission = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, lengths: list[int], ways: list[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if field := way_field(list(ways), label=_("How would you like to be guided?")):
            self.fields["way"] = field
            self.order_fields(["way", *self.field_order])
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

    def clean_submission(self) -> str | None:
        """The secret behind the private link of the booking this form makes, or None."""
        return self.link_secret(self.data)

    @staticmethod
    def link_secret(data) -> str | None:
        """The link secret a sent form carries, if it is one this site signed."""
        try:
            secret = signing.loads(str(data.get("submission", "")), salt=SUBMISSION_SALT)
        except signing.BadSignature:
            return None
        return secret if isinstance(secret, str) and LINK_SECRET.fullmatch(secret) else None


class WaitingListForm(BotTrapMixin, PatronContactForm):
    """Joining the waiting list when no free time suits.

    Only the weekdays and parts of the day on which the library offers guidance are offered
    (`availability.guidance_week`); a choice of one is no choice, and is left out.
    """

    field_order = ["patron_name", "phone", "email", "weekdays", "part_of_day", "need"]
    send_button = _("Join the waiting list")

    weekdays = forms.TypedMultipleChoiceField(
        label=_("Which days suit you? (leave empty if any day does)"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=WEEKDAYS_ERRORS,
    )
    part_of_day = forms.ChoiceField(
        label=_("What time of day suits you?"),
        choices=PartOfDay.choices,
        initial=PartOfDay.ANY,
        widget=forms.RadioSelect,
    )
    need = forms.CharField(
        label=_("What do you need help with? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, week: GuidanceWeek, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if len(week.weekdays) > 1:
            self.fields["weekdays"].choices = [
                (day, label) for day, label in Weekday.choices if day in week.weekdays
            ]
        else:
            del self.fields["weekdays"]
        if len(week.parts_of_day) < 2:
            del self.fields["part_of_day"]

    def waiting_wishes(self) -> dict:
        """The days and time of day asked for, as `waiting_list_join` takes them."""
        return {
            "weekdays": self.cleaned_data.get("weekdays", []),
            "part_of_day": self.cleaned_data.get("part_of_day", PartOfDay.ANY),
        }


class ResizeForm(forms.Form):
    slot_count = forms.IntegerField(min_value=1, max_value=MAX_SLOTS_PER_BOOKING)


RATING_CHOICES = [
    (1, _("1 – not at all")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 – very much")),
]
CHOOSE_A_RATING = _("Please choose a number from 1 to 5.")


def _rating_field(label, *, required: bool = False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please tell us, from 1 to 5, whether you got the help you needed."),
            "invalid_choice": CHOOSE_A_RATING,
        },
    )


class FeedbackForm(BotTrapMixin):
    """The one page of feedback after a visit: did it help, the four principles, a comment.
    Only the first question must be answered."""

    send_button = _("Send the feedback")

    helped = _rating_field(_("Did you get the help you needed?"), required=True)
    friendliness = _rating_field(_("Were we friendly?"))
    functionality = _rating_field(_("Did things go smoothly?"))
    usefulness = _rating_field(_("Was the guidance useful to you?"))
    expertise = _rating_field(_("Did the guide know the subject?"))
    comment = forms.CharField(
        label=_("Anything else you want to tell us? (optional)"),
        help_text=_("Please do not write your name or contact details here."),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("Please keep the comment to %(limit_value)d characters or fewer.")
        },
    )
    field_order = [*RATING_FIELDS, "comment"]

    def clean_comment(self) -> str:
        return visible_text(self.cleaned_data["comment"]).strip()

    def ratings(self) -> dict[str, int | None]:
        return {field: self.cleaned_data.get(field) for field in RATING_FIELDS}
