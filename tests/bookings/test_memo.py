"""The guide's memo of a visit for the patron, and the shared instructions it carries."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from bookings import memos, privacy, sms
from bookings.models import Booking, Instruction, Memo, Notification
from bookings.services import booking_cancel, booking_record_attendance
from bookings.sms.alphabet import GSM7, measure
from tests.factories import (
    make_booking,
    make_guide,
    make_instruction,
    make_library,
    make_slot,
    make_staff,
    make_topic,
)

pytestmark = pytest.mark.django_db

STAFF_NOTE = "Asiakas unohti salasanansa, muistutetaan ensi kerralla"


def text(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


def memo_url(booking, name="staff:booking_memo") -> str:
    with translation.override("en"):
        return reverse(name, args=[booking.pk])


def private_url(booking, name="bookings:booking_detail", language="en") -> str:
    with translation.override(language):
        return reverse(name, args=[booking.token])


@pytest.fixture
def library(db):
    return make_library(name="Limingan kirjasto", phone="08 123 4567")


@pytest.fixture
def suomi_fi(db):
    return make_topic(name="Suomi.fi")


@pytest.fixture
def visit(library, suomi_fi, now):
    """Aino's visit this morning with Maria, marked attended, with a note for staff only."""
    guide = make_guide(libraries=[library], display_name="Maria")
    slot = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(hours=1))
    booking = make_booking(
        slot=slot, now=now - dt.timedelta(days=3), topics=[suomi_fi], language="fi"
    )
    return booking_record_attendance(
        booking=booking, status="attended", staff_notes=STAFF_NOTE, now=now
    )


@pytest.fixture
def guide_client(client, library):
    client.force_login(make_staff(library, permissions=["view_booking", "change_booking"]))
    return client


def write(client, booking, **data):
    fields = {"what_we_did": "Otimme Suomi.fi-sovelluksen käyttöön.", **data}
    return client.post(memo_url(booking), fields)


# Writing it


def test_a_guide_writes_a_memo_with_steps_links_and_a_shared_instruction(guide_client, visit):
    instruction = make_instruction()

    response = write(
        guide_client,
        visit,
        next_steps="Kokeile kirjautua itse.\n\n  Varaa uusi aika tarvittaessa.  ",
        links="https://www.kela.fi Kela\nhttps://www.omakanta.fi",
        instructions=[instruction.pk],
    )

    assert response.status_code == 302
    memo = Memo.objects.get(booking=visit)
    assert memo.next_step_lines == ["Kokeile kirjautua itse.", "Varaa uusi aika tarvittaessa."]
    assert memo.links == [
        {"url": "https://www.kela.fi", "text": "Kela"},
        {"url": "https://www.omakanta.fi", "text": "https://www.omakanta.fi"},
    ]
    assert list(memo.instructions.all()) == [instruction]
    page = text(guide_client.get(memo_url(visit)))
    assert "The memo is saved" in page and "Send to the patron" in page


def test_the_printed_day_links_each_booking_to_its_memo(guide_client, visit, library):
    day = visit.starts_at.date().isoformat()
    with translation.override("en"):
        url = reverse("staff:library_day", args=[library.slug]) + f"?day={day}"

    assert f'href="{memo_url(visit)}"' in guide_client.get(url).content.decode()


def test_staff_of_another_library_get_404(client, visit):
    client.force_login(make_staff(make_library(), permissions=["view_booking", "change_booking"]))

    assert client.get(memo_url(visit)).status_code == 404
    assert write(client, visit).status_code == 404
    assert client.post(memo_url(visit, "staff:booking_memo_send")).status_code == 404
    assert not Memo.objects.exists()


def test_staff_who_may_only_look_cannot_write(client, visit, library):
    client.force_login(make_staff(library, permissions=["view_booking"]))

    assert client.get(memo_url(visit)).status_code == 200
    assert write(client, visit).status_code == 403
    assert not Memo.objects.exists()


def test_a_cancelled_time_gets_no_memo(guide_client, library, now):
    booking = make_booking(slot=make_slot(library=library, starts_at=now + dt.timedelta(days=2)))
    booking_cancel(booking=booking, now=now)
    booking.refresh_from_db()

    assert "has no memo" in text(guide_client.get(memo_url(booking)))
    with pytest.raises(ValidationError):
        memos.memo_save(booking=booking, what_we_did="x", now=now)


# Shared instructions: drafts and publishing


def test_a_published_instruction_can_be_attached_and_a_draft_cannot(guide_client, visit, now):
    draft = make_instruction(title="Luonnos", publish=False)

    response = write(guide_client, visit, instructions=[draft.pk])

    assert response.status_code == 200
    assert "is not published" in text(response)
    assert not Memo.objects.exists()
    with pytest.raises(ValidationError, match="Only published"):
        memos.memo_save(booking=visit, what_we_did="x", instructions=[draft], now=now)


def test_an_edited_instruction_reaches_memos_only_when_published_again(client, visit, now):
    instruction = make_instruction()
    memos.memo_save(booking=visit, what_we_did="Teimme.", instructions=[instruction], now=now)

    instruction.steps = "Uusi ohje, ei vielä julkaistu."
    instruction.save()
    page = text(client.get(private_url(visit)))
    assert "Asenna Suomi.fi-sovellus." in page and "ei vielä julkaistu" not in page
    assert memos.instruction_has_unpublished_changes(instruction)

    memos.instruction_publish(instruction=instruction, user=None, now=now)
    page = text(client.get(private_url(visit)))
    assert "ei vielä julkaistu" in page and "Asenna Suomi.fi-sovellus." not in page
    assert not memos.instruction_has_unpublished_changes(instruction)


def test_the_bookings_topic_and_the_patrons_language_come_first(visit, suomi_fi):
    other_topic = make_instruction(title="A muu aihe", topic=make_topic(name="Posti"))
    swedish = make_instruction(title="B svenska", language="sv", topic=suomi_fi)
    fits = make_instruction(title="C sopiva", topic=suomi_fi)
    draft = make_instruction(title="D luonnos", topic=suomi_fi, publish=False)

    everything = list(memos.instructions_to_attach(booking=visit))
    swedish_only = list(memos.instructions_to_attach(booking=visit, language="sv"))
    kept = list(memos.instructions_to_attach(booking=visit, language="sv", also=[fits.pk]))

    assert everything == [fits, other_topic, swedish]
    assert draft not in everything
    assert swedish_only == [swedish]
    assert kept == [fits, swedish]


def test_the_filter_narrows_the_list_on_the_page(guide_client, visit, suomi_fi):
    make_instruction(title="Suomeksi")
    make_instruction(title="På svenska", language="sv")

    page = text(guide_client.get(memo_url(visit) + "?language=sv"))
    assert "På svenska" in page and "Suomeksi" not in page
    page = text(guide_client.get(memo_url(visit) + "?language=xx&topic=abc"))
    assert "Please choose a language from the list." in page


def test_publishing_needs_steps_and_valid_links(now):
    empty = make_instruction(publish=False, steps="  \n ")
    with pytest.raises(ValidationError, match="at least one step"):
        memos.instruction_publish(instruction=empty, user=None, now=now)


def test_the_admin_publishes_a_draft(admin_client, now):
    draft = make_instruction(publish=False)
    with translation.override("en"):
        url = reverse("admin:bookings_instruction_changelist")

    response = admin_client.post(
        url, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )

    draft.refresh_from_db()
    assert draft.published["steps"] == ["Avaa sovelluskauppa.", "Asenna Suomi.fi-sovellus."]
    assert "1 instruction published" in text(response)


def test_the_admin_refuses_a_link_that_is_not_a_web_address(admin_client):
    with translation.override("en"):
        url = reverse("admin:bookings_instruction_add")
    response = admin_client.post(
        url,
        {"title": "T", "language": "fi", "steps": "Yksi", "links": "javascript:alert(1) Klikkaa"},
    )
    assert response.status_code == 200
    assert "does not start with a web address" in text(response)
    assert not Instruction.objects.exists()


# What the patron reads


def test_the_patron_sees_no_memo_before_it_is_written(client, visit):
    assert "What we did" not in text(client.get(private_url(visit)))
    assert client.get(private_url(visit, "bookings:booking_memo")).status_code == 404


def test_the_patron_reads_the_memo_and_the_instruction_after_it(client, visit, now):
    instruction = make_instruction()
    memos.memo_save(
        booking=visit,
        what_we_did="Otimme Suomi.fi-sovelluksen käyttöön.",
        next_steps="Kokeile itse.\nSoita, jos jää kysyttävää.",
        links=memos.links_from_text("https://www.kela.fi Kela"),
        instructions=[instruction],
        now=now,
    )

    for url in (private_url(visit, language="fi"), private_url(visit, "bookings:booking_memo")):
        response = client.get(url)
        page = text(response)
        assert response.status_code == 200
        assert page.index("Otimme Suomi.fi") < page.index("Kokeile itse.")
        assert page.index("Kokeile itse.") < page.index("Suomi.fi-sovelluksen käyttöönotto")
        assert '<a href="https://www.kela.fi">Kela</a>' in response.content.decode()
        assert "<li>Asenna Suomi.fi-sovellus.</li>" in response.content.decode()
        assert STAFF_NOTE not in page
    assert "data-print hidden" in response.content.decode()  # the print button, shown by script
    assert "js/print-button.js" in response.content.decode()


def test_the_staff_notes_never_reach_the_memo(guide_client, visit, now, mailoutbox, send_now):
    visit.email = "aino@example.com"
    visit.save()
    memo = memos.memo_save(booking=visit, what_we_did="Teimme.", now=now)
    send_now(memos.memo_send, memo=memo, now=now)

    staff_page = text(guide_client.get(memo_url(visit)))
    assert STAFF_NOTE not in staff_page
    assert STAFF_NOTE not in mailoutbox[0].body
    assert STAFF_NOTE not in str(privacy.booking_export(visit)["memo"])


# Sending it


def test_the_email_goes_once_in_the_patrons_language(
    guide_client, visit, mailoutbox, now, django_capture_on_commit_callbacks
):
    Booking.objects.filter(pk=visit.pk).update(email="aino@example.com", language="sv")
    instruction = make_instruction(title="Ta i bruk Suomi.fi-appen", language="sv")
    memos.memo_save(
        booking=visit, what_we_did="Vi gjorde det.", instructions=[instruction], now=now
    )
    send = memo_url(visit, "staff:booking_memo_send")

    with django_capture_on_commit_callbacks(execute=True):
        first = guide_client.post(send, follow=True)
        second = guide_client.post(send, follow=True)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "Din minneslapp från digitalhandledningen"
    assert "Vi gjorde det." in message.body and "Ta i bruk Suomi.fi-appen" in message.body
    assert f"/sv/booking/{visit.token}/" in message.body
    assert message.attachments == []  # no calendar file for a visit behind
    assert "on its way" in text(first) and "already been sent" in text(second)
    assert Notification.objects.get(kind="memo").state == "sent"


def test_a_phone_only_patron_gets_one_text_message_with_the_short_link(visit, now, send_now):
    memo = memos.memo_save(booking=visit, what_we_did="Teimme.", now=now)

    send_now(memos.memo_send, memo=memo, now=now)
    with pytest.raises(ValidationError, match="already been sent"):
        memos.memo_send(memo=memo, now=now)

    assert len(sms.outbox) == 1
    body = sms.outbox[0].body
    assert body.startswith("Muistio digiopastuksesta, Limingan kirjasto:")
    assert f"/v/{visit.token}/" in body
    assert measure(body).encoding == GSM7
    message = Notification.objects.get(kind="memo")
    assert (message.channel, message.state, message.sms_parts) == ("sms", "sent", 1)


def test_a_changed_memo_can_be_sent_again(visit, now, send_now):
    memo = memos.memo_save(booking=visit, what_we_did="Teimme.", now=now)
    send_now(memos.memo_send, memo=memo, now=now)
    memo = memos.memo_save(booking=visit, what_we_did="Teimme lisää.", now=now + dt.timedelta(1))

    send_now(memos.memo_send, memo=memo, now=now + dt.timedelta(days=1))

    assert len(sms.outbox) == 2


def test_a_landline_or_a_used_up_cap_asks_staff_to_print_it(visit, library, now):
    Booking.objects.filter(pk=visit.pk).update(phone="+35881234567")
    memo = memos.memo_save(booking=visit, what_we_did="Teimme.", now=now)

    with pytest.raises(ValidationError, match="Print it for them"):
        memos.memo_send(memo=memo, now=now)

    Booking.objects.filter(pk=visit.pk).update(phone="+358401234567")
    library.sms_monthly_cap = 0
    library.save()
    with pytest.raises(ValidationError, match="Print it for them"):
        memos.memo_send(memo=Memo.objects.get(pk=memo.pk), now=now)
    assert not Notification.objects.filter(kind="memo").exists()


# Personal data


def test_the_purge_removes_the_memo_and_keeps_the_instruction(visit, now, settings):
    instruction = make_instruction()
    memos.memo_save(booking=visit, what_we_did="Teimme.", instructions=[instruction], now=now)
    assert privacy.booking_export(visit)["memo"]["instructions"] == [instruction.title]

    later = visit.ends_at + dt.timedelta(days=settings.RETENTION_DAYS + 1)
    privacy.personal_data_purge(now=later)

    assert not Memo.objects.exists()
    assert Instruction.objects.get().published["title"] == instruction.title
    assert privacy.booking_export(visit)["memo"] is None


# Queries


def test_the_memo_page_takes_a_fixed_number_of_queries(
    guide_client, visit, now, django_assert_num_queries
):
    memos.memo_save(
        booking=visit,
        what_we_did="Teimme.",
        instructions=[make_instruction(), make_instruction(title="Toinen")],
        now=now,
    )
    make_instruction(title="Kolmas", language="sv")
    # 1 session, 2 user, 3 the user's permissions, 4 their groups' permissions, 5 the booking
    # with library, guide and memo (in the libraries the user sees), 6 its topics, 7 the
    # memo's instructions, 8 the published instructions to choose from, 9 the topics of the
    # filter, 10 the access-log row.
    with django_assert_num_queries(10):
        response = guide_client.get(memo_url(visit))
    assert response.status_code == 200


def test_the_private_page_with_a_memo_takes_a_fixed_number_of_queries(
    client, visit, now, django_assert_num_queries
):
    memos.memo_save(
        booking=visit,
        what_we_did="Teimme.",
        instructions=[make_instruction(), make_instruction(title="Toinen")],
        now=now,
    )
    # 1 the booking with library, guide, device, closure and memo, 2 its topics, 3 the memo's
    # instructions, 4 the guide's slots of the time (the lengths on offer; an attended time
    # asks nothing about messages).
    with django_assert_num_queries(4):
        assert client.get(private_url(visit)).status_code == 200
    # The memo alone: 1 the booking, 2 its topics, 3 the memo's instructions.
    with django_assert_num_queries(3):
        assert client.get(private_url(visit, "bookings:booking_memo")).status_code == 200


# Bad input


@pytest.mark.parametrize(
    ("links", "message"),
    [
        ("javascript:alert(1) Klikkaa", "Line 1 does not start with a web address"),
        ("https://ok.fi\nftp://tiedostot.fi Tiedostot", "Line 2 does not start"),
        ("www.kela.fi Kela", "Line 1 does not start"),
        ("https://" + "a" * 600 + ".fi", "too long"),
        ("\n".join(f"https://x{n}.fi" for n in range(11)), "At most 10 links"),
    ],
)
def test_bad_links_get_a_friendly_error(guide_client, visit, links, message):
    response = write(guide_client, visit, links=links)

    assert response.status_code == 200
    assert message in text(response)
    assert not Memo.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"what_we_did": "x" * 100_000},
        {"what_we_did": ""},
        {"next_steps": "y" * 3000},
        {"instructions": ["abc", "99999999999999999999"]},
        {"instructions": ["-1"]},
    ],
)
def test_bad_input_gets_a_friendly_error_never_a_500(guide_client, visit, data):
    response = write(guide_client, visit, **data)

    assert response.status_code == 200
    assert "Please check the following" in text(response)
    assert not Memo.objects.exists()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_text_message_is_one_gsm7_part_in_each_language(visit, now, send_now, language):
    Booking.objects.filter(pk=visit.pk).update(language=language)
    visit.refresh_from_db()
    memo = memos.memo_save(booking=visit, what_we_did="Teimme.", now=now)

    send_now(memos.memo_send, memo=memo, now=now)

    body = sms.outbox[0].body
    assert (measure(body).encoding, measure(body).parts) == (GSM7, 1), body
    assert body.startswith({"fi": "Muistio", "sv": "Minneslapp", "en": "Your memo"}[language]), body
