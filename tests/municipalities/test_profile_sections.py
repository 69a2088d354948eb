"""A town's profile, met as a new user meets it after ``setup_demo``: hospitation hosts nearby with their
distance, suppliers with the cases that reference them, similar towns that have cases to learn from, and
the register's landing page before any search."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from matching.models import HostQuota
from municipalities.geography import distance_km
from municipalities.models import Municipality
from solutions.models import SolutionPage

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SMALL_REGISTER = ROOT / "municipalities" / "demo" / "register.csv"

BARLEBEN, GROENINGEN, ILLSCHWANG, HEMMINGEN = "15083040", "15083245", "09371131", "03241007"


@pytest.fixture
def demo():
    call_command("setup_demo", register=SMALL_REGISTER, stdout=io.StringIO(), stderr=io.StringIO())


def town(ags: str) -> Municipality:
    return Municipality.objects.get(ags=ags)


def profile(client, ags: str) -> str:
    response = client.get(town(ags).get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    """The <section> labelled by the heading with this id (empty if the page has none)."""
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, flags=re.DOTALL)
    return match.group(0) if match else ""


def host_visits(slug: str, per_year: int = 3) -> SolutionPage:
    """The lead town of a demo case ticks „empfängt Hospitationen“, as its editor would."""
    SolutionPage.objects.filter(slug=slug).update(lead_hosts_visits=True, lead_visits_per_year=per_year)
    return SolutionPage.objects.get(slug=slug)


def test_a_town_near_a_host_sees_it_with_its_distance_nearest_first(client, demo):
    near = host_visits("barleben-strassenzustand-ki")
    far = host_visits("illschwang-orts-app")
    full = host_visits("hemmingen-heizungsoptimierung-sensoren", per_year=1)
    # Hemmingen's one place this year is taken
    HostQuota.objects.create(host=town(HEMMINGEN), solution=full, year=timezone.localdate().year, accepted=1)

    hosts = section(profile(client, GROENINGEN), "h-hosts")

    assert "Hospitationen in der Nähe" in hosts
    km_near = round(distance_km(town(GROENINGEN), town(BARLEBEN)))
    km_far = round(distance_km(town(GROENINGEN), town(ILLSCHWANG)))
    assert f"{km_near} km entfernt" in hosts and f"{km_far} km entfernt" in hosts
    assert hosts.index("Barleben") < hosts.index(f"{km_near} km") < hosts.index("Illschwang")  # nearest first
    assert near.title in hosts and far.title in hosts
    assert f"?fall={near.slug}&amp;gastgeber={BARLEBEN}" in hosts  # straight to the request form
    assert "Hemmingen" not in hosts  # this year's places are taken
    assert f"gastgeber={BARLEBEN}" not in section(profile(client, BARLEBEN), "h-hosts")  # never its own host


def test_suppliers_with_their_references_and_peers_with_cases(client, demo):
    html = profile(client, GROENINGEN)

    suppliers = section(html, "h-suppliers")
    assert "Anbieter mit Referenzen" in suppliers
    vialytics = SolutionPage.objects.get(slug="barleben-strassenzustand-ki")
    assert "vialytics" in suppliers and vialytics.title in suppliers and "(Barleben)" in suppliers
    assert "apicodo GmbH" in suppliers and "(Illschwang)" in suppliers

    learn = section(html, "h-learn-from")
    assert "Von diesen Kommunen lernen" in learn
    listed = re.findall(r'<h3 class="card__title"><a href="/kommunen/(\d{8})-', learn)
    assert listed, learn
    with_cases = set(
        SolutionPage.objects.live().exclude(lead_municipality=None).values_list("lead_municipality__ags", flat=True)
    ) | set(SolutionPage.objects.live().values_list("adopters__municipality__ags", flat=True))
    assert set(listed) <= with_cases and GROENINGEN not in listed
    assert "Barleben" in learn and vialytics.title in learn  # the peer with the case to learn from
    assert "Kommunen wie wir" in html  # the plain peers stay beside it
    assert html.index("Von diesen Kommunen lernen") < html.index("Kommunen wie wir")


def test_landing_page_shows_towns_with_cases_by_land_and_sizes_are_never_doubled(client, demo):
    html = client.get("/kommunen/").content.decode()
    assert 'type="search" name="q"' in html
    towns = section(html, "h-towns-with-cases")
    assert "Kommunen mit Praxisbeispielen" in towns
    # Barleben, Gröningen and the demo's sample adopters that run it (Haldensleben, Wanzleben-Börde);
    # planned and stopped adoptions do not count. Baden-Württemberg: Calw, Heidenheim, … and samples.
    assert re.search(r"<h3>Sachsen-Anhalt</h3>\s*<span[^>]*>\(4 Kommunen\)", towns)
    assert re.search(r"<h3>Baden-Württemberg</h3>\s*<span[^>]*>\(6 Kommunen\)", towns)
    assert 'Calw</a> <span class="muted">(3 Praxisbeispiele)</span>' in towns
    assert f"/kommunen/{GROENINGEN}-" in towns
    assert "Bonn" in towns and "Nordrhein-Westfalen" in towns

    # Gröningen is a Landgemeinde: its size reads once, wherever a size is shown
    for url in (
        town(GROENINGEN).get_absolute_url(),
        town(BARLEBEN).get_absolute_url(),
        "/kommunen/",
        "/kommunen/?q=Gröningen",
        "/suche/?q=Gröningen",
    ):
        page = client.get(url).content.decode()
        assert "Landgemeinde (Landgemeinde)" not in page, url
    facts = profile(client, GROENINGEN)
    assert "<dd>Landgemeinde</dd>" in facts
    assert "<dd>Kleinstadt (Kleine Kleinstadt)</dd>" in profile(client, BARLEBEN)

    searched = client.get("/kommunen/", {"q": "Gröningen"}).content.decode()  # a search lists towns instead
    assert "1 Kommune gefunden" in searched and "Kommunen mit Praxisbeispielen" not in searched
