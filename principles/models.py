"""The customer-service principles page: an editable draft and its published versions.

The draft is ordinary rows — `Page` → `Principle` → `Guideline`, plus the page's `Statement`s and
`EncounterSentence`s — edited together on the page's admin screen. Publishing serialises the
whole draft into one immutable `PublishedVersion` (see `principles/content.py` for the format),
so the public page is a single query and later edits never leak out before the next publish.

Every text has one column per language (`name_fi`, `name_sv`, `name_en`) rather than a
translation library: there are three fixed languages, the admin shows all three side by side,
the snapshot stores them as a plain `{"fi": …, "sv": …, "en": …}` dict, and no extra
dependency or registration step is needed. Finnish is required and is the fallback for any
empty Swedish or English text; adding a language means adding columns and a migration.
"""

from collections.abc import Mapping

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = ("fi", "sv", "en")
FALLBACK_LANGUAGE = "fi"


def pick_language(texts: Mapping[str, str], language: str | None) -> tuple[str, str]:
    """The text in `language` and the language it is in, or the Finnish text when that is empty."""
    code = (language or FALLBACK_LANGUAGE).split("-")[0]
    if texts.get(code):
        return texts[code], code
    return texts.get(FALLBACK_LANGUAGE, ""), FALLBACK_LANGUAGE


class Translated(models.Model):
    """Reads the `<field>_fi/_sv/_en` columns of a subclass as one text."""

    class Meta:
        abstract = True

    def texts(self, field: str) -> dict[str, str]:
        return {code: getattr(self, f"{field}_{code}") for code in LANGUAGE_CODES}

    def translated(self, field: str) -> str:
        """The text in the active language, falling back to Finnish."""
        return pick_language(self.texts(field), get_language())[0]


class PageQuerySet(models.QuerySet):
    def with_content(self):
        """Everything the draft preview and a publish need, in a fixed number of queries."""
        return self.prefetch_related("principles__guidelines", "statements", "encounter_sentences")


class Page(Translated):
    """The draft of the principles page. There is only ever one; publishing copies it."""

    # Always True, and unique: the database itself allows a single page row.
    is_the_page = models.BooleanField(default=True, editable=False)
    title_fi = models.CharField(_("title (Finnish)"), max_length=200)
    title_sv = models.CharField(_("title (Swedish)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    introduction_fi = models.TextField(_("introduction (Finnish)"), blank=True)
    introduction_sv = models.TextField(_("introduction (Swedish)"), blank=True)
    introduction_en = models.TextField(_("introduction (English)"), blank=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = _("principles page")
        verbose_name_plural = _("principles page")
        permissions = [("publish_page", _("Can publish the principles page"))]
        constraints = [
            models.UniqueConstraint(fields=["is_the_page"], name="principles_single_page"),
            models.CheckConstraint(condition=Q(is_the_page=True), name="principles_page_flag"),
            models.CheckConstraint(condition=~Q(title_fi=""), name="principles_page_has_title"),
        ]

    def __str__(self) -> str:
        return self.translated("title")


class Principle(Translated):
    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="principles", verbose_name=_("page")
    )
    position = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Smaller numbers come first.")
    )
    name_fi = models.CharField(_("name (Finnish)"), max_length=100)
    name_sv = models.CharField(_("name (Swedish)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    description_fi = models.TextField(_("short description (Finnish)"), blank=True)
    description_sv = models.TextField(_("short description (Swedish)"), blank=True)
    description_en = models.TextField(_("short description (English)"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("principle")
        verbose_name_plural = _("principles")
        constraints = [
            models.CheckConstraint(condition=~Q(name_fi=""), name="principles_principle_has_name"),
        ]

    def __str__(self) -> str:
        return self.translated("name")


class Line(Translated):
    """One short translated sentence in an ordered list."""

    position = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Smaller numbers come first.")
    )
    text_fi = models.CharField(_("text (Finnish)"), max_length=300)
    text_sv = models.CharField(_("text (Swedish)"), max_length=300, blank=True)
    text_en = models.CharField(_("text (English)"), max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.translated("text")


class Guideline(Line):
    # The page link lets the page's admin screen edit every guideline in one inline (the admin
    # cannot nest inlines). There is only one page, so it always equals `principle.page`.
    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="guidelines", verbose_name=_("page")
    )
    principle = models.ForeignKey(
        Principle, on_delete=models.CASCADE, related_name="guidelines", verbose_name=_("principle")
    )

    class Meta(Line.Meta):
        verbose_name = _("guideline")
        verbose_name_plural = _("guidelines")
        constraints = [
            models.CheckConstraint(condition=~Q(text_fi=""), name="principles_guideline_has_text"),
        ]


class Statement(Line):
    """What a satisfied customer would tell a friend or colleague about the library."""

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="statements", verbose_name=_("page")
    )

    class Meta(Line.Meta):
        verbose_name = _("customer statement")
        verbose_name_plural = _("customer statements")
        constraints = [
            models.CheckConstraint(condition=~Q(text_fi=""), name="principles_statement_has_text"),
        ]


class EncounterSentence(Line):
    """One of the sentences on how staff meet a customer."""

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="encounter_sentences", verbose_name=_("page")
    )

    class Meta(Line.Meta):
        verbose_name = _("how we meet a customer")
        verbose_name_plural = _("how we meet a customer")
        constraints = [
            models.CheckConstraint(condition=~Q(text_fi=""), name="principles_encounter_has_text"),
        ]


class PublishedVersionQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)


class PublishedVersion(models.Model):
    """An immutable copy of the draft as it was when published; at most one is public."""

    page = models.ForeignKey(
        Page, on_delete=models.PROTECT, related_name="versions", verbose_name=_("page")
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("content"))
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    # Kept as text so the history still names the publisher after their account is removed.
    published_by_name = models.CharField(_("publisher's name"), max_length=150, blank=True)
    is_current = models.BooleanField(_("on the public site"), default=False)

    objects = PublishedVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="principles_version_number"),
            models.UniqueConstraint(
                fields=["page"], condition=Q(is_current=True), name="principles_one_current"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="principles_version_from_1"),
        ]

    def __str__(self) -> str:
        return _("Version %(number)s") % {"number": self.number}
