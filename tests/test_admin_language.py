"""The admin in Finnish and Swedish says nothing in English: its front page, the sign-in, and a
list and a form of each of our models, as a Finnish- or Swedish-speaking coordinator and a
superuser see them; and every section, ours or a library's, has a Finnish and Swedish name.

What counts as English: every message Django's admin, forms, auth, flat pages and sites and our
own catalogue know (Django's English .po files and ours), unless the language's catalogue
deliberately says the same words; and the English names of every model, field and app in the
admin. A text on the page (a text node, or a label a screen reader reads: alt, title,
aria-label, placeholder, a button's value) that is one of these, whole, is English that slipped
through.
"""

import ast
import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.flatpages.models import FlatPage
from django.utils import timezone, translation
from django.utils.text import capfirst

from bookings import waiting_list
from bookings.models import (
    AccessLogEntry,
    Booking,
    Closure,
    DeviceType,
    Guide,
    Library,
    Notification,
    Slot,
    Topic,
    WaitingListEntry,
    WeeklySchedule,
)
from principles.models import Page, PublishedVersion
from tests.factories import (
    make_booking,
    make_closure,
    make_guide,
    make_schedule,
    make_slot,
    make_staff,
)
from tests.principles.factories import make_published_page

pytestmark = pytest.mark.django_db

LANGUAGES = ["fi", "sv"]
DJANGO = Path(django.__file__).parent
CATALOGUES = [
    "contrib/admin/locale/{}/LC_MESSAGES/django.po",
    "conf/locale/{}/LC_MESSAGES/django.po",
    "contrib/auth/locale/{}/LC_MESSAGES/django.po",
    "contrib/flatpages/locale/{}/LC_MESSAGES/django.po",
    "contrib/sites/locale/{}/LC_MESSAGES/django.po",
    "contrib/contenttypes/locale/{}/LC_MESSAGES/django.po",
]
OURS = Path(settings.BASE_DIR) / "locale/{}/LC_MESSAGES/django.po"
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sdr]")
# Where a screen reader reads words that are not text on the page.
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}


def read_po(path: Path) -> dict[str, str]:
    """msgid → the first msgstr ("" when untranslated) of a .po file; a msgid with a context
    is keyed "context\x04msgid", as gettext does."""
    entries, key, context, current = {}, None, "", None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        match = re.match(r"^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\]) (\".*\")$", line)
        if line.startswith('"') and current is not None:
            match, text = None, ast.literal_eval(line)
            if current == "msgctxt":
                context += text
            elif current == "msgid":
                del entries[key]
                key += text
                entries[key] = ""
            elif current in ("msgstr", "msgstr[0]"):
                entries[key] += text
        elif match:
            current, text = match.group(1), ast.literal_eval(match.group(2))
            if current == "msgctxt":
                context = text
            elif current == "msgid":
                key = f"{context}\x04{text}" if context else text
                entries[key], context = "", ""
            elif current in ("msgstr", "msgstr[0]"):
                entries[key] = text
        elif not line.strip():
            current = None
    entries.pop("", None)
    return entries


def english_names() -> set[str]:
    """The English names of every app, model and field in the admin."""
    names = set()
    with translation.override("en"):
        for model in admin.site._registry:
            opts = model._meta
            names |= {str(opts.verbose_name), str(opts.verbose_name_plural)}
            names.add(str(apps.get_app_config(opts.app_label).verbose_name))
            names |= {
                str(field.verbose_name)
                for field in opts.get_fields()
                if hasattr(field, "verbose_name")
            }
    return names


class EnglishFinder:
    """Which texts of a page are English, for one language's admin."""

    def __init__(self, language: str):
        english = {}
        for catalogue in CATALOGUES:
            english.update(read_po(DJANGO / catalogue.format("en")))
        ours = read_po(Path(str(OURS).format(language)))
        same_on_purpose = {msgid for msgid, text in ours.items() if text == msgid}
        for catalogue in CATALOGUES:
            translated = read_po(DJANGO / catalogue.format(language))
            same_on_purpose |= {msgid for msgid, text in translated.items() if text == msgid}
        phrases = (set(english) | set(ours) | english_names()) - same_on_purpose
        self.whole, patterns = set(), []
        for phrase in {phrase.split("\x04")[-1] for phrase in phrases}:
            words = PLACEHOLDER.sub(" ", phrase)
            if not re.search(r"[A-Za-z]{3}", words):
                continue  # punctuation and placeholders alone: nothing to tell a language by
            if PLACEHOLDER.search(phrase):
                parts = PLACEHOLDER.split(" ".join(phrase.split()).lower())
                patterns.append(".+".join(re.escape(part) for part in parts))
            else:
                self.whole.add(self.normal(phrase))
        self.pattern = re.compile("|".join(f"(?:{p})" for p in patterns))

    @staticmethod
    def normal(text: str) -> str:
        return " ".join(text.split()).strip().rstrip(":").strip().lower()

    def is_english(self, text: str) -> bool:
        text = self.normal(text)
        return text in self.whole or bool(self.pattern.fullmatch(text))


class ReadTexts(HTMLParser):
    """Text nodes and the attributes read aloud, outside scripts, styles and text areas (which
    hold what staff wrote, in any language)."""

    SKIP = {"script", "style", "textarea"}

    def __init__(self):
        super().__init__()
        self.texts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value and (name in READ_ATTRIBUTES):
                self.texts.append(value)
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.texts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data)


def english_on(page: str, finder: EnglishFinder) -> list[str]:
    reader = ReadTexts()
    reader.feed(page)
    return sorted({" ".join(text.split()) for text in reader.texts if finder.is_english(text)})


@pytest.fixture(scope="module")
def finders():
    return {language: EnglishFinder(language) for language in LANGUAGES}


@pytest.fixture
def everything(now):
    """One of each thing our admin lists, written in Finnish as a Finnish library would."""
    guide = make_guide(display_name="Maria")
    library = guide.libraries.get()
    make_schedule(guide=guide, library=library)
    make_closure(library=library, reason="Joululoma")
    slot = make_slot(guide=guide, starts_at=now + dt.timedelta(days=2))
    make_slot(guide=guide, starts_at=now + dt.timedelta(days=3))
    booking = make_booking(slot=slot, language="fi", email="aino@example.com", now=now)
    booking.topics.add(Topic.objects.create(name="Pankkitunnukset"))
    waiting_list.waiting_list_join(
        library=library, patron_name="Jonottaja", phone="0401234567", now=timezone.now()
    )
    Notification.objects.create(
        booking=booking,
        library=library,
        kind=Notification.Kind.REMINDER,
        channel=Notification.Channel.CALL,
        state=Notification.State.TO_CALL,
        about_starts_at=booking.starts_at,
    )
    DeviceType.objects.create(name="Tabletti")
    make_published_page(now=now)
    FlatPage.objects.create(url="/privacy/", title="Tietosuojaseloste", content="<p>Teksti</p>")
    return library


OUR_MODELS = [
    Library,
    Guide,
    WeeklySchedule,
    Closure,
    DeviceType,
    Topic,
    Slot,
    Booking,
    WaitingListEntry,
    Notification,
    AccessLogEntry,
    Page,
    PublishedVersion,
    FlatPage,
]


def admin_pages(user) -> list[str]:
    """The front page, and the list and first row's form of each of our models `user` sees."""
    pages = ["/admin/"]
    for model in OUR_MODELS:
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        pages.append(f"/admin/{opts.app_label}/{opts.model_name}/")
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            pages.append(f"/admin/{opts.app_label}/{opts.model_name}/{row.pk}/change/")
    return pages


def in_language(path: str, language: str) -> str:
    return path if language == settings.LANGUAGE_CODE else f"/{language}{path}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admin_pages_say_nothing_in_english(
    admin_client, admin_user, client, everything, finders, language
):
    coordinator = make_staff(everything)
    coordinator.groups.add(Group.objects.get(name="Coordinator"))
    client.force_login(coordinator)
    AccessLogEntry.objects.create(user=coordinator, place="printed_day", library=everything)
    found = {}
    for who, user, browser in (
        ("superuser", admin_user, admin_client),
        ("coordinator", coordinator, client),
    ):
        for path in admin_pages(user):
            response = browser.get(in_language(path, language))
            assert response.status_code == 200, (who, path)
            english = english_on(response.content.decode(), finders[language])
            if english:
                found[f"{who} {path}"] = english

    assert not found, "English on the page:\n" + "\n".join(f"{p}: {t}" for p, t in found.items())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("with_code", [False, True])
def test_the_sign_in_page_says_nothing_in_english(client, finders, language, with_code, settings):
    settings.STAFF_OTP_REQUIRED = with_code

    page = client.get(in_language("/admin/login/", language)).content.decode()

    assert english_on(page, finders[language]) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_section_of_the_admin_has_a_finnish_and_swedish_name(admin_client, language):
    app_list = admin_client.get(in_language("/admin/", language)).context["app_list"]
    with translation.override("en"):
        english = {
            **{
                app["app_label"]: capfirst(str(apps.get_app_config(app["app_label"]).verbose_name))
                for app in app_list
            },
            **{
                f"{app['app_label']}.{model['object_name']}": capfirst(
                    str(model["model"]._meta.verbose_name_plural)
                )
                for app in app_list
                for model in app["models"]
            },
        }

    shown = {app["app_label"]: app["name"] for app in app_list} | {
        f"{app['app_label']}.{model['object_name']}": model["name"]
        for app in app_list
        for model in app["models"]
    }
    assert {key: name for key, name in shown.items() if name == english[key]} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admin_scripts_speak_the_language_too(client, admin_user, language):
    """The two-list chooser (a library's staff, a guide's libraries), the calendar and the
    clock say everything in the page's language: the admin's script catalogue has it all."""
    client.force_login(admin_user)
    script = client.get(in_language("/admin/jsi18n/", language)).content.decode()
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S).group(1))
    wanted = read_po(DJANGO / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po")
    same_on_purpose = {
        msgid
        for msgid, text in read_po(
            DJANGO / f"contrib/admin/locale/{language}/LC_MESSAGES/djangojs.po"
        ).items()
        if text == msgid
    }

    missing = [msgid for msgid in wanted if msgid not in catalogue and msgid not in same_on_purpose]

    assert not missing, "Not translated:\n" + "\n".join(missing)
