"""Keeping bots and floods out of the public forms without shutting people out.

Rate limits are counted in the shared cache (Redis in production), per client address and per
patron contact, so they hold across all app servers. Over a limit the patron is asked to call
the library instead, and nothing is saved.
"""

from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


def client_ip(request: HttpRequest) -> str:
    """The client's address: from X-Forwarded-For only as far as our own proxies vouch for it."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def over_limit(request: HttpRequest, group: str, *, contacts: tuple[str, ...] = ()) -> bool:
    """Count this attempt against `group`'s limits; True when any of them is exceeded."""
    rates = settings.RATE_LIMITS[group]
    keys = [("ip", client_ip(request))]
    keys += [("contact", contact.lower()) for contact in contacts if contact]
    exceeded = False
    for kind, value in keys:
        if kind not in rates:
            continue
        # Every key is counted (increment=True) so a flood from one address uses up its quota
        # even when it varies the contact, and the other way round.
        exceeded |= is_ratelimited(
            request,
            group=f"{group}:{kind}",
            key=lambda _group, _request, value=value: value,
            rate=rates[kind],
            increment=True,
        )
    return exceeded


def too_many_requests(request: HttpRequest, library=None) -> HttpResponse:
    """The 429 page: friendly, and it points to the phone."""
    return render(request, "429.html", {"library": library}, status=429)


def limit_private_links(view):
    """Slow down anyone guessing private links: each address may miss a generous number of
    times an hour, then its misses are answered with the 429 page instead of the 404.

    Only misses count, and a right link always opens: a library's computers and a mobile
    network put many patrons behind one address, and one guesser there must not lock the
    others out of their own bookings.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Http404:
            if over_limit(request, "private_link"):
                return too_many_requests(request)
            raise

    return wrapper
