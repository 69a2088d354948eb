"""A member posts a need (Gesuch) through the form and opens its page, on a phone (375 px) and a desktop
(1280 px): no axe violations, nothing wider than the screen, matches with their reasons, no person's data.
Screenshots: test-artifacts/screenshots/need-*.png, copied to /work/shots/ when that folder exists."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, login, page_problems, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/work/shots")
TITLE = "Gemeinsame Klimaschutzmanagerin „für drei Dörfer“"
TEXT = (
    "Eine eigene Stelle ist für uns allein zu groß. Wir suchen Nachbarkommunen, die sich eine "
    "Klimaschutzmanagerin teilen – Fördermittel gemeinsam beantragen, Straßenbeleuchtung und Heizungen prüfen."
)


@pytest.fixture
def matching(site_data, monkeypatch):
    """Wolmirstedt's open partner need, and matches made by hand (the ranking is tested elsewhere)."""
    from django.urls import get_resolver

    from agency import matches
    from agency.matches import NeedMatches
    from agency.models import NeedKind
    from agency.services import need_create
    from solutions.models import Topic

    get_resolver().url_patterns  # noqa: B018 - the API binds the real need_matches before it is replaced here
    made: dict[str, object] = {}

    def need_matches(need):
        theirs = made.get("theirs")
        if theirs is None or need.pk == theirs.pk:
            return NeedMatches()
        return _matches(site_data, theirs)

    monkeypatch.setattr(matches, "need_matches", need_matches)
    monkeypatch.setattr(matches, "matches_version", lambda: "browser")
    made["theirs"] = need_create(
        site_data.users["mentee"].membership,
        title="Klimaschutz gemeinsam mit Nachbarn",
        description="Wir suchen Partner für eine geteilte Stelle.",
        topics=list(Topic.objects.filter(slug__in=["energie-klimaschutz", "interkommunale-zusammenarbeit"])),
        kind=NeedKind.PARTNER,
        radius_km=30,
    )
    return made["theirs"]


def _matches(site_data, theirs):
    from agency.matches import CaseMatch, NeedMatches, PartnerMatch, TownMatch

    heating = site_data.cases["hemmingen-heizung"]

    return NeedMatches(
        cases=[
            CaseMatch(heating.slug, heating.title, heating.url, 0.8, ["passt zu „Energie & Klimaschutz“"]),
        ],
        towns=[
            TownMatch(
                municipality=site_data.towns["hemmingen_ni"],
                similarity=0.7,
                distance_km=142.0,
                cases=[CaseMatch(heating.slug, heating.title, heating.url, 0.8, [])],
                score=0.7,
                reasons=["betreibt „Heizungsoptimierung im Rathaus“ (Pilot)", "ähnlich groß wie Barleben"],
            )
        ],
        partners=[
            PartnerMatch(
                need=theirs,
                distance_km=6.0,
                score=0.9,
                reasons=["Gemeinsam angehen: Wolmirstedt sucht dasselbe, 6 km entfernt"],
            )
        ],
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_a_member_posts_a_need_and_its_page_shows_the_matches(site_data, matching, new_context, viewport):
    page = new_context(viewport, bypass_csp=True).new_page()
    report: list[str] = []
    login(page, "barleben")

    page.goto("/gesuche/neu/")
    page_problems(page, "Gesuch einstellen", report)
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Beschreibung").fill(TEXT)
    page.get_by_label("Wir suchen Nachbarn für ein gemeinsames Vorhaben / eine geteilte Stelle").check()
    page.get_by_label("Umkreis in km (nur bei Partnersuche)").fill("30")
    page.get_by_role("button", name="Gesuch veröffentlichen").click()  # no topic chosen yet
    expect(page.get_by_role("alert")).to_contain_text("Bitte prüfen Sie die markierten Felder.")
    expect(page.get_by_text("Bitte wählen Sie mindestens ein Thema.")).to_be_visible()
    expect(page.get_by_label("Titel")).to_have_value(TITLE)  # what was typed is kept
    page_problems(page, "Gesuch einstellen mit Fehlern", report)

    page.get_by_label("Energie & Klimaschutz").check()
    page.get_by_label("Interkommunale Zusammenarbeit").check()
    page.get_by_role("button", name="Gesuch veröffentlichen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert "/gesuche/barleben-gemeinsame-klimaschutzmanagerin-fuer-drei-doerfer" in page.url
    expect(page.get_by_role("status").first).to_contain_text("Ihr Gesuch ist veröffentlicht")
    expect(page.get_by_role("link", name="1 Kommune vorgestellt – zu Ihren Anfragen")).to_be_visible()
    page_problems(page, "Gesuch (Autorin)", report)

    # what the public sees: the town, the text, the matches with reasons – and no person
    url = page.url
    public = new_context(viewport, bypass_csp=True).new_page()
    public.goto(url)
    main = public.locator("main")
    expect(main).to_contain_text("Straßenbeleuchtung und Heizungen prüfen")
    expect(main).to_contain_text("Gemeinsam angehen: Wolmirstedt sucht dasselbe, 6 km entfernt")
    expect(main).to_contain_text("betreibt „Heizungsoptimierung im Rathaus“ (Pilot)")
    expect(main.get_by_role("link", name="Klimaschutz gemeinsam mit Nachbarn")).to_be_visible()
    text = main.inner_text()
    for private in ("Frank", "Nase", "rathaus@barleben.example", "Jana", "neu@wolmirstedt.example"):
        assert private not in text
    page_problems(public, "Gesuch (öffentlich)", report)
    shot = screenshot(public, "need")
    if SHOTS.is_dir():
        shutil.copy(shot, SHOTS / shot.name)

    public.goto("/gesuche/?kind=partner&state=15")
    expect(public.get_by_role("status").first).to_have_text("2 Gesuche gefunden")
    expect(public.get_by_label("Bundesland")).to_have_value("15")
    page_problems(public, "Gesuche gefiltert", report)

    page.goto("/gesuche/meine/")
    expect(page.get_by_label("Unsere Kommune darf von der Matching-Agentur vorgestellt werden")).to_be_checked()
    if viewport is PHONE:  # the header row is hidden on phones: the cells name state and expiry themselves
        expect(page.locator("tbody tr").first).to_contain_text("Status: offen")
        expect(page.locator("tbody tr").first).to_contain_text("Läuft ab am: ")
        screenshot(page, "my-needs")
    page_problems(page, "Gesuche meiner Kommune", report)

    # the agency introduced Wolmirstedt to Barleben's need: both see it under „Meine Anfragen“
    page.goto("/meine-anfragen/")
    introductions = page.get_by_role("table", name="Vorstellungen der Matching-Agentur")
    expect(introductions).to_contain_text("Wolmirstedt")
    page_problems(page, "Meine Anfragen mit Vorstellung", report)
    introductions.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("button", name="Ja, Kontakt aufnehmen")).to_be_visible()
    page_problems(page, "Vorstellung", report)

    # consent: Barleben agrees, then Wolmirstedt; only now does each side see the other's contact
    page.get_by_role("button", name="Ja, Kontakt aufnehmen").click()
    expect(page.locator("main")).to_contain_text("zugestimmt am")
    expect(page.locator("main")).not_to_contain_text("neu@wolmirstedt.example")
    introduction_url = page.url
    other = new_context(viewport, bypass_csp=True).new_page()
    login(other, "wolmirstedt")
    other.goto(introduction_url)
    expect(other.locator("main")).to_contain_text("Gemeinsam angehen: Barleben sucht dasselbe")
    expect(other.locator("main")).not_to_contain_text("rathaus@barleben.example")
    other.get_by_role("button", name="Wir sind dabei").click()
    expect(other.get_by_role("link", name="rathaus@barleben.example")).to_be_visible()
    page_problems(other, "Vorstellung, beide einverstanden", report)
    page.reload()
    expect(page.get_by_role("link", name="neu@wolmirstedt.example")).to_be_visible()

    # renewing on the need's page returns to it; closing asks once more; afterwards the address says so
    page.goto(url)
    screenshot(page, "need-own")
    page.get_by_role("button", name="Um 6 Monate verlängern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status").first).to_contain_text("Verlängert bis")
    expect(page.get_by_role("button", name="Um 6 Monate verlängern")).to_have_count(0)  # a year ahead: no more
    page.get_by_role("link", name="Schließen …").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("schließen?")
    page_problems(page, "Gesuch schließen?", report)
    page.get_by_role("button", name="Ja, Gesuch schließen").click()
    expect(page.get_by_role("status").first).to_contain_text("Das Gesuch ist geschlossen")
    public.goto(url)
    expect(public.get_by_role("heading", level=1)).to_have_text("Dieses Gesuch ist geschlossen")
    expect(public.locator("main")).to_contain_text("Barleben hat das Gesuch")
    page_problems(public, "Geschlossenes Gesuch (öffentlich)", report)
    shot = screenshot(public, "need-closed")
    if SHOTS.is_dir():
        shutil.copy(shot, SHOTS / shot.name)

    assert not report, "\n\n".join(report)
