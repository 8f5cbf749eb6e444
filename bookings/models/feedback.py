"""A patron's anonymous feedback after a visit: the one-use invitation, and the answer.

The two are kept apart on purpose. The invitation knows the booking (so a visit is asked once
and answers once) but not what was answered; the answer knows the library and the day, never
the booking, the patron or the guide. Nothing joins an answer to a visit.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .booking import Booking
from .library import Library


class FeedbackInvitation(models.Model):
    """The link to the feedback form of one attended visit: made when the visit is marked
    attended, answered at most once, open until `expires_at`."""

    booking = models.OneToOneField(
        Booking,
        on_delete=models.CASCADE,
        related_name="feedback_invitation",
        verbose_name=_("booking"),
    )
    # The SHA-256 of the link's token (an HMAC of the booking's link secret): the slip printed
    # before the visit carries the same link, and a leaked database reveals none.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("open until"))
    # A flag, not a time: a time would let anyone line it up with an answer's.
    is_answered = models.BooleanField(_("answered"), default=False)

    class Meta:
        verbose_name = _("feedback invitation")
        verbose_name_plural = _("feedback invitations")

    def __str__(self) -> str:
        return str(_("Feedback invitation"))


# The four principles a patron rates, and the question that comes first. Fixed in code: the
# principles page's texts may be reworded, the measures stay comparable over the years.
PRINCIPLE_FIELDS = ("friendliness", "functionality", "usefulness", "expertise")
RATING_FIELDS = ("helped", *PRINCIPLE_FIELDS)
COMMENT_MAX_LENGTH = 1000


def _rating(label):
    return models.PositiveSmallIntegerField(label, null=True, blank=True)


class FeedbackAnswer(models.Model):
    """One anonymous answer: ratings from 1 to 5 (each optional) and an optional comment.

    No key to the booking, the patron or the guide, by design (a test holds this): the
    library and the day are all it says about where it came from. The comment is emptied on
    the retention schedule (`privacy.personal_data_purge`); the ratings stay for statistics.
    """

    library = models.ForeignKey(
        Library,
        on_delete=models.PROTECT,
        related_name="feedback_answers",
        verbose_name=_("library"),
    )
    answered_on = models.DateField(_("answered on"))
    helped = _rating(_("got the help they needed"))
    friendliness = _rating(pgettext_lazy("principle", "friendliness"))
    functionality = _rating(pgettext_lazy("principle", "functionality"))
    usefulness = _rating(pgettext_lazy("principle", "usefulness"))
    expertise = _rating(pgettext_lazy("principle", "expertise"))
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX_LENGTH)

    class Meta:
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    *(
                        models.Q(**{f"{field}__isnull": True})
                        | models.Q(**{f"{field}__gte": 1, f"{field}__lte": 5})
                        for field in RATING_FIELDS
                    )
                ),
                name="feedback_ratings_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["library", "answered_on"], name="feedback_by_library")]

    def __str__(self) -> str:
        return str(_("Feedback answer"))
