"""Staff sign-in: lockout after repeated failures, 30 minutes idle, two-factor in production."""

import datetime as dt
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from digiopas.middleware import SESSION_REFRESHED_AT

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def staff(library):
    user = get_user_model().objects.create_user(username="desk", password=PASSWORD, is_staff=True)
    library.staff.add(user)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_booking", "view_booking"])
    )
    return user


def attempt(
    client,
    *,
    password="wrong",
    username="desk",
    address="192.0.2.10",
    code="",
    next_url=None,
    login_url=None,
    **meta,
):
    data = {"username": username, "password": password, "next": next_url or reverse("admin:index")}
    if code:
        data["otp_token"] = code
    return client.post(login_url or reverse("admin:login"), data, REMOTE_ADDR=address, **meta)


def test_five_wrong_passwords_lock_the_username_from_that_address(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client).status_code == 200  # the form again, with its error

    locked = attempt(client)
    even_the_right_password = attempt(client, password=PASSWORD)

    assert locked.status_code == 429
    assert "Sign-in paused for a while" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    assert even_the_right_password.status_code == 429


def test_the_lockout_is_per_username_and_address_together(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client)

    from_elsewhere = attempt(client, password=PASSWORD, address="198.51.100.7")
    assert from_elsewhere.status_code == 302  # signed in: a typo storm elsewhere locks no one out
    client.logout()
    other_user = attempt(client, username="someone-else")
    assert other_user.status_code == 200  # a wrong password, but no lockout


def test_behind_a_load_balancer_the_forwarded_address_counts(client, staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    balancer = "10.0.0.2"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, address=balancer, HTTP_X_FORWARDED_FOR="203.0.113.9")

    same_person = attempt(
        client, password=PASSWORD, address=balancer, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    someone_else = attempt(
        client, password=PASSWORD, address=balancer, HTTP_X_FORWARDED_FOR="203.0.113.50"
    )

    assert same_person.status_code == 429
    assert someone_else.status_code == 302


def test_staff_sessions_end_after_30_minutes_idle(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_REFRESH_SECONDS <= 60


def test_a_request_starts_the_idle_time_again(client, staff):
    client.force_login(staff)
    session = client.session
    session[SESSION_REFRESHED_AT] = int(time.time()) - 120  # last refreshed two minutes ago
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=28)
    )

    client.get(reverse("staff:desk_day"))

    expires = Session.objects.get(session_key=session.session_key).expire_date
    assert expires > timezone.now() + dt.timedelta(minutes=29)


def test_an_idle_session_is_signed_out(client, staff):
    client.force_login(staff)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )

    response = client.get(reverse("staff:desk_day"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_password_alone_is_enough_in_the_local_run(client, staff, settings):
    settings.STAFF_OTP_REQUIRED = False

    assert attempt(client, password=PASSWORD).status_code == 302
    assert client.get(reverse("staff:desk_day")).status_code == 200


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/admin/", "//evil.example/", "javascript:alert(1)"]
)
def test_an_unsafe_next_after_sign_in_lands_on_the_admin(client, staff, settings, unsafe):
    settings.STAFF_OTP_REQUIRED = False

    response = attempt(client, password=PASSWORD, next_url=unsafe)

    # Django's fallback would be /accounts/profile/, a page this site does not have.
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200


def test_an_unsafe_next_lands_on_the_admin_in_the_language_signed_in_with(client, staff, settings):
    settings.STAFF_OTP_REQUIRED = True
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)

    response = attempt(
        client,
        password=PASSWORD,
        code=f"{totp(device.bin_key):06d}",
        next_url="https://evil.example/",
        login_url="/sv/admin/login/",
    )

    assert response.status_code == 302 and response["Location"] == "/sv/admin/"


def test_production_mode_asks_for_the_authenticator_code(client, staff, settings):
    settings.STAFF_OTP_REQUIRED = True
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)

    form = client.get(reverse("admin:login"))
    without_code = attempt(client, password=PASSWORD)
    wrong_code = attempt(client, password=PASSWORD, code="000000")
    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp slows down guessing; this test is not that
    device.throttling_failure_timestamp = None
    device.save()
    with_code = attempt(client, password=PASSWORD, code=f"{totp(device.bin_key):06d}")

    assert "Code from your authenticator app" in form.content.decode()
    assert without_code.status_code == wrong_code.status_code == 200
    assert with_code.status_code == 302
    assert client.get(reverse("staff:desk_day")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def errors_shown(response) -> list[str]:
    """The error notes and field errors a person reads on the sign-in page."""
    page = response.content.decode()
    notes = re.findall(r'class="errornote">\s*(.*?)\s*</p>', page, re.DOTALL)
    fields = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.DOTALL)
    return notes + fields


def test_production_mode_gives_one_answer_until_password_and_code_are_both_right(
    client, staff, settings
):
    settings.STAFF_OTP_REQUIRED = True
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)

    answers = {
        "wrong password, no code": attempt(client),
        "wrong password, a code": attempt(client, code="123456"),
        "right password, no code": attempt(client, password=PASSWORD),
        "right password, wrong code": attempt(client, password=PASSWORD, code="000000"),
        "no such user": attempt(client, username="nobody", password=PASSWORD, code="123456"),
    }

    one_answer = [
        "The username, password or code is not right. Please check them and try again "
        "with the code your authenticator app shows now."
    ]
    for attempted, response in answers.items():
        assert response.status_code == 200, attempted
        assert errors_shown(response) == one_answer, attempted


def test_a_right_password_with_wrong_codes_counts_towards_the_pause(client, staff, settings):
    settings.STAFF_OTP_REQUIRED = True
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, code="000000")  # wrong passwords

    right_password_wrong_code = attempt(client, password=PASSWORD, code="000000")
    next_try = attempt(client, password=PASSWORD, code="000000")

    # Paused like the wrong password would be: the pause tells no more than the answer did.
    assert right_password_wrong_code.status_code == 429
    assert next_try.status_code == 429


def test_production_mode_sends_a_password_only_session_to_sign_in_again(client, staff, settings):
    settings.STAFF_OTP_REQUIRED = True
    client.force_login(staff)  # signed in, but not with a code

    staff_page = client.get(reverse("staff:desk_day"))
    admin_page = client.get(reverse("admin:index"))

    assert staff_page.status_code == 302
    assert staff_page["Location"].startswith(reverse("admin:login"))
    assert admin_page.status_code == 302
    assert admin_page["Location"].startswith(reverse("admin:login"))


def test_staff_totp_sets_up_an_authenticator_app(staff, capsys):
    call_command("staff_totp", "desk")

    out = capsys.readouterr().out
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed
    assert "otpauth://totp/Digiopas%3Adesk?secret=" in out
    assert "█" in out or "▀" in out  # the QR code, drawn in the terminal


def test_staff_totp_replaces_a_lost_app_only_when_asked(staff):
    call_command("staff_totp", "desk", "--no-qr")
    first = TOTPDevice.objects.get(user=staff)

    with pytest.raises(Exception, match="already has an authenticator app"):
        call_command("staff_totp", "desk", "--no-qr")
    call_command("staff_totp", "desk", "--no-qr", "--replace")

    assert TOTPDevice.objects.get(user=staff).key != first.key
