"""Creates the page tree a fresh installation needs: start page, Impressum, Datenschutz."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page, Site

from pages.models import ContentPage, FooterLinks, HomePage

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
# The Datenschutz text lists what the platform stores and why; it lives next to the privacy code.
from accounts.privacy_notice import PRIVACY_BODY  # noqa: E402


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
    return home


def _content_page(parent: Page, slug: str, title: str, body: str) -> Page:
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing
    return parent.add_child(instance=ContentPage(title=title, slug=slug, body=body, show_in_menus=False))
