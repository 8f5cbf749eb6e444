from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from bookings.feedback import patron_feedback_summaries
from digiopas.middleware import staff_page

from . import page_cache
from .content import PageContent, localise, snapshot_of
from .models import Page, PublishedVersion

PAPER_SIZES = ("a4", "a3")


def page(request: HttpRequest) -> HttpResponse:
    # "What our patrons say": the libraries that chose to show it, each with enough answers.
    # On the principles page because it measures them; the page serves every library, so the
    # table has a row per library (one query), and a library's own free-times page stays a
    # page for booking (and stays cached as it is).
    now = timezone.now()

    def render_page() -> HttpResponse:
        summaries = patron_feedback_summaries(now=now)
        return _published(request, "principles/page.html", patron_feedback=summaries)

    return page_cache.cached_response(request, "page", render_page, now=now)


def poster(request: HttpRequest) -> HttpResponse:
    return page_cache.cached_response(
        request,
        "poster",
        lambda: _published(request, "principles/poster.html"),
        now=timezone.now(),
    )


def _may_see_drafts(user) -> bool:
    # As in the admin, where changing the page includes seeing it.
    return user.has_perm("principles.view_page") or user.has_perm("principles.change_page")


@staff_page
@staff_member_required
def draft_preview(request: HttpRequest) -> HttpResponse:
    return _draft(request, "principles/page.html")


@staff_page
@staff_member_required
def draft_poster_preview(request: HttpRequest) -> HttpResponse:
    return _draft(request, "principles/poster.html")


@staff_page
@staff_member_required
@permission_required("principles.view_publishedversion", raise_exception=True)
def version_preview(request: HttpRequest, number: int) -> HttpResponse:
    version = get_object_or_404(PublishedVersion, number=number)
    content = localise(version.snapshot, get_language(), published_at=version.published_at)
    return _render(request, "principles/page.html", content, version=version)


def _published(request: HttpRequest, template: str, **context) -> HttpResponse:
    """The current published version; the public never sees anything else."""
    version = PublishedVersion.objects.current().first()
    if version is None:
        return render(request, "principles/not_published.html")
    content = localise(version.snapshot, get_language(), published_at=version.published_at)
    return _render(request, template, content, poster_url=reverse("principles:poster"), **context)


def _draft(request: HttpRequest, template: str) -> HttpResponse:
    if not _may_see_drafts(request.user):
        raise PermissionDenied
    draft = get_object_or_404(Page.objects.with_content())
    content = localise(snapshot_of(draft), get_language())
    poster_url = reverse("principles:draft_poster_preview")
    return _render(request, template, content, is_draft=True, poster_url=poster_url)


def _render(request: HttpRequest, template: str, content: PageContent, **context) -> HttpResponse:
    paper = request.GET.get("paper")
    context["paper"] = paper if paper in PAPER_SIZES else PAPER_SIZES[0]
    return render(request, template, {"content": content, **context})
