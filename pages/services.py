"""Creates the page tree an installation needs: start page, Impressum, Datenschutz, the list of cases and the
impact page „Wirkung“."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page, Site

# The Datenschutz text lists what the platform stores and why; it lives next to the privacy code.
from accounts.privacy_notice import PRIVACY_BODY
from pages.models import ContentPage, FooterLinks, HomePage, ImpactPage
from solutions.models import SolutionIndexPage

HOME_TITLE = "Lösungen aus Kommunen für Kommunen"
HOME_INTRO = (
    "Finden Sie erprobte Lösungen aus Städten und Gemeinden Ihrer Größe – mit Kosten, Ergebnissen, "
    "Stolpersteinen und einer Ansprechperson."
)
IMPRINT_BODY = (
    "<h2>Angaben gemäß § 5 DDG</h2><p>Bitte tragen Sie hier den Betreiber dieser Plattform ein: Name, "
    "Anschrift, vertretungsberechtigte Person, Kontakt.</p>"
    "<h2>Datenquellen</h2><p>Gemeindedaten: © Statistisches Bundesamt (Destatis), "
    "Gemeindeverzeichnis-Informationssystem GV-ISys. Lizenz: Datenlizenz Deutschland – Namensnennung – "
    'Version 2.0 (<a href="https://www.govdata.de/dl-de/by-2-0">www.govdata.de/dl-de/by-2-0</a>).</p>'
)
SOLUTION_INDEX_TITLE = "Praxisbeispiele"
SOLUTION_INDEX_SLUG = "praxisbeispiele"
SOLUTION_INDEX_INTRO = "Erprobte Lösungen aus Städten und Gemeinden – mit Kosten, Ergebnissen und Ansprechpersonen."
IMPACT_TITLE = "Wirkung"
IMPACT_SLUG = "wirkung"
IMPACT_INTRO = (
    "<p>Eine gute Lösung zählt erst, wenn andere Kommunen sie übernehmen: Breitenwirkung statt weiterer "
    "Leuchttürme. Hier sehen Sie, welche Lösungen schon gereist sind, wohin und wie viele der Übernahmen "
    "heute laufen. Alle Zahlen werden aus den veröffentlichten Praxisbeispielen gezählt.</p>"
)


@transaction.atomic
def site_setup() -> HomePage:
    """Idempotent: creates what is missing and leaves edited pages alone."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's initial migration leaves a placeholder page at the slug "home".
        for placeholder in root.get_children().exact_type(Page):
            placeholder.delete()
        home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="start", intro=HOME_INTRO))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Baukasten guter Lösungen"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = site.site_name or "Baukasten guter Lösungen"
        site.save()

    imprint = _content_page(home, "impressum", "Impressum", IMPRINT_BODY)
    privacy = _content_page(home, "datenschutz", "Datenschutz", PRIVACY_BODY)
    links = FooterLinks.for_site(site or Site.objects.get(is_default_site=True))
    if links.imprint_page_id is None or links.privacy_page_id is None:
        links.imprint_page = links.imprint_page or imprint
        links.privacy_page = links.privacy_page or privacy
        links.save()
    solution_index_setup(home)
    impact_page_setup(home)
    return home


def impact_page_setup(home: HomePage) -> ImpactPage:
    """The impact page (/wirkung/) under the start page; an existing one (maybe moved or renamed by the
    editors) is left alone."""
    page = ImpactPage.objects.first()
    if page is not None:
        return page
    return home.add_child(instance=ImpactPage(title=IMPACT_TITLE, slug=IMPACT_SLUG, intro=IMPACT_INTRO))


def solution_index_setup(home: HomePage) -> SolutionIndexPage:
    """The list of cases (/praxisbeispiele/) under the start page; the case services only fetch it."""
    index = SolutionIndexPage.objects.first()
    if index is not None:
        return index
    return home.add_child(
        instance=SolutionIndexPage(title=SOLUTION_INDEX_TITLE, slug=SOLUTION_INDEX_SLUG, intro=SOLUTION_INDEX_INTRO)
    )


@transaction.atomic
def site_install() -> None:
    """What every migrated database gets (pages/apps.py runs it after ``migrate``), so that a case import
    works on a fresh installation: the start page with Impressum and Datenschutz, and the list of cases.
    An installed site is left to its editors; only a missing list of cases is added."""
    if SolutionIndexPage.objects.exists():
        return
    home = HomePage.objects.first()
    if home is None:
        site_setup()
    else:
        solution_index_setup(home)


def _content_page(parent: Page, slug: str, title: str, body: str) -> Page:
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing
    return parent.add_child(instance=ContentPage(title=title, slug=slug, body=body, show_in_menus=False))
