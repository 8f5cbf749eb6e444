"""Project-wide middleware: outages, private pages, idle sessions, staff two-factor sign-in."""

import logging
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.csp import CSP

from .error_pages import DATABASE_UNAVAILABLE, service_unavailable

logger = logging.getLogger(__name__)

# URL namespaces whose every page is for signed-in staff.
STAFF_NAMESPACES = {"admin", "staff"}


def staff_page(view):
    """Marks a view outside the staff namespaces (a principles draft) as a staff page: never
    cached or framed, and in production mode only for a sign-in verified with a code."""
    view.is_staff_page = True
    return view


def never_framed(view):
    """Marks a view outside the staff namespaces whose answer no site may frame or cache (a
    guide's calendar feed), while it stays open without signing in."""
    view.is_never_framed = True
    return view


def is_never_framed(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and getattr(match.func, "is_never_framed", False)


def is_staff_page(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and (
        match.namespace in STAFF_NAMESPACES or getattr(match.func, "is_staff_page", False)
    )


def is_private_link_page(request: HttpRequest) -> bool:
    """A patron's own booking or waiting-list page: everything reached with a private token."""
    match = request.resolver_match
    return match is not None and "token" in match.kwargs


class DatabaseUnavailableMiddleware:
    """With the database down, a view answers with the friendly 503 page, never a traceback."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        logger.error("Database unavailable, answered 503: %s", exception, exc_info=exception)
        return service_unavailable()


class PrivatePagesMiddleware:
    """Pages with personal data are never cached; staff pages are never framed.

    Staff and admin pages, and the views marked `never_framed`, get `Cache-Control: no-store`
    and `frame-ancestors 'none'` (with X-Frame-Options: DENY). A patron's private-link pages
    get no-store too. Public pages may be framed by the sites in FRAME_ANCESTORS (a library
    embedding its next free times, /libraries/<library>/embed/): for them the CSP
    frame-ancestors rule decides, not the all-or-nothing X-Frame-Options header.
    Must come after XFrameOptionsMiddleware and ContentSecurityPolicyMiddleware in MIDDLEWARE.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_staff_page(request) or is_never_framed(request):
            add_never_cache_headers(response)
            # The same attribute django.views.decorators.csp.csp_override sets on a response.
            response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": [CSP.NONE]}
            return response
        if is_private_link_page(request):
            add_never_cache_headers(response)
        if settings.FRAME_ANCESTORS != [CSP.NONE]:
            response.xframe_options_exempt = True
        return response


# When a signed-in session was last given a new expiry (seconds since the epoch).
SESSION_REFRESHED_AT = "digiopas_refreshed_at"


def session_refresh(session) -> None:
    """Start the session's idle time again: it is saved with a new expiry after this request."""
    session[SESSION_REFRESHED_AT] = int(time.time())


class SessionIdleTimeoutMiddleware:
    """A signed-in session ends after SESSION_COOKIE_AGE seconds without requests.

    Like SESSION_SAVE_EVERY_REQUEST, every request starts the idle time again, but the session
    is written at most once per SESSION_REFRESH_SECONDS instead of on every page a busy desk
    opens (sign-in sets the time: digiopas.apps). Must come after SessionMiddleware.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and SESSION_KEY in session:
            refreshed_at = session.get(SESSION_REFRESHED_AT, 0)
            if time.time() - refreshed_at >= settings.SESSION_REFRESH_SECONDS:
                session_refresh(session)
        return response


class StaffTwoFactorMiddleware:
    """When STAFF_OTP_REQUIRED, staff pages need a sign-in verified with an authenticator code.

    The admin checks this itself (digiopas.admin_site); this covers the staff/ pages and the
    views marked `staff_page`, which only ask for is_staff. Must come after django_otp's
    OTPMiddleware.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not settings.STAFF_OTP_REQUIRED:
            return None
        # Not the admin: it asks for the code itself, on its own sign-in page.
        if request.resolver_match.namespace != "staff" and not getattr(
            view_func, "is_staff_page", False
        ):
            return None
        user = request.user
        if user.is_authenticated and not user.is_verified():
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return None
