"""The statistics page's choice of libraries, guide and period."""

import datetime as dt
import re

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.forms import CHOOSE_A_LIBRARY, FIRST_YEAR, LAST_YEAR, ChoiceOfRow, IsoDateInput
from bookings.models import Guide, Library
from bookings.staff.statistics import Period

LONGEST_PERIOD = dt.timedelta(days=3 * 366)

# "2026-12" from a month picker, or "12/2026" and "12.2026" typed where the browser has none.
MONTH_PATTERNS = (
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$"),
    re.compile(r"^(?P<month>\d{1,2})[./](?P<year>\d{4})$"),
)


# The date picker's ISO form, and the Finnish way (the messages' example) typed in any language.
DAY_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


class StatisticsForm(forms.Form):
    MONTH = "month"
    YEAR = "year"
    RANGE = "range"

    library = ChoiceOfRow(
        label=_("Library"),
        queryset=Library.objects.none(),
        required=False,
        empty_label=_("All my libraries"),
        error_messages={"invalid_choice": CHOOSE_A_LIBRARY},
    )
    guide = ChoiceOfRow(
        label=_("Guide"),
        queryset=Guide.objects.none(),
        required=False,
        empty_label=_("All guides"),
        error_messages={"invalid_choice": _("Please choose one of the guides in the list.")},
    )
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            (MONTH, pgettext_lazy("period", "A month")),
            (YEAR, pgettext_lazy("period", "A year")),
            (RANGE, pgettext_lazy("period", "From one day to another")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose a month, a year or a range of days."),
            "invalid_choice": _("Please choose a month, a year or a range of days."),
        },
    )
    month = forms.CharField(
        label=_("Month"),
        required=False,
        # No maxlength or placeholder: a month input takes neither (the help text gives the
        # example); clean_month's patterns accept nothing long.
        help_text=_("For example 2026-12."),
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            code: _("Please give a year, for example 2026.")
            for code in ("invalid", "min_value", "max_value")
        },
    )
    starts_on = forms.DateField(
        label=_("First day"),
        required=False,
        input_formats=DAY_INPUT_FORMATS,
        widget=IsoDateInput,
        error_messages={
            "invalid": _("Please give the first day as day, month and year, for example 8.12.2026.")
        },
    )
    ends_on = forms.DateField(
        label=_("Last day"),
        required=False,
        input_formats=DAY_INPUT_FORMATS,
        widget=IsoDateInput,
        error_messages={
            "invalid": _("Please give the last day as day, month and year, for example 8.12.2026.")
        },
    )

    def __init__(self, data, *, libraries: QuerySet[Library]) -> None:
        super().__init__(data)
        self.fields["library"].queryset = libraries
        self.fields["guide"].queryset = Guide.objects.filter(libraries__in=libraries).distinct()
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = True
        self.helper.layout = Layout(
            Row(Column("library", css_class="col-md-6"), Column("guide", css_class="col-md-6")),
            "period",
            # Only the chosen kind's inputs show (statistics.css, by the ticked period; all
            # of them where a browser cannot tell).
            Row(
                Column("month", css_class="col-sm-6 col-lg-3 period-month"),
                Column("year", css_class="col-sm-6 col-lg-3 period-year"),
                Column("starts_on", css_class="col-sm-6 col-lg-3 period-range"),
                Column("ends_on", css_class="col-sm-6 col-lg-3 period-range"),
            ),
            # A button without a name keeps the address short enough to bookmark and share.
            StrictButton(_("Show the figures"), type="submit", css_class="btn-primary"),
        )
        self.period: Period | None = None

    @classmethod
    def default_data(cls, today: dt.date) -> dict[str, str]:
        """This month in all the user's libraries: what the page shows before any choice."""
        return {"period": cls.MONTH, "month": f"{today:%Y-%m}"}

    def clean_month(self) -> tuple[int, int] | None:
        raw = self.cleaned_data["month"].strip()
        if not raw:
            return None
        for pattern in MONTH_PATTERNS:
            if match := pattern.match(raw):
                year, month = int(match["year"]), int(match["month"])
                if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
                    return year, month
        raise forms.ValidationError(
            _("Please give the month as year and month, for example 2026-12."), code="month"
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("period")
        if kind == self.MONTH:
            self._clean_month(cleaned)
        elif kind == self.YEAR:
            self._clean_year(cleaned)
        elif kind == self.RANGE:
            self._clean_range(cleaned)
        return cleaned

    def _clean_month(self, cleaned: dict) -> None:
        if cleaned.get("month"):
            self.period = Period.month(*cleaned["month"])
        elif not self.has_error("month"):
            self.add_error("month", _("Please choose a month, for example 2026-12."))

    def _clean_year(self, cleaned: dict) -> None:
        if cleaned.get("year"):
            self.period = Period.year(cleaned["year"])
        elif not self.has_error("year"):
            self.add_error("year", _("Please give a year, for example 2026."))

    def _clean_range(self, cleaned: dict) -> None:
        first, last = cleaned.get("starts_on"), cleaned.get("ends_on")
        for name, day in (("starts_on", first), ("ends_on", last)):
            if day is None and not self.has_error(name):
                self.add_error(name, _("Please give both the first and the last day."))
            elif day and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(
                    name,
                    _("Please give a day between the years %(first)d and %(last)d.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR},
                )
        if self.has_error("starts_on") or self.has_error("ends_on"):
            return
        if last < first:
            self.add_error("ends_on", _("The last day is before the first day."))
        elif last - first > LONGEST_PERIOD:
            self.add_error(
                "ends_on",
                _("Please choose at most three years; for longer, export one year at a time."),
            )
        else:
            self.period = Period(first, last)

    def selection(self) -> dict:
        """The arguments of `statistics.figures_for` for a valid form."""
        library = self.cleaned_data["library"]
        return {
            "libraries": [library] if library else self.fields["library"].queryset,
            "period": self.period,
            "guide": self.cleaned_data["guide"],
        }
