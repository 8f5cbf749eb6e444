"""Content-Security-Policy everywhere; no caching of personal data; staff pages never framed."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from bookings.patron.views import booking_url
from tests.factories import make_booking, make_slot

pytestmark = pytest.mark.django_db

CSP_HEADER = "Content-Security-Policy"


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("chief", password="a-long-password-1")


@pytest.fixture
def desk_staff(library):
    user = get_user_model().objects.create_user(username="desk", is_staff=True)
    library.staff.add(user)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_booking", "view_booking"])
    )
    return user


def policy(response) -> dict[str, str]:
    header = response[CSP_HEADER]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_a_public_page_gets_the_policy_and_may_be_framed_by_the_library(client, library):
    response = client.get(reverse("bookings:free_times", args=[library.slug]))

    rules = policy(response)
    assert rules["default-src"] == "'self'"
    assert rules["object-src"] == "'none'"
    assert rules["base-uri"] == "'none'"
    assert rules["frame-ancestors"] == "'self'"
    assert "unsafe-inline" not in response[CSP_HEADER]
    # frame-ancestors decides who may frame it; X-Frame-Options would forbid it outright.
    assert "X-Frame-Options" not in response
    assert "no-store" not in response.get("Cache-Control", "")


def test_frame_ancestors_come_from_the_setting(client, library, settings):
    settings.FRAME_ANCESTORS = ["'self'", "https://www.kirjasto.example"]
    settings.SECURE_CSP = {**settings.SECURE_CSP, "frame-ancestors": settings.FRAME_ANCESTORS}

    response = client.get(reverse("bookings:home"))

    assert policy(response)["frame-ancestors"] == "'self' https://www.kirjasto.example"


def test_the_admin_login_gets_the_policy_and_is_never_framed_or_cached(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 200
    rules = policy(response)
    assert rules["default-src"] == "'self'"
    assert rules["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response[CSP_HEADER]
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


def test_a_staff_page_gets_the_policy_and_is_never_framed_or_cached(client, desk_staff):
    client.force_login(desk_staff)

    response = client.get(reverse("staff:desk_day"))

    assert response.status_code == 200
    rules = policy(response)
    assert rules["default-src"] == "'self'"
    assert rules["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


def test_the_patrons_own_pages_are_never_cached(client):
    booking = make_booking(slot=make_slot())
    detail = booking_url(booking)

    for url in (
        detail,
        reverse("bookings:booking_calendar", args=[booking.token]),
        reverse("bookings:booking_cancel", args=[booking.token]),
        reverse("bookings:booking_change", args=[booking.token]),
        "/booking/not-a-real-token/",
    ):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert CSP_HEADER in response, url


def test_the_booking_form_with_its_secret_is_never_cached(client, library, guide):
    slot = make_slot(guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(days=3))
    url = reverse("bookings:book", args=[library.slug, slot.pk])

    form = client.get(url)
    sent_back = client.post(url, {"patron_name": "Aino", "phone": "040 123 4567"})  # no consent

    for response in (form, sent_back):
        assert response.status_code == 200
        assert 'name="submission"' in response.text  # the secret behind the private link
        assert "no-store" in response["Cache-Control"]


def test_the_admin_pages_are_never_cached(client, superuser):
    booking = make_booking(slot=make_slot())
    client.force_login(superuser)

    for url in (
        reverse("admin:index"),
        reverse("admin:bookings_booking_changelist"),
        reverse("admin:bookings_booking_change", args=[booking.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert policy(response)["frame-ancestors"] == "'none'", url


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=\"", re.I)


def test_no_page_we_serve_needs_inline_script_or_style(client, superuser, library):
    """What the policy forbids, the pages must not use: checked on the pages people open."""
    slot = make_slot(library=library)
    booking = make_booking(slot=make_slot(library=library, starts_at=slot.ends_at))
    public = [
        reverse("bookings:home"),
        reverse("bookings:free_times", args=[library.slug]),
        reverse("bookings:embed", args=[library.slug]),
        reverse("bookings:book", args=[library.slug, slot.pk]),
        booking_url(booking),
        reverse("bookings:booking_change", args=[booking.token]),
        reverse("principles:page"),
        "/no-such-page/",
        reverse("admin:login"),
    ]
    staff = [
        reverse("admin:index"),
        reverse("admin:bookings_booking_changelist"),
        reverse("admin:bookings_booking_change", args=[booking.pk]),
        reverse("admin:bookings_slot_changelist"),
        reverse("admin:bookings_library_change", args=[library.pk]),
        reverse("admin:auth_user_changelist"),
        reverse("staff:desk_day"),
        reverse("staff:library_day", args=[library.slug]),
        reverse("staff:statistics_page"),
        reverse("staff:my_settings"),
    ]
    pages = [(url, client.get(url)) for url in public]
    client.force_login(superuser)
    pages += [(url, client.get(url)) for url in staff]

    for url, response in pages:
        html = response.content.decode()
        assert response.status_code in (200, 404), url
        assert not INLINE_SCRIPT.findall(html), url
        assert not INLINE_STYLE.findall(html), url
