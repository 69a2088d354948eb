"""Accessibility: axe-core (WCAG 2.0/2.1, levels A and AA) on the main pages, and the search →
filter → case → visit request path done with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, axe_violations, broken_idrefs, format_violations, login

# The live server needs a transactional database; serialized_rollback brings back the migrated data
# (root page, topics) that Django's flush after each such test removes. Deselect: -m "not browser".
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _check(page, label: str, report: list[str]) -> None:
    violations = axe_violations(page)
    if violations:
        report.append(format_violations(f"{label} ({page.url})", violations))
    if broken := broken_idrefs(page):
        report.append(f"{label} ({page.url}): Verweise auf fehlende ids: {broken}")


def test_the_axe_check_reports_what_it_finds(new_context):
    """Guards the checks below against passing vacuously (axe not loaded, no rules selected)."""
    page = new_context(bypass_csp=True).new_page()
    page.set_content(
        '<html lang="de"><head><title>Probe</title></head><body><main><h1>Probe</h1>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text" aria-describedby="fehlt">'
        "<p style='color:#aaa;background:#fff'>blass</p></main></body></html>"
    )
    found = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label", "color-contrast"} <= found
    assert broken_idrefs(page) == ['input# aria-describedby="fehlt"']


def _count(page) -> str:
    return page.locator(".search__count").inner_text()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_public_pages_have_no_axe_violations(site_data, new_context, viewport):
    page = new_context(viewport, bypass_csp=True).new_page()
    case = site_data.cases["barleben-schlagloecher"]
    report: list[str] = []

    page.goto("/")
    _check(page, "Startseite", report)

    page.goto("/suche/?q=Schlagl%C3%B6cher")
    assert _count(page) == "2 Praxisbeispiele gefunden"
    _check(page, "Suche mit Treffern", report)
    if viewport is PHONE:  # what the phone's disclosures show must pass as well
        page.locator(".site-menu__toggle").click()
        page.locator(".filters__toggle").click()
        expect(page.get_by_role("button", name="Filter anwenden")).to_be_visible()
        _check(page, "Suche mit offenem Menü und offenen Filtern", report)

    page.goto("/suche/?q=Schlagl%C3%B6cher&size_class=grossstadt")
    assert _count(page) == "0 Praxisbeispiele gefunden"
    _check(page, "Suche ohne Treffer", report)

    page.goto(case.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(case.title)
    _check(page, "Praxisbeispiel", report)

    page.goto(site_data.towns["barleben"].get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Barleben")
    _check(page, "Kommunenprofil", report)

    page.goto("/themen/strassen-infrastruktur/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Straßen & Infrastruktur")
    _check(page, "Themenseite", report)

    page.goto("/konto/anmelden/")
    _check(page, "Anmelden", report)
    page.get_by_label("E-Mail-Adresse").fill("niemand")
    page.get_by_label("Passwort").fill("falsch")
    page.locator("main").get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("stimmen nicht")
    _check(page, "Anmelden mit Fehler", report)

    assert not report, "\n\n".join(report)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_member_pages_and_forms_have_no_axe_violations(site_data, open_request, new_context, viewport):
    page = new_context(viewport, bypass_csp=True).new_page()
    report: list[str] = []
    login(page, "buergermeisterin")

    page.goto("/")  # signed in, the home page adds cases from similar towns and open requests
    _check(page, "Startseite (angemeldet)", report)

    page.goto("/meine-anfragen/")
    expect(page.locator("table").first).to_contain_text("Schlaglöcher per Smartphone erfassen")
    _check(page, "Meine Anfragen", report)

    page.goto(f"/hospitation/anfragen/?fall={site_data.cases['barleben-schlagloecher'].slug}")
    _check(page, "Hospitationsanfrage", report)
    page.get_by_role("button", name="Anfrage senden").click()  # everything left empty
    expect(page.get_by_role("alert")).to_contain_text("Bitte prüfen Sie die markierten Felder.")
    _check(page, "Hospitationsanfrage mit Fehlern", report)

    page.goto("/tandem/bewerben/")
    _check(page, "Tandem-Bewerbung", report)
    page.get_by_label("Im Amt seit (TT.MM.JJJJ)").fill("31.02.2020")
    page.get_by_role("button", name="Bewerbung senden").click()
    expect(page.get_by_role("alert")).to_be_visible()
    _check(page, "Tandem-Bewerbung mit Fehlern", report)

    page.goto("/einreichen/")
    _check(page, "Praxisbeispiel einreichen", report)
    page.get_by_label("Seit welchem Jahr?").fill("2999")
    page.get_by_role("button", name="Zur Prüfung einreichen").click()
    expect(page.get_by_role("alert")).to_be_visible()
    _check(page, "Praxisbeispiel einreichen mit Fehlern", report)

    assert not report, "\n\n".join(report)


FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== '' && style.boxShadow !== 'none';
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: (el.getAttribute('name') || ''),
    text: (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 80),
    visible: outline || shadow,
  };
}"""


def _tab_to(page, wanted, what: str, limit: int = 60) -> dict:
    """Presses Tab until ``wanted(focused)`` holds; every element passed on the way must show focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        seen.append(focused["text"] or focused["id"] or focused["tag"])
        assert focused["visible"], f"Kein sichtbarer Fokus auf {focused}"
        if wanted(focused):
            return focused
    raise AssertionError(f"{what} ist mit der Tabulatortaste nicht erreichbar; erreicht: {seen}")


def test_search_filter_and_visit_request_with_the_keyboard_only(site_data, new_context):
    page = new_context().new_page()
    login(page, "buergermeisterin")
    page.goto("/suche/")

    # The skip link comes first and leads past the header into the page's own search form.
    skip = _tab_to(page, lambda f: f["text"] == "Zum Inhalt springen", "Der Sprunglink")
    assert skip["tag"] == "a"
    page.keyboard.press("Enter")
    _tab_to(page, lambda f: f["id"] == "search-q", "Das Suchfeld")
    page.keyboard.type("Schlaglöcher")
    page.keyboard.press("Enter")
    expect(page.locator(".search__count")).to_have_text("2 Praxisbeispiele gefunden")

    # The filters are checkboxes: tick one with the space bar, then apply them with the button.
    _tab_to(page, lambda f: f["name"] == "size_class" and f["text"] == "kleinstadt", "Der Filter „Kleinstadt“")
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Kleinstadt")).to_be_checked()
    _tab_to(page, lambda f: f["text"] == "Filter anwenden", "„Filter anwenden“")
    page.keyboard.press("Enter")
    expect(page.locator(".search__count")).to_have_text("1 Praxisbeispiel gefunden")

    _tab_to(page, lambda f: f["text"] == "Schlaglöcher per Smartphone erfassen", "Der Treffer")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Schlaglöcher per Smartphone erfassen")

    _tab_to(page, lambda f: f["text"] == "Hospitation anfragen", "„Hospitation anfragen“")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hospitation anfragen")

    _tab_to(page, lambda f: f["id"] == "id_period", "Der Wunschzeitraum")
    page.keyboard.type("Im Juni")
    _tab_to(page, lambda f: f["id"] == "id_message", "Die Nachricht")
    page.keyboard.type("Wir kommen zu zweit.")
    _tab_to(page, lambda f: f["text"] == "Anfrage senden", "Der Absende-Knopf")
    page.keyboard.press("Space")

    expect(page.locator("main")).to_contain_text("Ihre Anfrage wurde an die Verwaltung von Barleben gesendet.")
    expect(page.locator("main")).to_contain_text("Im Juni")
