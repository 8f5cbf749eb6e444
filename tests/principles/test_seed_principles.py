import pytest
from django.core.management import call_command

from principles.models import Page, PublishedVersion

pytestmark = pytest.mark.django_db


def test_it_publishes_the_3amk_principles():
    call_command("seed_principles")

    page = Page.objects.with_content().get()
    assert [p.name_fi for p in page.principles.all()] == [
        "Ystävällisyys",
        "Toimivuus",
        "Hyödyllisyys",
        "Asiantuntijuus",
    ]
    assert [p.guidelines.count() for p in page.principles.all()] == [3, 3, 2, 3]
    assert page.encounter_sentences.count() == 6
    assert page.statements.count() == 3
    assert PublishedVersion.objects.current().get().number == 1


def test_every_text_has_swedish_and_english():
    call_command("seed_principles")

    snapshot = PublishedVersion.objects.current().get().snapshot
    texts = [snapshot["title"], snapshot["introduction"]]
    for principle in snapshot["principles"]:
        texts += [principle["name"], principle["description"], *principle["guidelines"]]
    texts += snapshot["statements"] + snapshot["encounter_sentences"]
    assert all(text["fi"] and text["sv"] and text["en"] for text in texts)


def test_running_it_again_changes_nothing():
    call_command("seed_principles")
    page = Page.objects.get()
    page.title_fi = "Omat periaatteemme"
    page.save()

    call_command("seed_principles")

    assert Page.objects.get().title_fi == "Omat periaatteemme"
    assert PublishedVersion.objects.count() == 1
