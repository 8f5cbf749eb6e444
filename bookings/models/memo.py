"""The memo a guide writes for the patron after a visit, and the shared instructions it may carry.

A memo is personal data, one per booking, erased with the booking's details. Instructions are
written once by any library's staff and reused by all: the admin edits a draft (title, steps,
links), and publishing copies it into `published`, which is what memos show; only published
instructions can be attached, and an edit reaches the patrons only when it is published again.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .booking import Booking
from .library import Topic


def numbered_lines(text: str) -> list[str]:
    """The non-empty lines of a text, as the numbered steps they are shown as."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class InstructionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published__isnull=False)


class Instruction(models.Model):
    title = models.CharField(_("title"), max_length=200)
    steps = models.TextField(
        _("steps"), max_length=4000, help_text=_("One step a line; they are numbered when shown.")
    )
    links = models.TextField(
        _("links"),
        max_length=2000,
        blank=True,
        help_text=_(
            "One link a line: the address (https://…), a space, and the text to show, e.g. "
            "“https://www.suomi.fi Suomi.fi”."
        ),
    )
    # A topic removed leaves its instructions without one (topics in use are archived anyway).
    topic = models.ForeignKey(
        Topic,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name=_("topic"),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="fi"
    )
    # What memos show: the draft as it was when last published ({"title", "steps", "links"}).
    published = models.JSONField(_("published version"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by_name = models.CharField(
        _("publisher's name"), max_length=150, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = InstructionQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("shared instruction")
        verbose_name_plural = _("shared instructions")
        permissions = [("publish_instruction", _("Can publish shared instructions"))]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="instruction_has_title"),
        ]

    def __str__(self) -> str:
        return self.published["title"] if self.published else self.title

    @property
    def published_steps(self) -> list[str]:
        return self.published["steps"] if self.published else []

    @property
    def published_links(self) -> list[dict]:
        return self.published["links"] if self.published else []


class MemoQuerySet(models.QuerySet):
    def with_instructions(self):
        """Each memo's instructions in their order, as `memo.attached` (one query more)."""
        return self.prefetch_related(
            models.Prefetch(
                "memoinstruction_set",
                MemoInstruction.objects.select_related("instruction"),
                to_attr="attached",
            )
        )


class Memo(models.Model):
    """What the guide wrote for the patron: never the staff notes, which stay internal."""

    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, related_name="memo", verbose_name=_("booking")
    )
    what_we_did = models.TextField(_("what we did"), max_length=2000)
    next_steps = models.TextField(_("next steps"), max_length=2000, blank=True)
    # [{"url": "https://…", "text": "…"}], checked by bookings.memos.links_from_text.
    links = models.JSONField(_("links"), default=list, blank=True)
    instructions = models.ManyToManyField(
        Instruction,
        through="MemoInstruction",
        blank=True,
        related_name="memos",
        verbose_name=_("shared instructions"),
    )
    written_at = models.DateTimeField(_("written"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)
    # When it was last sent to the patron; sending again needs a change since.
    sent_at = models.DateTimeField(_("sent to the patron"), null=True, blank=True)

    objects = MemoQuerySet.as_manager()

    class Meta:
        verbose_name = _("memo")
        verbose_name_plural = _("memos")

    def __str__(self) -> str:
        return str(self.booking)

    @property
    def next_step_lines(self) -> list[str]:
        return numbered_lines(self.next_steps)

    @property
    def is_sent_as_it_is(self) -> bool:
        return self.sent_at is not None and self.sent_at >= self.updated_at


class MemoInstruction(models.Model):
    memo = models.ForeignKey(Memo, on_delete=models.CASCADE)
    # An instruction a memo carries cannot be deleted from under the patron.
    instruction = models.ForeignKey(Instruction, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        unique_together = [("memo", "instruction")]
        verbose_name = _("shared instruction of a memo")
        verbose_name_plural = _("shared instructions of memos")

    def __str__(self) -> str:
        return str(self.instruction)
