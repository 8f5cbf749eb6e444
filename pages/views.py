"""Staff-edited pages (the accessibility statement, the privacy notice) in the visitor's language.

They are django.contrib.flatpages: one flat page per language, stored under the very address it
is read at (`/privacy/`, `/sv/privacy/`, `/en/privacy/`), so staff edit each language as its own
page in the admin and "View on site" opens the right one.
"""

from django.contrib.flatpages.views import flatpage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static


def page(request: HttpRequest) -> HttpResponse:
    return flatpage(request, request.path_info)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for /favicon.ico whatever the page links to."""
    return redirect(static("img/favicon.svg"))
