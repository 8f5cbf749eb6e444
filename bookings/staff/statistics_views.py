"""Staff pages for statistics: the figures for a period, and the same figures as CSV."""

import csv

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from bookings.access import visible_libraries
from bookings.staff import statistics
from bookings.staff.charts import week_bar_chart
from bookings.staff.statistics_forms import StatisticsForm


def _statistics_form(request: HttpRequest) -> StatisticsForm:
    """The choice of period and library, limited to the libraries the user may see."""
    data = request.GET or StatisticsForm.default_data(timezone.localdate())
    return StatisticsForm(data, libraries=visible_libraries(request.user))


@staff_member_required
@permission_required("bookings.view_statistics", raise_exception=True)
def statistics_page(request: HttpRequest) -> HttpResponse:
    form = _statistics_form(request)
    figures = statistics.figures_for(**form.selection()) if form.is_valid() else None
    context = {
        "form": form,
        "figures": figures,
        "chart": week_bar_chart(figures.by_week) if figures else None,
        "csv_url": f"{reverse('staff:statistics_csv')}?{request.GET.urlencode()}",
    }
    return render(request, "staff/statistics.html", context)


@staff_member_required
@permission_required("bookings.view_statistics", raise_exception=True)
def statistics_csv(request: HttpRequest) -> HttpResponse:
    form = _statistics_form(request)
    if not form.is_valid():
        # The page shows what to correct; a spreadsheet of errors would help nobody.
        return redirect(f"{reverse('staff:statistics_page')}?{request.GET.urlencode()}")
    figures = statistics.figures_for(**form.selection())
    period = figures.period
    filename = f"digiopas-statistics-{period.first_on:%Y-%m-%d}-{period.last_on:%Y-%m-%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte-order mark and semicolons: what Excel expects in Finnish and Swedish.
    response.write("\ufeff")
    csv.writer(response, delimiter=";").writerows(statistics.figures_as_rows(figures))
    return response
