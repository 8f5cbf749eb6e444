from django.urls import path

from bookings import converters  # noqa: F401  (registers <id:…>)
from bookings.patron import feedback_views, views, waiting_list_views

app_name = "bookings"

urlpatterns = [
    path("", views.home, name="home"),
    path("libraries/", views.choose_library, name="choose_library"),
    path("libraries/<slug:slug>/", views.free_times, name="free_times"),
    path("libraries/<slug:slug>/embed/", views.embed, name="embed"),
    path("libraries/<slug:slug>/book/<id:slot_id>/", views.book, name="book"),
    path("libraries/<slug:slug>/waiting-list/", waiting_list_views.join, name="waiting_list_join"),
    path("waiting/<str:token>/", waiting_list_views.entry, name="waiting_entry"),
    path("waiting/<str:token>/answer/", waiting_list_views.answer, name="waiting_answer"),
    path("waiting/<str:token>/leave/", waiting_list_views.leave, name="waiting_leave"),
    path("feedback/thanks/", feedback_views.feedback_thanks, name="feedback_thanks"),
    # Short, as the text message that carries it must be: /f/ and a 22-character token.
    path("f/<str:token>/", feedback_views.feedback_form, name="feedback"),
    path("booking/<str:token>/", views.booking_detail, name="booking_detail"),
    path("booking/<str:token>/memo/", views.booking_memo, name="booking_memo"),
    path("booking/<str:token>/calendar.ics", views.booking_calendar, name="booking_calendar"),
    path("booking/<str:token>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("booking/<str:token>/erase/", views.booking_erase, name="booking_erase"),
    path("booking/<str:token>/length/", views.booking_resize, name="booking_resize"),
    path("booking/<str:token>/change/", views.booking_change, name="booking_change"),
    path(
        "booking/<str:token>/change/<id:slot_id>/",
        views.booking_change_to,
        name="booking_change_to",
    ),
]
