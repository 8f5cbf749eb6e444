"""The language switcher's links: this very page in each of the site's languages."""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One entry per language: its own name, the address, and whether it is the current one.

    Plain links, not a form: one click, no JavaScript, and no CSRF token, so a page without
    forms is the same for every visitor and can be served from the cache as it is.
    """
    request = context.get("request")
    current = translation.get_language()
    # `page_path`: the address a page stands for when it is not the one it was sent to (the
    # booking confirmation, the answer to the form's POST, stands for the private link).
    here = context.get("page_path") or (request.get_full_path() if request is not None else "")
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(here, code) if here else ""
        if not url or (url == here and code != current):
            # Not an address of ours (a page not found): that language's front page.
            with translation.override(code):
                url = reverse("bookings:home")
        info = translation.get_language_info(code)
        links.append(
            {"code": code, "name": info["name_local"], "url": url, "current": code == current}
        )
    return links
