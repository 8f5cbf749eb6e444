"""Error pages that say what happened and what to do next, in the patron's language.

400, 403 and 404 extend base.html and render with the request. 500 and 503 are rendered
without the request and without context processors, so they work while the database does not.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# What the database driver raises when the database cannot be reached (down, restarting,
# out of connections, network gone): an outage to wait out, not a bug.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

# Seconds after which a client may try again once the database is back.
RETRY_AFTER_SECONDS = 60


def service_unavailable() -> HttpResponse:
    """The static 503 page: no request, no context processors, no queries."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: Django's own one renders without the request (no language switcher)."""
    return render(request, "400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: usually a form left open too long or cookies turned off."""
    return render(request, "403.html", {"form_expired": True}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database that cannot be reached answers 503, anything else 500.

    Django calls this while handling the exception, so sys.exception() is the one raised.
    It also covers errors outside views (middleware), where DatabaseUnavailableMiddleware
    cannot see them.
    """
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        return service_unavailable()
    return HttpResponse(render_to_string("500.html"), status=500)
