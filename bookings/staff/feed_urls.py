"""A guide's calendar feed: opened by their calendar app, without signing in, so outside the
staff pages (which ask for a sign-in), yet never framed or cached (digiopas/middleware.py)."""

from django.urls import path

from bookings.staff import calendar_feed_views

app_name = "feeds"

urlpatterns = [
    path("calendar/<str:token>.ics", calendar_feed_views.guide_calendar, name="guide_calendar"),
]
