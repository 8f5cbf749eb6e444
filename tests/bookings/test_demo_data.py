import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from bookings.models import (
    Booking,
    Closure,
    DeviceType,
    Guide,
    Instruction,
    Library,
    Slot,
    Topic,
    WeeklySchedule,
)

pytestmark = pytest.mark.django_db


def counts() -> dict:
    models = [
        Library,
        Guide,
        WeeklySchedule,
        Closure,
        DeviceType,
        Topic,
        Slot,
        Booking,
        Instruction,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_seed_demo_creates_two_libraries_with_liminka_and_can_run_again():
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")

    assert counts() == first
    assert Library.objects.filter(name_fi="Limingan kirjasto", name_sv="Limingo bibliotek").exists()
    assert first["Library"] == 2 and first["Guide"] >= 2 and first["Closure"] >= 1
    assert first["Slot"] > 0 and first["Booking"] >= 1
    assert first["DeviceType"] == 4 and first["Topic"] >= 8
    published = Instruction.objects.published()
    assert published.filter(language="fi").count() >= 2
    assert published.filter(language="sv", topic__name_fi="Suomi.fi").count() >= 1


def test_seed_demo_publishes_the_principles_and_the_information_pages(client):
    call_command("seed_demo")

    assert client.get("/en/principles/").status_code == 200
    assert "Ystävällisyys" in client.get("/principles/").content.decode()
    for path in ("/privacy/", "/en/privacy/", "/sv/privacy/"):
        assert client.get(path).status_code == 200, path


def test_ensure_admin_creates_a_superuser_with_the_given_password(monkeypatch, capsys):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-local-password")

    call_command("ensure_admin")

    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("a-long-local-password")
    assert "a-long-local-password" in capsys.readouterr().out
