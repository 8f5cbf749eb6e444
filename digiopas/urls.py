from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from bookings.api.views import api as api_v1
from bookings.api.views import not_found as api_not_found
from digiopas.health import healthz
from pages.views import favicon

admin.site.site_header = _("Digiopas for staff")
admin.site.site_title = _("Digiopas")

urlpatterns = [
    path("favicon.ico", favicon),
    path("healthz", healthz),
    # The public JSON API, versioned in its address; one address in every language.
    path("api/v1/", api_v1.urls),
    re_path(r"^api/", api_not_found),
    # Text messages' short private links: one address in every language, which leads on to
    # the page in the patron's own.
    path("", include("bookings.patron.short_urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("principles/", include("principles.urls")),
    path("staff/", include("bookings.staff.urls")),
    path("", include("bookings.staff.feed_urls")),
    path("", include("pages.urls")),
    path("", include("bookings.patron.urls")),
    prefix_default_language=False,
)

# Friendly error pages; 403 and 404 use Django's handlers with templates/403.html and 404.html.
handler400 = "digiopas.error_pages.bad_request"
handler500 = "digiopas.error_pages.server_error"
