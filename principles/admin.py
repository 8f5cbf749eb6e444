from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services
from .content import snapshot_of
from .models import (
    EncounterSentence,
    Guideline,
    Page,
    Principle,
    PublishedVersion,
    Statement,
)

SMALL_TEXTAREA = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 35})}}


class PagePartInline(InlineModelAdmin):
    """The principles, guidelines and sentences are parts of the one page document, so the
    page's own permissions cover them: "change page" is all a coordinator needs to edit it."""

    extra = 0

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("principles.view_page") or self.has_change_permission(
            request, obj
        )

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("principles.change_page")

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_change_permission(request, obj)


class PrincipleInline(PagePartInline, admin.StackedInline):
    model = Principle
    formfield_overrides = SMALL_TEXTAREA
    fields = [
        "position",
        ("name_fi", "name_sv", "name_en"),
        ("description_fi", "description_sv", "description_en"),
    ]


class GuidelineInline(PagePartInline, admin.TabularInline):
    model = Guideline
    fields = ["principle", "position", "text_fi", "text_sv", "text_en"]
    ordering = ["principle__position", "principle_id", "position", "id"]
    verbose_name_plural = _("guidelines (save a new principle first, then add its guidelines)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("principle")


class StatementInline(PagePartInline, admin.TabularInline):
    model = Statement
    fields = ["position", "text_fi", "text_sv", "text_en"]


class EncounterSentenceInline(PagePartInline, admin.TabularInline):
    model = EncounterSentence
    fields = ["position", "text_fi", "text_sv", "text_en"]


class PublishPermissionMixin:
    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("principles.publish_page")


@admin.register(Page)
class PageAdmin(PublishPermissionMixin, admin.ModelAdmin):
    list_display = ["__str__", "current_version", "has_unpublished_changes"]
    formfield_overrides = SMALL_TEXTAREA
    fieldsets = [
        (_("Title"), {"fields": [("title_fi", "title_sv", "title_en")]}),
        (
            _("Introduction"),
            {"fields": [("introduction_fi", "introduction_sv", "introduction_en")]},
        ),
    ]
    inlines = [PrincipleInline, GuidelineInline, StatementInline, EncounterSentenceInline]
    actions = ["publish"]

    def get_queryset(self, request):
        current = Prefetch(
            "versions", PublishedVersion.objects.current(), to_attr="current_versions"
        )
        return super().get_queryset(request).with_content().prefetch_related(current)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # There is only one principles page (a database constraint says so too).
        return super().has_add_permission(request) and not Page.objects.exists()

    def get_urls(self):
        publish = self.admin_site.admin_view(self.publish_view)
        return [
            path("<path:object_id>/publish/", publish, name="principles_page_publish"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        page = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "current_version": page and self.current_version(page),
            "has_unpublished_changes": page and self.has_unpublished_changes(page),
            "can_publish": self.has_publish_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_publish_permission(request):
            raise PermissionDenied
        page = get_object_or_404(Page, pk=object_id)
        self._publish(request, page)
        return redirect("admin:principles_page_change", page.pk)

    @admin.action(description=_("Publish the saved draft"), permissions=["publish"])
    def publish(self, request: HttpRequest, queryset) -> None:
        for page in queryset:
            self._publish(request, page)

    def _publish(self, request: HttpRequest, page: Page) -> None:
        try:
            version = services.page_publish(page=page, user=request.user, now=timezone.now())
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request,
            format_html(
                gettext('Published as version {number}. <a href="{url}">See the public page</a>'),
                number=version.number,
                url=reverse("principles:page"),
            ),
            messages.SUCCESS,
        )

    @admin.display(description=_("on the public site"))
    def current_version(self, page: Page) -> str:
        current = next(iter(page.current_versions), None)
        if current is None:
            return gettext("Nothing published yet")
        published_at = timezone.localtime(current.published_at).strftime("%d.%m.%Y %H.%M")
        return gettext("Version %(number)s, published %(date)s by %(name)s") % {
            "number": current.number,
            "date": published_at,
            "name": current.published_by_name or "–",
        }

    @admin.display(description=_("unpublished changes"), boolean=True)
    def has_unpublished_changes(self, page: Page) -> bool:
        current = next(iter(page.current_versions), None)
        return current is None or current.snapshot != snapshot_of(page)


@admin.register(PublishedVersion)
class PublishedVersionAdmin(PublishPermissionMixin, admin.ModelAdmin):
    """The history of published versions: read-only, never deleted; one can be brought back."""

    list_display = ["number", "title", "published_at", "published_by_name", "is_current", "view"]
    list_filter = ["is_current"]
    fields = ["number", "title", "published_at", "published_by_name", "is_current", "view"]
    readonly_fields = fields
    actions = ["restore", "republish"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("title"))
    def title(self, version: PublishedVersion) -> str:
        return version.snapshot["title"]["fi"]

    @admin.display(description=_("content"))
    def view(self, version: PublishedVersion) -> str:
        url = reverse("principles:version_preview", args=[version.number])
        return format_html('<a href="{}">{}</a>', url, gettext("Look at this version"))

    @admin.action(
        description=_("Copy the selected version into the draft"), permissions=["publish"]
    )
    def restore(self, request: HttpRequest, queryset) -> None:
        version = self._only_one(request, queryset)
        if version is None:
            return
        page = services.version_restore(version=version)
        self.message_user(
            request,
            format_html(
                gettext(
                    'Version {number} is now in the draft. <a href="{preview}">Check the '
                    'draft</a> and <a href="{edit}">publish it</a> when it looks right.'
                ),
                number=version.number,
                preview=reverse("principles:draft_preview"),
                edit=reverse("admin:principles_page_change", args=[page.pk]),
            ),
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Put the selected version back on the public site"), permissions=["publish"]
    )
    def republish(self, request: HttpRequest, queryset) -> None:
        version = self._only_one(request, queryset)
        if version is None:
            return
        try:
            new = services.version_republish(version=version, user=request.user, now=timezone.now())
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request,
            gettext(
                "Version %(old)s is on the public site again, as version %(new)s. "
                "The draft now has the same content."
            )
            % {"old": version.number, "new": new.number},
            messages.SUCCESS,
        )

    def _only_one(self, request: HttpRequest, queryset) -> PublishedVersion | None:
        versions = list(queryset.select_related("page")[:2])
        if len(versions) != 1:
            self.message_user(request, gettext("Choose exactly one version."), messages.WARNING)
            return None
        return versions[0]
