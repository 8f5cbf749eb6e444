"""Staff pages for statistics: the figures for a period with the key figures of each library
beside a year earlier, the one-page printable report, and all of it as CSV."""

import csv

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.access import visible_libraries
from bookings.staff import report as reports
from bookings.staff import statistics
from bookings.staff.charts import week_bar_chart
from bookings.staff.statistics_forms import StatisticsForm

# The most libraries side by side on the printed report's one A4 page.
PRINTED_LIBRARIES = 10


def _statistics_form(request: HttpRequest) -> StatisticsForm:
    """The choice of period and library, limited to the libraries the user may see."""
    data = request.GET or StatisticsForm.default_data(timezone.localdate())
    return StatisticsForm(data, libraries=visible_libraries(request.user))


def _same_choice(request: HttpRequest, name: str) -> str:
    """Another of the statistics' addresses with this request's choice of period and library:
    the page to correct a choice on, the printed report, the CSV."""
    return f"{reverse(name)}?{request.GET.urlencode()}"


@staff_member_required
@permission_required("bookings.view_statistics", raise_exception=True)
def statistics_page(request: HttpRequest) -> HttpResponse:
    form = _statistics_form(request)
    figures = report = None
    if form.is_valid():
        figures = statistics.figures_for(**form.selection())
        report = reports.report_for(**form.selection(), now=timezone.now())
    context = {
        "form": form,
        "figures": figures,
        "report": report,
        "tables": _report_tables(report) if report else [],
        "chart": week_bar_chart(figures.by_week) if figures else None,
        "csv_url": _same_choice(request, "staff:statistics_csv"),
        "report_url": _same_choice(request, "staff:statistics_report"),
        "feedback_minimum": settings.FEEDBACK_MIN_ANSWERS,
    }
    return render(request, "staff/statistics.html", context)


def _report_tables(report: reports.Report) -> list[dict]:
    """The key figures as tables of a row per library: visits, ways and outcomes, feedback."""
    groups = [
        (_("Visits and patrons"), reports.VISIT_FIGURES),
        (
            _("Visits held by way of guidance and by outcome"),
            [
                *reports.way_figures(),
                *reports.outcome_figures(),
            ],
        ),
    ]
    if not report.per_guide:
        groups.append((_("Feedback: averages from 1 to 5"), reports.feedback_figures()))
    return [
        {
            "caption": caption,
            "figures": figures,
            "rows": list(reports.table_rows(report, figures)),
        }
        for caption, figures in groups
    ]


@staff_member_required
@permission_required("bookings.view_statistics", raise_exception=True)
def statistics_report(request: HttpRequest) -> HttpResponse:
    """One A4 page for a library or the network: what a manager prints or saves as PDF."""
    form = _statistics_form(request)
    if not form.is_valid():
        return redirect(_same_choice(request, "staff:statistics_page"))
    report = reports.report_for(**form.selection(), now=timezone.now())
    fits = len(report.libraries) <= PRINTED_LIBRARIES
    context = {
        "form": form,
        "report": report,
        "national": [
            (item.label, item.help_text, item.figure.text(report.whole.now))
            for item in reports.NATIONAL_FIGURES
        ],
        "columns": _report_columns(report),
        # A few libraries side by side, by their main figures, still fit the page; more are
        # on the statistics page and in the CSV.
        "tables": _printed_libraries(report) if report.is_network and fits else [],
        "too_many_libraries": not fits,
        "made_on": timezone.localdate(),
        "back_url": _same_choice(request, "staff:statistics_page"),
        "feedback_minimum": settings.FEEDBACK_MIN_ANSWERS,
    }
    return render(request, "staff/statistics_report.html", context)


def _printed_libraries(report: reports.Report) -> list[dict]:
    """The libraries side by side on the printed page: one table of the main figures."""
    figures = list(reports.VISIT_FIGURES)
    if not report.per_guide:
        figures.append(reports.feedback_figures()[1])  # got the help they needed
    rows = list(reports.table_rows(report, figures))
    return [{"caption": _("Visits and patrons"), "figures": figures, "rows": rows}]


def _report_columns(report: reports.Report) -> list[list[dict]]:
    """The whole's figures beside a year earlier, in sections, as two tables side by side on
    the printed page: visits and ways; outcomes and feedback."""
    whole = report.whole

    def section(title, figures) -> dict:
        lines = [(f.label, f.text(whole.now), f.text(whole.earlier)) for f in figures]
        return {"title": title, "lines": lines}

    left = [
        section(_("Visits and patrons"), reports.VISIT_FIGURES),
        section(_("Visits held by way of guidance"), reports.way_figures()),
    ]
    right = [section(_("Visits held by outcome"), reports.outcome_figures())]
    if not report.per_guide:
        right.append(section(_("Feedback: averages from 1 to 5"), reports.feedback_figures()))
    return [left, right]


@staff_member_required
@permission_required("bookings.view_statistics", raise_exception=True)
def statistics_csv(request: HttpRequest) -> HttpResponse:
    form = _statistics_form(request)
    if not form.is_valid():
        # The page shows what to correct; a spreadsheet of errors would help nobody.
        return redirect(_same_choice(request, "staff:statistics_page"))
    figures = statistics.figures_for(**form.selection())
    report = reports.report_for(**form.selection(), now=timezone.now())
    period = figures.period
    filename = f"digiopas-statistics-{period.first_on:%Y-%m-%d}-{period.last_on:%Y-%m-%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte-order mark and semicolons: what Excel expects in Finnish and Swedish.
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Figure"), _("Item"), _("Value"), _("The same period a year earlier")])
    # The national library statistics' figures first, then the libraries side by side, then
    # the detailed figures (which have no year-earlier column).
    writer.writerows(reports.report_as_rows(report))
    detailed = statistics.figures_as_rows(figures)
    next(detailed)  # its own header
    writer.writerows([*row, ""] for row in detailed)
    return response
