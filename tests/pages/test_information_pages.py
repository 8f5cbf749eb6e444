"""The accessibility statement and the privacy notice: flat pages, one per language."""

import pytest
from django.contrib.flatpages.models import FlatPage
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("address", "title", "language"),
    [
        ("/accessibility/", "Saavutettavuusseloste", "fi"),
        ("/sv/accessibility/", "Tillgänglighetsutlåtande", "sv"),
        ("/en/accessibility/", "Accessibility statement", "en"),
        ("/privacy/", "Tietosuojaseloste", "fi"),
        ("/sv/privacy/", "Dataskyddsbeskrivning", "sv"),
        ("/en/privacy/", "Privacy notice", "en"),
    ],
)
def test_each_language_reads_its_own_page_at_its_own_address(client, address, title, language):
    call_command("seed_pages", verbosity=0)
    response = client.get(address)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert f"<h1>{title}</h1>" in page


def test_seed_pages_adds_only_what_is_missing_and_keeps_what_staff_wrote():
    call_command("seed_pages", verbosity=0)
    FlatPage.objects.filter(url="/en/privacy/").update(content="<p>Our own words.</p>")
    FlatPage.objects.filter(url="/sv/privacy/").delete()

    call_command("seed_pages", verbosity=0)

    assert FlatPage.objects.count() == 6
    assert FlatPage.objects.get(url="/en/privacy/").content == "<p>Our own words.</p>"
    assert FlatPage.objects.get(url="/sv/privacy/").title == "Dataskyddsbeskrivning"


def test_a_language_whose_page_was_removed_gets_the_not_found_page(client):
    call_command("seed_pages", verbosity=0)
    FlatPage.objects.filter(url="/en/accessibility/").delete()
    assert client.get("/en/accessibility/").status_code == 404
    assert client.get("/accessibility/").status_code == 200


def test_every_public_page_links_both_from_its_footer(client):
    page = client.get("/sv/").content.decode()
    footer = page[page.index("<footer") :]
    assert 'href="/sv/accessibility/"' in footer
    assert 'href="/sv/privacy/"' in footer


def test_the_favicon_is_our_own(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("/img/favicon.svg")
