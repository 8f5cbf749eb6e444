"""The daily schedule's choice of library, day and guide; the week's choice; attendance marking."""

import datetime as dt
import re

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.forms import (
    CHOOSE_A_LIBRARY,
    FIRST_YEAR,
    LAST_YEAR,
    ChoiceOfRow,
    IsoDateInput,
    day_within_years,
    visible_text,
)
from bookings.models import Booking, Guide, Library, Referral
from bookings.services import ATTENDANCE_STATUSES

# "2026-W50" from a week picker; "2026-50", "50/2026" and "50.2026" typed where there is none.
WEEK_PATTERNS = (
    re.compile(r"^(?P<year>\d{4})-?W?(?P<week>\d{1,2})$", re.IGNORECASE),
    re.compile(r"^(?P<week>\d{1,2})[./](?P<year>\d{4})$"),
)


class DayForm(forms.Form):
    """Submitted by GET to the daily schedule's entry, which goes on to the chosen library."""

    library = forms.ChoiceField(
        label=_("Library"),
        error_messages={"invalid_choice": CHOOSE_A_LIBRARY},
    )
    day = forms.DateField(
        label=_("Day"),
        help_text=_("For example 8.12.2026."),
        error_messages={
            "required": _("Please choose a day."),
            "invalid": _("Please give the day as day, month and year, for example 8.12.2026."),
        },
        # The date picker's ISO form, and the Finnish way typed where a browser has no picker.
        input_formats=["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"],
        widget=IsoDateInput,
    )
    guide = forms.ChoiceField(
        label=_("Guide"),
        required=False,
        error_messages={"invalid_choice": _("Please choose one of the guides in the list.")},
    )

    def __init__(
        self,
        data,
        *,
        libraries: list[Library],
        guides: list[Guide],
        action: str,
    ) -> None:
        super().__init__(data)
        self.guides_by_pk = {str(guide.pk): guide for guide in guides}
        self.fields["library"].choices = [(library.slug, library.name) for library in libraries]
        self.fields["guide"].choices = [("", _("All guides"))] + [
            (str(guide.pk), guide.display_name) for guide in guides
        ]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = action
        self.helper.form_class = "day-form"
        self.helper.layout = Layout(
            "library",
            "day",
            "guide",
            # A button without a name keeps the address short enough to bookmark and share.
            StrictButton(_("Show the day"), type="submit", css_class="btn-primary"),
        )

    def clean_day(self) -> dt.date:
        return day_within_years(self.cleaned_data["day"])

    def clean_guide(self) -> Guide | None:
        return self.guides_by_pk.get(self.cleaned_data["guide"])


class WeekForm(forms.Form):
    week = forms.CharField(
        label=_("Week"),
        # No maxlength or placeholder: a week input takes neither (the help text gives the
        # example); clean_week's patterns accept nothing long.
        help_text=_("Year and week number, for example 2026-W50."),
        error_messages={"required": _("Please choose a week.")},
        widget=forms.TextInput(attrs={"type": "week"}),
    )

    def __init__(self, data, *, action: str) -> None:
        super().__init__(data)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = action
        self.helper.form_class = "week-form"
        self.helper.layout = Layout(
            "week", StrictButton(_("Show the week"), type="submit", css_class="btn-primary")
        )

    def clean_week(self) -> dt.date:
        """The Monday of the chosen ISO week."""
        raw = self.cleaned_data["week"].strip()
        for pattern in WEEK_PATTERNS:
            if match := pattern.match(raw):
                year = int(match["year"])
                if not FIRST_YEAR <= year <= LAST_YEAR:
                    raise forms.ValidationError(
                        _("Please give a week between the years %(first)d and %(last)d.")
                        % {"first": FIRST_YEAR, "last": LAST_YEAR},
                        code="year",
                    )
                try:
                    return dt.date.fromisocalendar(year, int(match["week"]), 1)
                except ValueError:
                    break
        raise forms.ValidationError(
            _("Please give the year and the week number, for example 2026-W50."), code="week"
        )


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Attendance"),
        choices=[(status.value, status.label) for status in ATTENDANCE_STATUSES],
        error_messages={"invalid_choice": _("Choose attended, did not come, or booked.")},
    )
    staff_notes = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=Booking._meta.get_field("staff_notes").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    outcome = forms.ChoiceField(
        label=_("What came of the visit"),
        required=False,
        choices=[("", _("Not said")), *Booking.Outcome.choices],
        error_messages={"invalid_choice": _("Please choose an outcome from the list.")},
    )
    referral = ChoiceOfRow(
        label=_("Referred to"),
        queryset=Referral.objects.filter(is_active=True),
        required=False,
        empty_label=_("Choose where"),
        error_messages={"invalid_choice": _("Please choose where the patron was referred.")},
    )

    def clean_staff_notes(self) -> str:
        return visible_text(self.cleaned_data["staff_notes"]).strip()
