"""The form for a guide who cannot come: who, where, which days and (if staff like) why."""

import datetime as dt

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.forms import CHOOSE_A_LIBRARY, ChoiceOfRow, IsoDateInput, day_within_years
from bookings.models import Guide


def _day_field(label, required) -> forms.DateField:
    return forms.DateField(
        label=label,
        error_messages={
            "required": required,
            "invalid": _("Please give the day as day, month and year, for example 8.12.2026."),
        },
        # The date picker's ISO form, and the Finnish way typed where a browser has no picker.
        input_formats=["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"],
        widget=IsoDateInput,
    )


class GuideAbsenceForm(forms.Form):
    library = ChoiceOfRow(
        label=_("Library"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": CHOOSE_A_LIBRARY},
    )
    guide = ChoiceOfRow(
        label=_("Guide"),
        queryset=None,
        error_messages={
            "required": _("Please choose the guide who cannot come."),
            "invalid_choice": _("Please choose the guide who cannot come."),
        },
    )
    starts_on = _day_field(_("First day"), _("Please choose the first day."))
    ends_on = _day_field(_("Last day"), _("Please choose the last day (the same day for one day)."))
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=200,
        help_text=_(
            "Patrons read it in the message. Left empty, they read "
            "“The guide cannot come” in their own language."
        ),
    )

    def __init__(self, *args, libraries, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries
        self.fields["guide"].queryset = Guide.objects.filter(
            libraries__in=libraries, is_active=True
        ).distinct()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_starts_on(self) -> dt.date:
        return day_within_years(self.cleaned_data["starts_on"])

    def clean_ends_on(self) -> dt.date:
        return day_within_years(self.cleaned_data["ends_on"])
