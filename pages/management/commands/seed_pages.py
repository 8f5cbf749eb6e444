"""Demo accessibility statement and privacy notice, in Finnish, Swedish and English.

Safe to run again: a page that already exists at its address is left as staff have edited it.
The texts are a starting point for the library to correct and complete, not legal advice.
"""

from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand
from django.db import transaction

ACCESSIBILITY = {
    "/accessibility/": (
        "Saavutettavuusseloste",
        """
<p>Tämä saavutettavuusseloste koskee kirjaston digiopastuksen ajanvarausta ja asiakaspalvelun
periaatteiden sivua. Haluamme, että jokainen voi varata ajan ja lukea sivuja, myös
ruudunlukijalla, pelkällä näppäimistöllä, suurennettuna tai pienellä puhelimella.</p>
<h2>Saavutettavuuden tila</h2>
<p>Palvelu täyttää lain digitaalisten palvelujen tarjoamisesta edellyttämät WCAG 2.1
-ohjeiston AA-tason saavutettavuusvaatimukset.</p>
<h2>Miten saavutettavuus on arvioitu</h2>
<ul>
<li>Jokainen julkinen sivu tarkistetaan suomeksi, ruotsiksi ja englanniksi automaattisesti
jokaisen muutoksen yhteydessä (axe-core, Nu HTML Checker ja Lighthouse).</li>
<li>Ajan varaaminen, muuttaminen ja peruminen testataan pelkällä näppäimistöllä oikeassa
selaimessa, myös 320 pikselin levyisellä näytöllä.</li>
</ul>
<h2>Anna palautetta</h2>
<p>Huomasitko saavutettavuuspuutteen? Kerro siitä meille: soita kirjastoon tai kysy
kirjaston palvelupisteestä. Vastaamme kahden viikon kuluessa.</p>
<h2>Valvontaviranomainen</h2>
<p>Jos et ole tyytyväinen vastaukseemme, voit ilmoittaa asiasta valvontaviranomaiselle.
Lisätietoa ja yhteystiedot löydät sivustolta saavutettavuusvaatimukset.fi.</p>
""",
    ),
    "/sv/accessibility/": (
        "Tillgänglighetsutlåtande",
        """
<p>Detta tillgänglighetsutlåtande gäller bibliotekets tidsbokning för digital handledning och
sidan om våra principer för kundservice. Vi vill att alla ska kunna boka en tid och läsa
sidorna, också med skärmläsare, med enbart tangentbord, förstorat eller på en liten
telefon.</p>
<h2>Tillgänglighetsstatus</h2>
<p>Tjänsten uppfyller de krav på tillgänglighet på nivå AA i WCAG 2.1 som lagen om
tillhandahållande av digitala tjänster ställer.</p>
<h2>Hur tillgängligheten har bedömts</h2>
<ul>
<li>Varje offentlig sida kontrolleras automatiskt på finska, svenska och engelska vid varje
ändring (axe-core, Nu HTML Checker och Lighthouse).</li>
<li>Att boka, ändra och avboka en tid testas med enbart tangentbord i en riktig webbläsare,
också på en skärm som är 320 pixlar bred.</li>
</ul>
<h2>Ge respons</h2>
<p>Har du märkt en brist i tillgängligheten? Berätta det för oss: ring biblioteket eller
fråga vid bibliotekets servicedisk. Vi svarar inom två veckor.</p>
<h2>Tillsynsmyndighet</h2>
<p>Om du inte är nöjd med vårt svar kan du anmäla saken till tillsynsmyndigheten. Mer
information och kontaktuppgifter finns på webbplatsen tillganglighetskrav.fi.</p>
""",
    ),
    "/en/accessibility/": (
        "Accessibility statement",
        """
<p>This accessibility statement covers the library's booking of digital guidance times and the
page of our customer-service principles. We want everyone to be able to book a time and read
these pages, also with a screen reader, with a keyboard alone, zoomed in or on a small
phone.</p>
<h2>Compliance status</h2>
<p>The service meets the level AA accessibility requirements of WCAG 2.1 that the Finnish Act
on the Provision of Digital Services sets.</p>
<h2>How accessibility was assessed</h2>
<ul>
<li>Every public page is checked automatically in Finnish, Swedish and English with every
change (axe-core, the Nu HTML Checker and Lighthouse).</li>
<li>Booking, changing and cancelling a time are tested with a keyboard alone in a real browser,
also on a screen 320 pixels wide.</li>
</ul>
<h2>Give feedback</h2>
<p>Have you found an accessibility problem? Please tell us: call the library or ask at the
library's service desk. We reply within two weeks.</p>
<h2>Enforcement</h2>
<p>If you are not satisfied with our reply, you can notify the supervisory authority. You find
more information and its contact details at the website webaccessibility.fi.</p>
""",
    ),
}

PRIVACY = {
    "/privacy/": (
        "Tietosuojaseloste",
        """
<p>Kerromme tässä, mitä tietoja digiopastuksen ajanvarauksessa kerätään, miksi ja kuinka
kauan niitä säilytetään.</p>
<h2>Rekisterinpitäjä</h2>
<p>Rekisterinpitäjä on kirjasto, jonka digiopastukseen varaat ajan. Kysymyksiä voit esittää
soittamalla kirjastoon tai kysymällä kirjaston palvelupisteestä.</p>
<h2>Mitä tietoja keräämme ja miksi</h2>
<ul>
<li>Nimesi sekä puhelinnumerosi tai sähköpostiosoitteesi, jotta voimme vahvistaa ajan,
muistuttaa siitä ja kertoa muutoksista.</li>
<li>Laitteen, aiheen ja kuvauksesi siitä, missä tarvitset apua, jotta opastaja voi
valmistautua.</li>
<li>Varauksen ajan, kielen ja tilan, jotta kirjasto voi seurata palvelun käyttöä.
Tilastoissa ei näy nimiä.</li>
</ul>
<p>Emme pyydä henkilötunnusta, emmekä käytä evästeitä seurantaan tai mainontaan. Sivusto ei
lataa mitään muilta palvelimilta.</p>
<h2>Kuinka kauan tietoja säilytetään</h2>
<p>Nimi ja yhteystiedot säilytetään vain niin kauan kuin opastusaika sitä vaatii, ja ne
poistetaan säännöllisesti sen jälkeen. Jotta kirjasto voi laskea, kuinka moni eri ihminen
opastusta saa, puhelinnumerostasi tai sähköpostiosoitteestasi tehty koodi säilytetään noin
kaksi vuotta. Koodista ei saa numeroasi takaisin, eikä kukaan näe sitä. Jos pyydät poistamaan
tietosi, myös koodi poistetaan.</p>
<h2>Palaute käynnin jälkeen</h2>
<p>Käynnin jälkeen lähetämme yhden viestin, jossa kysytään, saitko apua. Vastaus on nimetön:
sitä säilytetään ilman nimeäsi, yhteystietojasi tai varaustasi, ja vapaa kommentti poistetaan
yhtä pitkän ajan kuluttua kuin muutkin tiedot. Voit kieltää viestin varatessasi.</p>
<h2>Kuka tiedot näkee</h2>
<p>Tiedot näkevät vain kirjaston henkilökunta ja opastajasi. Tekstiviestit lähetetään
kirjaston tekstiviestipalvelun kautta. Tietoja ei luovuteta muille.</p>
<h2>Oikeutesi</h2>
<p>Voit pyytää nähdä tietosi, korjata ne tai poistaa ne. Voit perua varauksesi milloin
tahansa omasta linkistäsi. Jos katsot, että tietojasi käsitellään lainvastaisesti, voit
tehdä valituksen tietosuojavaltuutetulle.</p>
""",
    ),
    "/sv/privacy/": (
        "Dataskyddsbeskrivning",
        """
<p>Här berättar vi vilka uppgifter som samlas in när du bokar digital handledning, varför och
hur länge de sparas.</p>
<h2>Personuppgiftsansvarig</h2>
<p>Personuppgiftsansvarig är det bibliotek där du bokar digital handledning. Du kan ställa
frågor genom att ringa biblioteket eller fråga vid bibliotekets servicedisk.</p>
<h2>Vilka uppgifter vi samlar in och varför</h2>
<ul>
<li>Ditt namn och ditt telefonnummer eller din e-postadress, så att vi kan bekräfta tiden,
påminna dig om den och berätta om ändringar.</li>
<li>Enheten, ämnet och din beskrivning av vad du behöver hjälp med, så att handledaren kan
förbereda sig.</li>
<li>Bokningens tid, språk och status, så att biblioteket kan följa hur tjänsten används.
Inga namn syns i statistiken.</li>
</ul>
<p>Vi ber inte om din personbeteckning och använder inga kakor för spårning eller reklam.
Webbplatsen laddar ingenting från andra servrar.</p>
<h2>Hur länge uppgifterna sparas</h2>
<p>Namn och kontaktuppgifter sparas bara så länge handledningstiden kräver det och raderas
regelbundet efter det. För att biblioteket ska kunna räkna hur många olika personer som får
handledning sparas en kod som görs av ditt telefonnummer eller din e-postadress i ungefär två
år. Koden kan inte göras om till ditt nummer, och ingen ser den. Om du ber oss radera dina
uppgifter raderas också koden.</p>
<h2>Respons efter besöket</h2>
<p>Efter besöket skickar vi ett meddelande där vi frågar om du fick hjälp. Svaret är anonymt:
det sparas utan ditt namn, dina kontaktuppgifter eller din bokning, och en fri kommentar
raderas efter lika lång tid som de andra uppgifterna. Du kan säga nej till meddelandet när
du bokar.</p>
<h2>Vem ser uppgifterna</h2>
<p>Uppgifterna ses bara av bibliotekets personal och din handledare. Textmeddelanden skickas
via bibliotekets sms-tjänst. Uppgifterna lämnas inte ut till andra.</p>
<h2>Dina rättigheter</h2>
<p>Du kan be att få se, rätta eller radera dina uppgifter. Du kan avboka när som helst via
din egen länk. Om du anser att dina uppgifter behandlas i strid med lagen kan du lämna in
ett klagomål till dataombudsmannen.</p>
""",
    ),
    "/en/privacy/": (
        "Privacy notice",
        """
<p>Here we tell you what details are collected when you book digital guidance, why, and how
long they are kept.</p>
<h2>Controller</h2>
<p>The controller is the library where you book digital guidance. You can ask us anything
about your details by calling the library or at the library's service desk.</p>
<h2>What we collect and why</h2>
<ul>
<li>Your name and your phone number or e-mail address, so that we can confirm the time,
remind you of it and tell you about changes.</li>
<li>The device, the topic and your description of what you need help with, so that the guide
can prepare.</li>
<li>The time, language and status of the booking, so that the library can follow how the
service is used. The statistics show no names.</li>
</ul>
<p>We never ask for your personal identity code, and we use no cookies for tracking or
advertising. The site loads nothing from other servers.</p>
<h2>How long we keep your details</h2>
<p>Your name and contact details are kept only as long as the guidance time needs them, and
are deleted regularly after that. So that the library can count how many different people
the guidance reaches, a code made from your phone number or e-mail address is kept for about
two years. Your number cannot be worked out from the code, and no one sees it. If you ask us
to erase your details, the code goes too.</p>
<h2>Feedback after the visit</h2>
<p>After the visit we send one message asking whether you got the help you needed. Your answer
is anonymous: it is kept without your name, your contact details or your booking, and a
comment is erased after the same time as the other details. You can say no to the message
when booking.</p>
<h2>Who sees your details</h2>
<p>Only library staff and your guide see them. Text messages are sent through the library's
text-message service. Your details are not given to anyone else.</p>
<h2>Your rights</h2>
<p>You can ask to see, correct or delete your details. You can cancel your booking at any time
from your own link. If you think your details are handled unlawfully, you can complain to the
Data Protection Ombudsman.</p>
""",
    ),
}


class Command(BaseCommand):
    help = "Create the demo accessibility statement and privacy notice (fi, sv, en) if missing."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        site = Site.objects.get_current()
        made = 0
        for url, (title, content) in {**ACCESSIBILITY, **PRIVACY}.items():
            page, created = FlatPage.objects.get_or_create(
                url=url, defaults={"title": title, "content": content.strip()}
            )
            page.sites.add(site)
            made += created
        self.stdout.write(f"Information pages ready: {made} new.")
