from django.urls import path

from . import views

app_name = "pages"

# Inside i18n_patterns: /accessibility/, /sv/accessibility/ and /en/accessibility/ are three
# flat pages, one per language, each stored under the address it is read at.
urlpatterns = [
    path("accessibility/", views.page, name="accessibility"),
    path("privacy/", views.page, name="privacy"),
]
