from django.urls import path

from . import staff_views

app_name = "staff"

urlpatterns = [
    path("statistics/", staff_views.statistics_page, name="statistics_page"),
    path("statistics/export.csv", staff_views.statistics_csv, name="statistics_csv"),
]
