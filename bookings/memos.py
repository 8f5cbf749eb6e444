"""The memo of a visit and the shared instructions: reading links written one a line, writing
and sending a memo, publishing an instruction, and the instructions a guide may attach."""

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from bookings import notifications
from bookings.models import Booking, Instruction, Memo, MemoInstruction, Notification, Topic
from bookings.models.memo import numbered_lines

MAX_LINKS = 10
MAX_URL_LENGTH = 500
MAX_LINK_TEXT_LENGTH = 200
_url_validator = URLValidator(schemes=["http", "https"])


def links_from_text(text: str) -> list[dict[str, str]]:
    """Links written one a line, the address first and the text to show after a space, as
    [{"url", "text"}]; the address itself is the text when none is given. Only http and https
    addresses: anything else (javascript:, a typo) is refused with the line it was on."""
    links = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        url, _space, label = line.strip().partition(" ")
        if len(url) > MAX_URL_LENGTH:
            raise ValidationError(
                _("The address on line %(number)s is too long: at most %(max)s characters.")
                % {"number": number, "max": MAX_URL_LENGTH},
                code="url_too_long",
            )
        try:
            _url_validator(url)
        except ValidationError:
            raise ValidationError(
                _(
                    "Line %(number)s does not start with a web address. Write the address "
                    "first, beginning with https://, then a space and the text to show."
                )
                % {"number": number},
                code="bad_url",
            ) from None
        label = " ".join(label.split())[:MAX_LINK_TEXT_LENGTH] or url
        links.append({"url": url, "text": label})
    if len(links) > MAX_LINKS:
        raise ValidationError(
            _("At most %(max)s links, please.") % {"max": MAX_LINKS}, code="too_many_links"
        )
    return links


def links_as_text(links: Iterable[dict[str, str]]) -> str:
    """The links as they are written in the form, one a line."""
    return "\n".join(
        link["url"] if link["text"] == link["url"] else f"{link['url']} {link['text']}"
        for link in links
    )


def memo_can_be_written(booking: Booking) -> bool:
    """A memo is for a visit that happens or happened: not a cancelled time, nor one whose
    personal data is erased."""
    return booking.status != Booking.Status.CANCELLED and booking.personal_data_erased_at is None


@transaction.atomic
def memo_save(
    *,
    booking: Booking,
    what_we_did: str,
    next_steps: str = "",
    links: list[dict[str, str]] = (),
    instructions: Iterable[Instruction] = (),
    now: dt.datetime,
) -> Memo:
    """Write or rewrite the booking's memo; the instructions in the order given, published
    ones only."""
    if not memo_can_be_written(booking):
        raise ValidationError(
            _("A memo can only be written for a time that was not cancelled."), code="cancelled"
        )
    instructions = list(instructions)
    if any(instruction.published is None for instruction in instructions):
        raise ValidationError(
            _("Only published instructions can be added to a memo."), code="draft"
        )
    memo, _created = Memo.objects.select_for_update().get_or_create(
        booking=booking,
        defaults={"what_we_did": what_we_did, "written_at": now, "updated_at": now},
    )
    memo.what_we_did = what_we_did
    memo.next_steps = "\n".join(numbered_lines(next_steps))
    memo.links = list(links)
    memo.updated_at = now
    memo.full_clean(exclude=["booking"])
    memo.save()
    MemoInstruction.objects.filter(memo=memo).delete()
    MemoInstruction.objects.bulk_create(
        MemoInstruction(memo=memo, instruction=instruction, position=position)
        for position, instruction in enumerate(instructions, start=1)
    )
    return memo


@transaction.atomic
def memo_send(*, memo: Memo, now: dt.datetime) -> Notification:
    """Send the patron their memo: by e-mail, or a text message with the short link. Once per
    version: sending again needs a change in between. Refused when neither reaches the patron
    (a landline, or the library's text messages used up this month): staff print it instead."""
    memo = Memo.objects.select_for_update().select_related("booking__library").get(pk=memo.pk)
    if memo.is_sent_as_it_is:
        raise ValidationError(
            _("This memo has already been sent to the patron. Change it to send it again."),
            code="sent",
        )
    notification = notifications.notify_memo(memo.booking, now=now)
    if notification is None:
        raise ValidationError(
            _(
                "The memo cannot be sent: the patron has no e-mail address or mobile number, or "
                "the library's text messages for this month are used up. Print it for them."
            ),
            code="unreachable",
        )
    memo.sent_at = now
    memo.save(update_fields=["sent_at"])
    return notification


def instruction_snapshot(instruction: Instruction) -> dict:
    """The draft as memos would show it."""
    return {
        "title": instruction.title.strip(),
        "steps": numbered_lines(instruction.steps),
        "links": links_from_text(instruction.links),
    }


def instruction_has_unpublished_changes(instruction: Instruction) -> bool:
    try:
        return instruction.published != instruction_snapshot(instruction)
    except ValidationError:
        return True


def instruction_publish(
    *, instruction: Instruction, user: AbstractBaseUser | None, now: dt.datetime
) -> Instruction:
    """Make the saved draft what memos show."""
    snapshot = instruction_snapshot(instruction)
    if not snapshot["steps"]:
        raise ValidationError(_("Write at least one step before publishing."), code="empty")
    instruction.published = snapshot
    instruction.published_at = now
    instruction.published_by_name = (user.get_full_name() or user.get_username()) if user else ""
    instruction.save(update_fields=["published", "published_at", "published_by_name"])
    return instruction


def instructions_to_attach(
    *,
    booking: Booking,
    topic: Topic | None = None,
    language: str = "",
    also: Iterable[int] = (),
) -> QuerySet[Instruction]:
    """Published instructions, of one topic and one language when asked, and `also` these
    (those the memo carries), whatever the filter; those of the booking's topics and the
    patron's language first (one query, the booking's topics prefetched)."""
    instructions = Instruction.objects.published()
    wanted = Q()
    if topic is not None:
        wanted &= Q(topic=topic)
    if language:
        wanted &= Q(language=language)
    if wanted:
        instructions = instructions.filter(wanted | Q(pk__in=list(also)))
    booking_topics = [topic.pk for topic in booking.topics.all()]
    return (
        instructions.select_related("topic")
        .annotate(
            fits_language=_first_when(Q(language=booking.language)),
            fits_topic=_first_when(Q(topic_id__in=booking_topics)),
        )
        .order_by("fits_language", "fits_topic", "title", "pk")
    )


def _first_when(condition: Q) -> Case:
    return Case(When(condition, then=Value(0)), default=Value(1), output_field=IntegerField())
