"""Feedback after a visit: asked once, answered once, kept anonymous, shown only in numbers."""

import datetime as dt

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone

from bookings import feedback, services
from bookings.models import Booking, FeedbackAnswer, FeedbackInvitation, Library, Notification
from bookings.models.private_link import feedback_token_for
from bookings.notifications import feedback_url
from bookings.privacy import personal_data_purge
from bookings.sms.alphabet import GSM7, measure
from tests.factories import form_started, make_booking, make_device, make_library, make_slot
from tests.principles.factories import make_published_page
from tests.qr_decoding import encodes, qr_codes_in

pytestmark = pytest.mark.django_db

FEEDBACK = Notification.Kind.FEEDBACK


def visit(
    now, *, hours_ago: float = 18, attended: bool = True, slot_library=None, **booking_fields
) -> Booking:
    """A 15-minute visit that began `hours_ago` before `now`, marked 20 minutes after it."""
    starts_at = now - dt.timedelta(hours=hours_ago)
    slot = make_slot(starts_at=starts_at, library=slot_library)
    booking = make_booking(slot=slot, **booking_fields)
    status = Booking.Status.ATTENDED if attended else Booking.Status.NO_SHOW
    return services.booking_record_attendance(
        booking=booking, status=status, staff_notes="", now=starts_at + dt.timedelta(minutes=20)
    )


def feedback_texts(smsoutbox) -> list:
    return [message for message in smsoutbox if "/f/" in message.body]


def answer_url(booking: Booking) -> str:
    return reverse("bookings:feedback", args=[feedback_token_for(booking.link_secret)])


def answer(**overrides) -> dict:
    return {
        "helped": "5",
        "friendliness": "4",
        "comment": "",
        "started": form_started(),
        **overrides,
    }


# --- Asking ----------------------------------------------------------------------------------


def test_a_visit_marked_attended_is_asked_about_once_by_text_message(now, smsoutbox):
    booking = visit(now)
    during_the_day = now + dt.timedelta(hours=2)

    feedback.feedback_requests_send(now=during_the_day)
    feedback.feedback_requests_send(now=during_the_day + dt.timedelta(minutes=5))

    [text] = feedback_texts(smsoutbox)
    assert text.to == booking.phone
    assert feedback_token_for(booking.link_secret) in text.body
    assert Notification.objects.get(kind=FEEDBACK).state == Notification.State.SENT


def test_an_email_patron_is_asked_by_email_in_their_language(now, mailoutbox):
    booking = visit(now, email="aino@example.org", phone="", language="sv")

    feedback.feedback_requests_send(now=now + dt.timedelta(hours=2))

    [message] = [m for m in mailoutbox if "/f/" in m.body]
    assert message.to == ["aino@example.org"]
    assert "/sv/f/" in message.body
    assert message.subject == "Fick du den hjälp du behövde?"
    assert not message.attachments  # no calendar file: the visit is over
    assert feedback_url(booking) in message.body


def test_a_patron_who_said_no_is_not_asked(now, smsoutbox):
    visit(now, feedback_allowed=False)

    feedback.feedback_requests_send(now=now + dt.timedelta(hours=2))

    assert not feedback_texts(smsoutbox)
    assert not Notification.objects.filter(kind=FEEDBACK).exists()


def test_a_patron_who_did_not_come_is_not_asked(now, smsoutbox):
    visit(now, attended=False)

    feedback.feedback_requests_send(now=now + dt.timedelta(hours=2))

    assert not feedback_texts(smsoutbox)
    assert not FeedbackInvitation.objects.exists()


def test_a_visit_marked_in_the_evening_is_asked_about_the_next_morning(now, smsoutbox):
    # Monday 18.00, marked 18.20; `now` is Tuesday 8.00, before the day's first hour.
    visit(now, hours_ago=14)

    feedback.feedback_requests_send(now=now - dt.timedelta(hours=11))  # Monday 21.00
    feedback.feedback_requests_send(now=now)  # Tuesday 8.00
    assert not feedback_texts(smsoutbox)

    feedback.feedback_requests_send(now=now + dt.timedelta(hours=1, minutes=5))
    assert len(feedback_texts(smsoutbox)) == 1


def test_overlapping_runs_queue_the_question_once_and_send_it_once(now, smsoutbox):
    visit(now)
    later = now + dt.timedelta(hours=2)
    # Two runs that both found the visit due before either queued it.
    first = list(feedback.feedback_requests_due(now=later))
    second = list(feedback.feedback_requests_due(now=later))
    assert len(first) == len(second) == 1

    feedback.feedback_requests_send(now=later)
    feedback.feedback_requests_send(now=later)

    assert Notification.objects.filter(kind=FEEDBACK).count() == 1
    assert len(feedback_texts(smsoutbox)) == 1


def test_a_landline_patron_is_not_put_on_the_call_list(now, smsoutbox):
    visit(now, phone="+35881234567")

    feedback.feedback_requests_send(now=now + dt.timedelta(hours=2))

    # Kept as asked, so that the next runs leave it; nobody is to phone about it.
    assert Notification.objects.get(kind=FEEDBACK).state == Notification.State.SKIPPED
    assert not feedback_texts(smsoutbox)


def test_a_visit_answered_from_the_slip_is_not_asked_about(now, client, smsoutbox):
    booking = visit(now)
    client.post(answer_url(booking), answer())

    feedback.feedback_requests_send(now=now + dt.timedelta(hours=2))

    assert not feedback_texts(smsoutbox)


def test_the_booking_forms_let_a_patron_say_no(client, library, guide, now):
    slot = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=3))
    data = {
        "minutes": "15",
        "patron_name": "Aino",
        "phone": "040 123 4567",
        "device": str(make_device().pk),
        "consent": "on",
        "started": form_started(),
    }
    client.post(f"/en/libraries/{library.slug}/book/{slot.pk}/", {**data, "no_feedback": "on"})
    other = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=4))
    client.post(f"/en/libraries/{library.slug}/book/{other.pk}/", {**data, "phone": "0401112222"})

    said_no, said_nothing = Booking.objects.order_by("starts_at")
    assert said_no.feedback_allowed is False
    assert said_nothing.feedback_allowed is True


def test_the_desk_form_lets_staff_record_a_no(admin_client, library, guide, now):
    slot = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=3))
    admin_client.post(
        f"/en/staff/book/{slot.pk}/",
        {
            "minutes": "15",
            "patron_name": "Puhelin Paavo",
            "phone": "040 765 4321",
            "channel": "phone",
            "language": "fi",
            "device": str(make_device().pk),
            "consent": "on",
            "no_feedback": "on",
        },
    )

    assert Booking.objects.get().feedback_allowed is False


def test_the_desk_slip_carries_the_feedback_forms_qr_code(admin_client, now):
    booking = make_booking(slot=make_slot(starts_at=now + dt.timedelta(days=2)), language="sv")

    slip = admin_client.get(f"/en/staff/bookings/{booking.pk}/slip/").content.decode()

    url = f"http://testserver/sv/f/{feedback_token_for(booking.link_secret)}/"
    assert any(encodes(svg, url) for svg in qr_codes_in(slip))


# --- Answering -------------------------------------------------------------------------------


def test_an_answer_is_stored_without_the_visit_and_closes_the_link(client, now):
    booking = visit(now)

    response = client.post(
        answer_url(booking), answer(usefulness="3", comment="  Kiitos avusta!  ")
    )

    assert response["Location"] == reverse("bookings:feedback_thanks")
    stored = FeedbackAnswer.objects.get()
    assert (stored.library_id, stored.answered_on) == (booking.library_id, timezone.localdate())
    assert (stored.helped, stored.friendliness, stored.usefulness, stored.expertise) == (
        5,
        4,
        3,
        None,
    )
    assert stored.comment == "Kiitos avusta!"
    assert FeedbackInvitation.objects.get().is_answered


def test_the_form_asks_each_question_as_a_group_of_radio_buttons(client, now):
    page = client.get(answer_url(visit(now))).content.decode()

    assert page.count("<fieldset") == 5
    assert "Did you get the help you needed?" in page
    assert 'type="radio" name="expertise" value="5"' in page
    assert "<script" not in page.split("<main", 1)[1]


def test_answering_twice_is_refused_kindly(client, now):
    booking = visit(now)
    client.post(answer_url(booking), answer())

    again = client.post(answer_url(booking), answer(helped="1"))

    assert again.status_code == 200
    assert "already reached us" in again.content.decode()
    assert FeedbackAnswer.objects.get().helped == 5
    assert "already reached us" in client.get(answer_url(booking)).content.decode()


def test_an_expired_link_is_refused_kindly(client, now, settings):
    booking = visit(now, hours_ago=24 * (settings.FEEDBACK_LINK_DAYS + 1))

    response = client.post(answer_url(booking), answer())

    assert response.status_code == 410
    assert "This feedback form has closed" in response.content.decode()
    assert not FeedbackAnswer.objects.exists()


def test_the_service_refuses_a_closed_link_even_when_the_page_was_open(now):
    booking = visit(now)
    invitation = FeedbackInvitation.objects.get()
    feedback.feedback_answer(invitation=invitation, ratings={"helped": 4}, comment="", now=now)

    with pytest.raises(feedback.FeedbackClosed):
        feedback.feedback_answer(invitation=invitation, ratings={"helped": 1}, comment="", now=now)
    later = now + dt.timedelta(days=40)
    other = visit(now, hours_ago=3)
    with pytest.raises(feedback.FeedbackClosed):
        feedback.feedback_answer(
            invitation=other.feedback_invitation, ratings={}, comment="", now=later
        )
    assert FeedbackAnswer.objects.count() == 1 and booking


def test_a_bot_is_refused_and_nothing_is_stored(client, now, settings):
    booking = visit(now)

    honeypot = client.post(answer_url(booking), answer(website="http://spam"))
    settings.FORM_MIN_FILL_SECONDS = 3
    too_fast = client.post(answer_url(booking), answer(started=form_started(seconds_ago=0.5)))

    for response in (honeypot, too_fast):
        assert response.status_code == 200
        assert "We have not saved your details yet" in response.content.decode()
    assert not FeedbackAnswer.objects.exists()
    assert not FeedbackInvitation.objects.get().is_answered


def test_a_link_of_a_visit_not_yet_held_or_of_nothing_says_when_it_opens(client, now):
    upcoming = make_booking(slot=make_slot(starts_at=now + dt.timedelta(days=2)))

    for url in (answer_url(upcoming), "/en/f/not-a-real-token/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "The form opens after your visit" in response.content.decode()


def test_answers_are_rate_limited_per_address(client, now, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "feedback": {"ip": "1/h"}}
    first, second = visit(now), visit(now, hours_ago=20)

    assert client.post(answer_url(first), answer()).status_code == 302
    assert client.post(answer_url(second), answer()).status_code == 429
    assert FeedbackAnswer.objects.count() == 1


def test_a_comment_too_long_is_refused_with_its_limit(client, now):
    response = client.post(answer_url(visit(now)), answer(comment="x" * 1001))

    assert "1000 characters or fewer" in response.content.decode()
    assert not FeedbackAnswer.objects.exists()


def test_the_feedback_form_reads_and_writes_a_fixed_number_of_queries(
    client, now, django_assert_num_queries
):
    booking = visit(now)
    url = answer_url(booking)

    # The invitation with its booking.
    with django_assert_num_queries(1):
        client.get(url)
    # The invitation with its booking; in a transaction (a savepoint inside the test's own):
    # taking the invitation (UPDATE), the answer (INSERT).
    with django_assert_num_queries(5):
        client.post(url, answer())


# --- Anonymity and retention -----------------------------------------------------------------


def test_an_answer_has_no_key_to_a_booking_a_patron_or_a_guide():
    keys = [
        field
        for field in FeedbackAnswer._meta.get_fields()
        if isinstance(field, models.ForeignKey | models.OneToOneField | models.ManyToManyField)
    ]
    assert [(field.name, field.related_model) for field in keys] == [("library", Library)]
    names = {field.name for field in FeedbackAnswer._meta.get_fields()}
    assert not names & {"booking", "patron_name", "phone", "email", "guide", "created_at"}
    # And the invitation keeps no time of the answer that could be lined up with it.
    assert "answered_at" not in {f.name for f in FeedbackInvitation._meta.get_fields()}


def test_the_purge_empties_comments_past_retention_and_keeps_the_ratings(now, library, settings):
    today = timezone.localdate(now)
    old = FeedbackAnswer.objects.create(
        library=library,
        answered_on=today - dt.timedelta(days=settings.RETENTION_DAYS + 1),
        helped=4,
        comment="Opas Maija oli ihana",
    )
    recent = FeedbackAnswer.objects.create(
        library=library, answered_on=today - dt.timedelta(days=2), helped=5, comment="Hyvä"
    )

    counts = personal_data_purge(now=now)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert counts["feedback_comments"] == 1
    assert (old.comment, old.helped) == ("", 4)
    assert recent.comment == "Hyvä"


# --- What our patrons say ----------------------------------------------------------------------


def answers(library, count: int, *, days_ago: int = 10, **ratings) -> None:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    FeedbackAnswer.objects.bulk_create(
        FeedbackAnswer(library=library, answered_on=day, **ratings) for _ in range(count)
    )
    feedback.feedback_changed()  # as `feedback_answer` does for each answer


def test_the_averages_show_only_from_the_minimum_number_of_answers(client, now, settings):
    make_published_page(now=now)
    shown = make_library(name="Limingan kirjasto", shows_patron_feedback=True)
    answers(shown, settings.FEEDBACK_MIN_ANSWERS - 1, helped=5, friendliness=4)
    answers(shown, 5, days_ago=400, helped=1)  # over a year ago: not counted

    assert "What our patrons say" not in client.get("/en/principles/").content.decode()

    answers(shown, 1, helped=4, friendliness=5)
    page = client.get("/en/principles/").content.decode()
    assert "What our patrons say" in page
    assert "Limingan kirjasto" in page
    row = page.split("Limingan kirjasto", 1)[1].split("</tr>", 1)[0]
    assert "<td>4.9</td>" in row  # helped: nine fives and a four
    assert "<td>4.1</td>" in row  # friendliness: nine fours and a five
    assert f"<td>{settings.FEEDBACK_MIN_ANSWERS}</td>" in row


def test_an_answer_sent_shows_in_the_averages_on_the_next_view_of_the_cached_page(
    client, now, settings
):
    make_published_page(now=now)
    library = make_library(name="Limingan kirjasto", shows_patron_feedback=True)
    answers(library, settings.FEEDBACK_MIN_ANSWERS - 1, helped=5)
    assert "Limingan kirjasto" not in client.get("/en/principles/").content.decode()
    booking = visit(now, slot_library=library)

    feedback.feedback_answer(
        invitation=booking.feedback_invitation, ratings={"helped": 4}, comment="", now=now
    )

    page = client.get("/en/principles/").content.decode()
    assert "Limingan kirjasto" in page
    assert f"<td>{settings.FEEDBACK_MIN_ANSWERS}</td>" in page


def test_a_library_that_did_not_choose_to_show_them_is_not_shown(client, now, settings):
    make_published_page(now=now)
    hidden = make_library(name="Salainen kirjasto")
    answers(hidden, settings.FEEDBACK_MIN_ANSWERS * 3, helped=5)

    page = client.get("/en/principles/").content.decode()

    assert "Salainen kirjasto" not in page
    assert "What our patrons say" not in page


def test_the_averages_are_one_query_however_many_libraries(
    now, settings, django_assert_num_queries
):
    for n in range(3):
        answers(
            make_library(shows_patron_feedback=True), settings.FEEDBACK_MIN_ANSWERS, helped=n + 1
        )

    with django_assert_num_queries(1):
        summaries = feedback.patron_feedback_summaries(now=now)

    assert [summary.helped for summary in summaries] == [1, 2, 3]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_text_message_is_one_gsm7_part(language, now, settings, smsoutbox):
    settings.SITE_URL = "https://varaa.kirjasto.fi"  # docs/deploy.md's example
    library = make_library(name="Limingan kirjasto")
    visit(now, language=language, slot_library=library)

    feedback.feedback_requests_send(now=now + dt.timedelta(hours=2))

    [text] = feedback_texts(smsoutbox)
    size = measure(text.body)
    assert (size.encoding, size.parts) == (GSM7, 1), (len(text.body), text.body)
    assert "Limingan kirjasto" in text.body


# --- Staff -------------------------------------------------------------------------------------


def test_coordinators_read_the_answers_of_their_libraries_only(client, library):
    from django.contrib.auth.models import Group

    from tests.factories import make_staff

    other = make_library(name="Toinen kirjasto")
    FeedbackAnswer.objects.create(library=library, answered_on=timezone.localdate(), comment="Oma")
    FeedbackAnswer.objects.create(library=other, answered_on=timezone.localdate(), comment="Muu")
    coordinator = make_staff(library)
    coordinator.groups.add(Group.objects.get(name="Coordinator"))
    client.force_login(coordinator)

    page = client.get("/en/admin/bookings/feedbackanswer/").content.decode()

    assert "Oma" in page and "Muu" not in page
    assert client.get("/en/admin/bookings/feedbackanswer/add/").status_code == 403
