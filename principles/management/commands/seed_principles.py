"""Load the 3AMK libraries' customer-service principles as the published principles page.

Safe to run again: once the page has any principles or any published version, it is left alone.
The Finnish text is the 3AMK article's own (shared/seeds/000_898cf94a0e7b119d.txt); the Swedish
and English are our translations.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from principles.content import FORMAT
from principles.models import Page
from principles.services import page_fill, page_publish


def t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


THREE_AMK = {
    "format": FORMAT,
    "title": t(
        "Asiakaspalvelun periaatteet",
        "Våra principer för kundservice",
        "Our customer-service principles",
    ),
    "introduction": t(
        "Laadukas asiakaspalvelu on keskeistä kirjastojen toiminnassa. 3AMK-kirjastojen "
        "asiakaspalvelu perustuu neljään periaatteeseen: ystävällisyys, toimivuus, "
        "hyödyllisyys ja asiantuntijuus.",
        "Kundservice av hög kvalitet är centralt i bibliotekens verksamhet. Kundservicen på "
        "3AMK-biblioteken bygger på fyra principer: vänlighet, funktionalitet, nytta och "
        "sakkunskap.",
        "Good customer service is at the heart of what libraries do. Customer service at the "
        "3AMK libraries rests on four principles: friendliness, functionality, usefulness and "
        "expertise.",
    ),
    "principles": [
        {
            "name": t("Ystävällisyys", "Vänlighet", "Friendliness"),
            "description": t(
                "Ystävällisyys on palveluidemme ja työyhteisömme läpileikkaava teema.",
                "Vänlighet genomsyrar våra tjänster och vår arbetsgemenskap.",
                "Friendliness runs through all our services and our work community.",
            ),
            "guidelines": [
                t(
                    "Ymmärrämme erilaisuuden toisissamme ja kohtaamme asiakkaat yksilöinä.",
                    "Vi förstår att vi är olika och möter kunderna som individer.",
                    "We understand that people differ, and we meet each customer as an individual.",
                ),
                t(
                    "Viestimme ystävällisesti ja selkeästi, vaikka kysymykset olisivatkin meille "
                    "tuttuja.",
                    "Vi kommunicerar vänligt och tydligt, även när vi har hört frågan förut.",
                    "We communicate kindly and clearly, even when we have heard the question "
                    "before.",
                ),
                t(
                    "Kaikki asiakkaat ovat tervetulleita ja tärkeitä.",
                    "Alla kunder är välkomna och viktiga.",
                    "Every customer is welcome and important.",
                ),
            ],
        },
        {
            "name": t("Toimivuus", "Funktionalitet", "Functionality"),
            "description": t(
                "Yhdessä pystymme tarjoamaan asiakkaille enemmän kuin kukaan meistä pystyisi "
                "yksin.",
                "Tillsammans kan vi erbjuda kunderna mer än någon av oss kunde ensam.",
                "Together we can offer our customers more than any of us could alone.",
            ),
            "guidelines": [
                t(
                    "Kirjastoissamme on toimivat tilat ja niihin on mukava tulla.",
                    "Våra bibliotek har lokaler som fungerar och dit det är trevligt att komma.",
                    "Our libraries have spaces that work and are pleasant to come to.",
                ),
                t(
                    "Toimitamme aineiston asiakkaan valitsemaan kirjastoon.",
                    "Vi levererar materialet till det bibliotek som kunden väljer.",
                    "We deliver material to the library the customer chooses.",
                ),
                t(
                    "Panostamme verkkopalveluihimme.",
                    "Vi satsar på våra webbtjänster.",
                    "We invest in our online services.",
                ),
            ],
        },
        {
            "name": t("Hyödyllisyys", "Nytta", "Usefulness"),
            "description": t(
                "Tuemme opiskelijaa kaikissa opintojen vaiheissa.",
                "Vi stöder studerande i alla skeden av studierna.",
                "We support students at every stage of their studies.",
            ),
            "guidelines": [
                t(
                    "Aineistomme ovat monipuoliset, ajantasaiset ja innostavat.",
                    "Vårt material är mångsidigt, aktuellt och inspirerande.",
                    "Our collections are varied, up to date and inspiring.",
                ),
                t(
                    "Autamme kaikissa opintojen vaiheissa sekä niiden jälkeen.",
                    "Vi hjälper till i alla skeden av studierna och även efter dem.",
                    "We help at every stage of studies, and after them too.",
                ),
            ],
        },
        {
            "name": t("Asiantuntijuus", "Sakkunskap", "Expertise"),
            "description": t(
                "On tärkeää pysähtyä kuuntelemaan asiakasta.",
                "Det är viktigt att stanna upp och lyssna på kunden.",
                "It matters to stop and listen to the customer.",
            ),
            "guidelines": [
                t(
                    "Pidämme huolen omasta ammattitaidostamme.",
                    "Vi tar hand om vår egen yrkeskunskap.",
                    "We keep our own professional skills up to date.",
                ),
                t(
                    "Ymmärrämme asiakkaan tiedontarpeet.",
                    "Vi förstår kundens informationsbehov.",
                    "We understand what information the customer needs.",
                ),
                t(
                    "Tunnemme luotettavat tiedonlähteet ja neuvomme asiakasta eteenpäin.",
                    "Vi känner till pålitliga informationskällor och hänvisar kunden vidare.",
                    "We know reliable sources of information and point the customer onwards.",
                ),
            ],
        },
    ],
    # The article shows its three speech bubbles only as a picture, so their words are not in
    # the text. These three are our wording of what it says customers should experience
    # (friendly, working, useful, expert service); staff should replace them with the real ones.
    "statements": [
        t(
            "Kirjastossa minut otettiin ystävällisesti vastaan, ja sain apua juuri siihen, mitä "
            "tarvitsin.",
            "På biblioteket blev jag vänligt bemött och fick hjälp med precis det jag behövde.",
            "At the library they welcomed me kindly and helped me with exactly what I needed.",
        ),
        t(
            "Sain aineiston siihen kirjastoon, joka minulle sopi, ja verkkopalvelut toimivat.",
            "Jag fick materialet till det bibliotek som passade mig, och webbtjänsterna fungerade.",
            "I got my material at the library that suited me, and the online services worked.",
        ),
        t(
            "Kirjastosta saa apua kaikissa opintojen vaiheissa, ja siellä tiedetään, mistä "
            "luotettava tieto löytyy.",
            "Biblioteket hjälper i alla skeden av studierna, och där vet man var pålitlig "
            "information finns.",
            "The library helps at every stage of your studies, and they know where to find "
            "reliable information.",
        ),
    ],
    "encounter_sentences": [
        t(
            "Olen ystävällinen toisille ja myös itselleni.",
            "Jag är vänlig mot andra och också mot mig själv.",
            "I am kind to others, and to myself too.",
        ),
        t(
            "Keskitymme asiakkaan kohtaamiseen.",
            "Vi fokuserar på mötet med kunden.",
            "We focus on meeting the customer.",
        ),
        t("Autamme valmistumaan!", "Vi hjälper dig att ta examen!", "We help you graduate!"),
        t(
            "Tarjoamme laajan palveluverkoston.",
            "Vi erbjuder ett brett nätverk av tjänster.",
            "We offer a wide network of services.",
        ),
        t(
            "Aineistomme ovat monipuoliset, ajantasaiset ja innostavat.",
            "Vårt material är mångsidigt, aktuellt och inspirerande.",
            "Our collections are varied, up to date and inspiring.",
        ),
        t(
            "Luotan itseeni: kyl mä osaan!",
            "Jag litar på mig själv: visst klarar jag det!",
            "I trust myself: I can do this!",
        ),
    ],
}


class Command(BaseCommand):
    help = "Load and publish the 3AMK customer-service principles, unless the page has content."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        page = Page.objects.first()
        if page and (page.versions.exists() or page.principles.exists()):
            self.stdout.write("The principles page already has content; left as it is.")
            return
        page = page_fill(page=page or Page(), snapshot=THREE_AMK)
        version = page_publish(page=page, user=None, now=timezone.now())
        self.stdout.write(f"Principles page published as version {version.number}.")
