"""A case that travelled, as a member sees it at 375 and 1280 px: „Wo es läuft“, the transfer sentence with the
member's size class, the diffusion picture (also without scripts) and the published reason for stopping; and the
search with the filter „bewährt“ and the transfer count on each hit. axe-clean; screenshots for review."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    axe_violations,
    broken_idrefs,
    format_violations,
    login,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PUBLIC_REASON = "Die Förderung lief aus, bevor der Gemeinderat über die Lizenz entschied."


@pytest.fixture
def travelled(site_data):
    """Barleben's case taken over by four towns: Gröningen (2023, im Betrieb, from Barleben), Wolmirstedt (2024,
    Pilot, from Gröningen), Hemmingen NI (2025, geplant, from Wolmirstedt), Calw (2024, abgebrochen, published
    reason). The member „buergermeisterin“ acts for Hemmingen BW, a Kleinstadt like Wolmirstedt and Hemmingen NI."""
    from search.indexing import process_outbox
    from solutions.services import solution_adopter_save

    case, towns = site_data.cases["barleben-schlagloecher"], site_data.towns
    solution_adopter_save(
        case.pk,
        towns["groeningen"],
        since_year=2023,
        status="in_operation",
        learned_from=towns["barleben"],
        notes="Der Bauhof fährt mit; die jährliche Straßenbegehung entfällt.",
        outcomes=[{"metric": "Straßen erfasst", "value": 80, "unit": "%", "baseline": None}],
        hosts_visits=True,
    )
    solution_adopter_save(
        case.pk, towns["wolmirstedt"], since_year=2024, status="pilot", learned_from=towns["groeningen"]
    )
    solution_adopter_save(
        case.pk, towns["hemmingen_ni"], since_year=2025, status="planned", learned_from=towns["wolmirstedt"]
    )
    solution_adopter_save(
        case.pk,
        towns["calw"],
        since_year=2024,
        status="stopped",
        stopped_reason=PUBLIC_REASON,
        stopped_reason_public=True,
    )
    process_outbox()
    case.refresh_from_db()
    # the long label „Personalaufwand“ with a long value, as in the demo: it must not run into the value
    case.staff_effort = (
        "Keine zusätzlichen Kontrollfahrten: Die Bilder entstehen auf Dienstfahrten, die ohnehin stattfinden."
    )
    case.save_revision().publish()
    case.refresh_from_db()
    return case


def _check(page, label: str) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(f"{label} ({page.url})", violations)
    assert not broken_idrefs(page), broken_idrefs(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_case_page_shows_how_far_the_solution_travelled(site_data, travelled, new_context, viewport):
    page = new_context(viewport, bypass_csp=True).new_page()
    login(page, "buergermeisterin")
    page.goto(travelled.url)

    spread = page.locator("section.transfer")
    expect(spread.locator(".transfer__sentence")).to_have_text(
        "in 4 Kommunen übernommen – 1 im Betrieb, 1 im Pilotbetrieb, 1 geplant, 1 abgebrochen; "
        "2 davon in Ihrer Größenklasse"
    )
    where = page.locator("section[aria-labelledby=h-adopters]")
    expect(where).to_contain_text("seit 2023, im Betrieb, gelernt von Barleben")
    expect(where).to_contain_text("seit 2024, Pilotphase, gelernt von Gröningen")
    expect(page.locator("section[aria-labelledby=h-lessons]")).to_contain_text(PUBLIC_REASON)
    picture = spread.get_by_role("img")
    expect(picture).to_be_visible()
    expect(spread.locator(".diffusion__list li").first).to_have_text("Barleben (2023) → Gröningen (2023, im Betrieb)")

    # the picture keeps a readable size: on a phone its box scrolls sideways rather than shrinking the names
    label_px = page.evaluate("() => document.querySelector('.diffusion__label').getBoundingClientRect().height")
    assert label_px >= 12, label_px
    page_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert page_width <= viewport["width"], "the page itself must not scroll sideways"

    # on a phone the page says in words that the picture goes on to the right; on a desktop it fits
    swipe = spread.locator(".diffusion__swipe")
    if viewport is PHONE:
        expect(swipe).to_have_text("Seitlich wischen, um alle Jahre zu sehen →")
    else:
        expect(swipe).to_be_hidden()

    # „Auf einen Blick“: every label stays inside its own column, also „Personalaufwand“
    expect(page.locator(".facts-box dt", has_text="Personal")).to_be_visible()
    overlaps = page.evaluate(
        """() => [...document.querySelectorAll('.facts-box dl > div')].flatMap(row => {
            const dt = row.querySelector('dt'), dd = row.querySelector('dd');
            const a = dt.getBoundingClientRect(), b = dd.getBoundingClientRect();
            const tooWide = dt.scrollWidth > dt.clientWidth + 1 || dd.scrollWidth > dd.clientWidth + 1;
            return (a.right > b.left + 0.5 || tooWide) ? [dt.textContent] : [];
        })"""
    )
    assert not overlaps, overlaps

    _check(page, "Praxisbeispiel mit Übernahmen")
    screenshot(page, "case-transfer")
    page.locator(".facts-box").screenshot(path=str(SCREENSHOTS / f"case-facts-{viewport['width']}.png"))
    spread.scroll_into_view_if_needed()
    spread.screenshot(path=str(SCREENSHOTS / f"case-transfer-record-{viewport['width']}.png"))


def test_the_picture_needs_no_script(site_data, travelled, new_context):
    page = new_context(PHONE, javascript=False).new_page()
    page.goto(travelled.url)
    expect(page.locator("svg.diffusion__svg")).to_be_visible()
    expect(page.locator(".diffusion__list li")).to_have_count(4)
    # a visitor who is not signed in learns that towns can declare, and where to sign in for it
    hint = page.locator(".declare-hint")
    expect(hint).to_contain_text("Ihre Kommune setzt das auch um?")
    expect(hint.get_by_role("link", name="Anmelden und eintragen")).to_have_attribute(
        "href", f"/konto/anmelden/?next={travelled.url}"
    )
    page.locator(".case__aside").screenshot(path=str(SCREENSHOTS / "case-aside-anonymous-375.png"))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_search_filter_proven_and_transfer_counts(site_data, travelled, new_context, viewport):
    page = new_context(viewport, bypass_csp=True).new_page()
    page.goto("/suche/?q=Schlagl%C3%B6cher")
    hit = page.locator(".result", has_text="Schlaglöcher per Smartphone erfassen")
    expect(hit.locator(".result__transfer")).to_have_text("in 4 Kommunen übernommen, davon 1 im Betrieb")
    _check(page, "Suche mit Übernahmen")
    screenshot(page, "search-transfer")

    if viewport is PHONE:
        page.locator(".filters__toggle").click()
    page.get_by_label("bewährt (anderswo im Betrieb) (1)").check()
    page.get_by_role("button", name="Filter anwenden").click()
    expect(page.locator(".search__count")).to_have_text("1 Praxisbeispiel gefunden")
    expect(page.get_by_role("link", name="Übernahme: bewährt (anderswo im Betrieb)")).to_be_visible()
    _check(page, "Suche nur bewährte")
    screenshot(page, "search-proven")
