"""A guide's calendar feed (bookings/calendar_feed.py), read by a calendar app with the token in
its address. The guide makes, replaces or revokes it on their settings page
(guide_settings_views.py), a coordinator revokes it in the admin."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from bookings import abuse, calendar_feed, privacy
from bookings.models import AccessLogEntry
from digiopas.middleware import never_framed


@never_framed
@abuse.limit_private_links
@require_safe
def guide_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The feed: a revoked, replaced or unknown token is a plain 404 (rate-limited as any
    private link), never a 403 that would tell the address once worked."""
    now = timezone.now()
    guide = calendar_feed.guide_for_token(token)
    if guide is None:
        raise Http404
    bookings = calendar_feed.feed_bookings(guide, now=now)
    privacy.access_record(user=guide.user, place=AccessLogEntry.Place.CALENDAR_FEED, now=now)
    body = calendar_feed.guide_feed_ics(guide, bookings, now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    add_never_cache_headers(response)
    return response
