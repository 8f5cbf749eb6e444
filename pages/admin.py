from django.conf import settings
from django.contrib import admin
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.models import FlatPage
from django.utils.translation import gettext_lazy as _


class InformationPageAdmin(FlatPageAdmin):
    """Flat pages with a word on languages: each language is its own page at its own address."""

    fieldsets = (
        (
            None,
            {
                "fields": ("url", "title", "content", "sites"),
                "description": _(
                    "Each language is a page of its own: the Finnish page at /privacy/, the "
                    "Swedish one at /sv/privacy/ and the English one at /en/privacy/ (and the "
                    "same for /accessibility/). The content is HTML: use <h2> for headings, "
                    "<p> for paragraphs and <ul><li> for lists."
                ),
            },
        ),
        (
            _("Advanced options"),
            {"classes": ("collapse",), "fields": ("registration_required", "template_name")},
        ),
    )

    def get_changeform_initial_data(self, request) -> dict:
        return {"sites": [settings.SITE_ID], **super().get_changeform_initial_data(request)}


admin.site.unregister(FlatPage)
admin.site.register(FlatPage, InformationPageAdmin)
