from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("", views.home, name="home"),
    path("libraries/", views.choose_library, name="choose_library"),
    path("libraries/<slug:slug>/", views.free_times, name="free_times"),
    path("libraries/<slug:slug>/book/<int:slot_id>/", views.book, name="book"),
    path("booking/<str:token>/", views.booking_detail, name="booking_detail"),
]
