"""Our form templates (digiopas/jinja2/forms/): what a screen reader and Bootstrap need."""

import re

import pytest
from django.urls import reverse

from bookings.availability import GuidanceWeek
from bookings.models import PartOfDay
from bookings.patron.forms import BookingForm, WaitingListForm
from tests.factories import make_device, make_topic

EVERY_DAY_AND_HOUR = GuidanceWeek(
    weekdays=list(range(7)), parts_of_day=[PartOfDay.MORNING, PartOfDay.AFTERNOON]
)


@pytest.fixture
def choices(db):
    make_device(name="Tablet")
    make_topic(name="E-mail")


def test_an_empty_booking_form_has_labels_fieldsets_and_bootstrap_classes(choices):
    html = str(BookingForm(lengths=[15, 30]))

    assert '<label class="form-label fw-semibold" for="id_patron_name">Your name' in html
    assert 'class="form-control" id="id_patron_name"' in html
    # Each choice group is a fieldset named by its legend, one labelled input per choice.
    assert html.count("<fieldset") == 3
    assert '<legend class="form-label fs-6 fw-semibold">How long do you need?' in html
    assert re.search(
        r'<input type="radio" name="minutes" value="15" id="id_minutes_0" '
        r'class="form-check-input" checked required>',
        html,
    )
    assert '<label class="form-check-label" for="id_minutes_1">30 minutes</label>' in html
    assert '<label class="form-check-label" for="id_topics_0">E-mail</label>' in html
    # Help text is tied to its input.
    assert 'aria-describedby="id_phone_helptext"' in html
    assert "aria-invalid" not in html and "is-invalid" not in html
    # The bot trap is out of sight and out of the accessibility tree; the start time hidden.
    assert '<div class="visually-hidden" aria-hidden="true"><label for="id_website">' in html
    assert '<input type="hidden" name="started"' in html


def test_errors_are_shown_by_each_field_and_tied_to_it(choices):
    form = WaitingListForm(
        {"patron_name": "", "weekdays": ["9"], "consent": ""}, week=EVERY_DAY_AND_HOUR
    )
    assert not form.is_valid()
    html = str(form)

    name = re.search(r'<input [^>]*name="patron_name"[^>]*>', html)[0]
    assert 'aria-invalid="true"' in name and "is-invalid" in name
    assert 'aria-describedby="id_patron_name_error"' in name
    assert '<div class="invalid-feedback d-block mb-1" id="id_patron_name_error">' in html
    # A group's error is named by its fieldset; every choice in it is marked invalid.
    assert '<fieldset class="mb-3" aria-describedby="id_weekdays_error">' in html
    weekdays = re.findall(r'<input type="checkbox" name="weekdays"[^>]*>', html)
    assert len(weekdays) == 7 and all('aria-invalid="true"' in one for one in weekdays)
    consent = re.search(r'<input [^>]*name="consent"[^>]*>', html)[0]
    assert 'aria-describedby="id_consent_error"' in consent


def test_the_admin_keeps_djangos_own_widget_templates(admin_client):
    response = admin_client.get(reverse("admin:bookings_waitinglistentry_add"))

    assert response.status_code == 200
    # The admin's related-object widget, rendered by Django's template renderer.
    assert b"related-widget-wrapper" in response.content
