from django.urls import path

from bookings import converters  # noqa: F401  (registers <id:…>)

from . import views

app_name = "principles"

urlpatterns = [
    path("", views.page, name="page"),
    path("poster/", views.poster, name="poster"),
    path("draft/", views.draft_preview, name="draft_preview"),
    path("draft/poster/", views.draft_poster_preview, name="draft_poster_preview"),
    path("versions/<id:number>/", views.version_preview, name="version_preview"),
]
