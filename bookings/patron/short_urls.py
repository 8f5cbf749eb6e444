"""The short private link text messages carry, outside the language prefixes: /v/<token>/."""

from django.urls import path

from bookings.patron import views

app_name = "short"

urlpatterns = [
    path("v/<str:token>/", views.short_private_link, name="private_link"),
]
