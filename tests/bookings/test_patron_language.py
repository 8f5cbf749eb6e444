"""A Swedish- or English-speaking patron meets no Finnish: the pages, messages and calendar
files of their bookings, on the demo data, looked through for the demo data's Finnish words."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from bookings import notifications, services
from bookings.management.commands import seed_demo
from bookings.models import Booking, Closure, DeviceType, Library, Topic
from tests.factories import form_started

pytestmark = pytest.mark.django_db

# The address is the street's own name in every language; the guides' names are names.
NOT_FINNISH_ONLY = {"kirjastokuja", "kirjastotie", "liminka", "lumijoki", "kotka", "suomi"}
# Finnish words of the site's own wording that a Swedish page would show if a string were
# left untranslated or written into a template.
FINNISH_WORDING = {"klo", "varaus", "varauksesi", "opastaja", "tervetuloa", "peru", "kirjasto"}


def words(text: str) -> set[str]:
    return {word.lower() for word in re.findall(r"[^\W\d_]{3,}", text)}


def finnish_words(language: str = "sv") -> set[str]:
    """Every word of the demo data's Finnish texts that its texts in `language` do not use."""
    rows = [
        *seed_demo.DEVICES,
        *seed_demo.TOPICS,
        *seed_demo.LIBRARIES,
        seed_demo.CLOSURE_REASON,
    ]
    finnish = set().union(*(words(v) for row in rows for k, v in row.items() if k.endswith("_fi")))
    other = set().union(
        *(words(v) for row in rows for k, v in row.items() if k.endswith(f"_{language}"))
    )
    return (finnish - other - NOT_FINNISH_ONLY) | FINNISH_WORDING


def test_the_finnish_word_list_is_the_demo_datas(db):
    found = finnish_words("sv")

    assert {"älypuhelin", "limingan", "ryhmätila", "joululoma", "pankkitunnukset"} <= found
    assert "suomi" not in found and "bibliotek" not in found


# What the patron reads instead: the library, the device, the room, in their language.
EXPECTED = {
    "sv": ("Limingo bibliotek", "Smarttelefon", "Grupprummet Kotka", "Vattenskada"),
    "en": ("Liminka Library", "Smartphone", "Group room Kotka", "Water damage"),
}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_swedish_or_english_booking_meets_no_finnish(
    language, client, now, send_now, smsoutbox, mailoutbox, django_capture_on_commit_callbacks
):
    call_command("seed_demo", stdout=io.StringIO())
    liminka = Library.objects.get(slug="liminka")
    pages = {}

    pages["landing"] = client.get(f"/{language}/").content.decode()
    pages["free times"] = client.get(f"/{language}/libraries/{liminka.slug}/").content.decode()
    form_urls = re.findall(
        rf'href="(/{language}/libraries/liminka/book/\d+/)"', pages["free times"]
    )
    topic = Topic.objects.get(name_fi=seed_demo.TOPICS[0]["name_fi"])
    device = DeviceType.objects.get(name_fi="Älypuhelin")
    # One patron gets e-mails, another text messages: each with its own private link.
    contacts = {
        "Astrid Andersson": {"email": "astrid@example.com"},
        "Bertil Berg": {"phone": "040 123 4567"},
    }
    bookings = []
    for (name, contact), form_url in zip(
        contacts.items(), sorted(set(form_urls))[-2:], strict=True
    ):
        pages[f"form, {name}"] = client.get(form_url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(
                form_url,
                {
                    "minutes": "15",
                    "patron_name": name,
                    **contact,
                    "device": str(device.pk),
                    "topics": [str(topic.pk)],
                    "consent": "on",
                    "started": form_started(),
                },
            )
        pages[f"confirmation, {name}"] = answer.content.decode()
        bookings.append(Booking.objects.get(patron_name=name))
    assert [booking.language for booking in bookings] == [language, language]
    assert len(mailoutbox) == 1 and len(smsoutbox) == 1
    links = [
        re.search(r"https?://[^/\s]+(/\S*/)", text)[1]
        for text in (mailoutbox[0].body, smsoutbox[0].body)
    ]
    # A text message carries the short link, which leads to the private page.
    links = [client.get(link, follow=True).request["PATH_INFO"] for link in links]
    for name, private in zip(contacts, links, strict=True):
        pages[f"private page, {name}"] = client.get(private).content.decode()
        pages[f"calendar file, {name}"] = client.get(f"{private}calendar.ics").content.decode()

    # The reminders, the day before; then the library closes those days and cancels the times.
    for booking in bookings:
        send_now(notifications.reminders_send, now=booking.starts_at - dt.timedelta(hours=20))
    days = sorted(timezone.localdate(booking.starts_at) for booking in bookings)
    closure = Closure.objects.create(
        library=liminka,
        starts_on=days[0],
        ends_on=days[-1],
        reason_fi="Vesivahinko",
        reason_sv="Vattenskada",
        reason_en="Water damage",
    )
    send_now(
        services.closure_cancel_bookings,
        closure=closure,
        booking_ids=[booking.pk for booking in bookings],
        now=now,
    )
    for name, private in zip(contacts, links, strict=True):
        pages[f"private page, cancelled, {name}"] = client.get(private).content.decode()

    messages = {f"text message {n}": sms.body for n, sms in enumerate(smsoutbox)}
    for n, mail in enumerate(mailoutbox):
        messages[f"e-mail {n}: {mail.subject}"] = "\n".join(
            [mail.subject, mail.body, *(str(part[0]) for part in mail.alternatives)]
        )
        messages |= {f"e-mail {n}, {name}": str(content) for name, content, _ in mail.attachments}
    for booking in bookings:
        kinds = {notification.kind for notification in booking.notifications.all()}
        assert {"confirmation", "reminder", "cancellation"} <= kinds
    assert len(smsoutbox) == 3 and len(mailoutbox) == 3

    finnish = finnish_words(language)
    found = {name: words(text) & finnish for name, text in {**pages, **messages}.items()}
    assert {name: words for name, words in found.items() if words} == {}
    # And the patron's own language is there instead.
    library, device, room, _reason = EXPECTED[language]
    assert library in pages["private page, Astrid Andersson"]
    assert device in pages["private page, Bertil Berg"]
    assert room in pages["calendar file, Astrid Andersson"].replace("\r\n ", "")
    assert library in messages["text message 0"]
