from django.urls import path

from bookings import converters  # noqa: F401  (registers <id:…>)
from bookings.staff import (
    closure_views,
    desk_views,
    guide_settings_views,
    memo_views,
    schedule_views,
    statistics_views,
)

app_name = "staff"

urlpatterns = [
    path("me/", guide_settings_views.my_settings, name="my_settings"),
    path("me/calendar/", guide_settings_views.my_calendar_feed, name="my_calendar_feed"),
    path("book/", desk_views.desk_day, name="desk_day"),
    path("book/<id:slot_id>/", desk_views.desk_book, name="desk_book"),
    path("book/find/", desk_views.desk_find, name="desk_find"),
    path("bookings/<id:booking_id>/slip/", desk_views.desk_slip, name="desk_slip"),
    path("bookings/<id:booking_id>/move/", desk_views.desk_move, name="desk_move"),
    path(
        "bookings/<id:booking_id>/move/<id:slot_id>/",
        desk_views.desk_move_to,
        name="desk_move_to",
    ),
    path("bookings/<id:booking_id>/memo/", memo_views.booking_memo, name="booking_memo"),
    path(
        "bookings/<id:booking_id>/memo/send/",
        memo_views.booking_memo_send,
        name="booking_memo_send",
    ),
    path("bookings/<id:booking_id>/cancel/", desk_views.desk_cancel, name="desk_cancel"),
    path("absence/", closure_views.guide_absent, name="guide_absent"),
    path(
        "bookings/<id:booking_id>/waiting-list/",
        desk_views.desk_waiting_list,
        name="desk_waiting_list",
    ),
    path(
        "closures/<id:closure_id>/bookings/",
        closure_views.closure_affected,
        name="closure_affected",
    ),
    path("day/", schedule_views.daily_schedule, name="daily_schedule"),
    path("day/<slug:library_slug>/", schedule_views.library_day, name="library_day"),
    path(
        "bookings/<id:booking_id>/attendance/",
        schedule_views.record_attendance,
        name="record_attendance",
    ),
    path("week/<slug:library_slug>/<id:guide_id>/", schedule_views.guide_week, name="guide_week"),
    path("statistics/", statistics_views.statistics_page, name="statistics_page"),
    path("statistics/export.csv", statistics_views.statistics_csv, name="statistics_csv"),
    path("statistics/report/", statistics_views.statistics_report, name="statistics_report"),
]
