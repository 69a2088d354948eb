"""On a phone (375 × 667 px, an iPhone SE's screen) the search results come first: a header of one
row with a „Menü“ disclosure, search boxes across the whole width, the filters behind „Filter (n)“ –
all of it working without JavaScript. On a desktop (1280 px) header and filters stay open in view."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, login, screenshot

# The live server needs a transactional database; serialized_rollback brings back the migrated data
# (root page, topics) that Django's flush after each such test removes. Deselect: -m "not browser".
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SMALL_PHONE = {"width": 375, "height": 667}
SEARCH = "/suche/?q=Schlagl%C3%B6cher"
# The header's single row: the brand beside the „Menü“ toggle (a 44 px tap target) and some padding.
HEADER_MAX = 72


def _top(page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["y"]


def _count(page):
    return page.locator(".search__count")


def test_the_first_result_starts_on_the_first_phone_screen(site_data, new_context):
    page = new_context(SMALL_PHONE).new_page()
    login(page, "buergermeisterin")  # a member's page has the most in its header
    page.goto(SEARCH + "&size_class=kleinstadt")  # an active filter adds its chip above the results
    expect(_count(page)).to_have_text("1 Praxisbeispiel gefunden")

    first = _top(page, "ol.results > li")
    assert first + 60 < SMALL_PHONE["height"], f"Der erste Treffer beginnt erst bei {first:.0f} px"
    screenshot(page, "suche-telefon")

    # Without the disclosure the filters would push the results off the screen: the check above is
    # not passed merely because there are few filters.
    page.locator(".filters__toggle").click()
    expect(page.get_by_role("checkbox", name="Kleinstadt")).to_be_visible()
    opened = _top(page, "ol.results > li")
    assert opened > SMALL_PHONE["height"], f"Auch mit offenen Filtern beginnt der Treffer bei {opened:.0f} px"


def test_search_boxes_take_the_whole_width_on_a_phone(site_data, new_context):
    page = new_context(SMALL_PHONE).new_page()
    for url, box in [("/", "#home-search-q"), (SEARCH, "#search-q")]:
        page.goto(url)
        content = page.locator("main .container").first.bounding_box()["width"]
        width = page.locator(box).bounding_box()["width"]
        assert width >= 0.9 * content, f"{url}: das Suchfeld ist {width:.0f} von {content:.0f} px breit"

    # The header's search box sits in the menu, as wide as the menu.
    page.get_by_text("Menü", exact=True).click()
    header = page.get_by_role("banner").get_by_label("Praxisbeispiele durchsuchen")
    expect(header).to_be_visible()
    assert header.bounding_box()["width"] >= 0.6 * SMALL_PHONE["width"]


def test_the_header_is_one_row_and_a_menu_that_works_without_javascript(site_data, new_context):
    page = new_context(SMALL_PHONE, javascript=False).new_page()
    login(page, "buergermeisterin")
    page.goto(site_data.cases["barleben-schlagloecher"].url)
    banner = page.get_by_role("banner")
    height = banner.bounding_box()["height"]
    assert height <= HEADER_MAX, f"Die Kopfzeile ist {height:.0f} px hoch"
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav).to_be_hidden()

    # With the keyboard: the skip link first, then the brand, then „Menü“, which opens with Enter.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Zum Inhalt springen")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    toggle = banner.get_by_text("Menü", exact=True)
    expect(toggle).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(nav).to_be_visible()
    screenshot(page, "menue-offen")
    for link in nav.get_by_role("link").all():  # one a line, each easy to tap
        assert link.bounding_box()["height"] >= 40
    nav.get_by_role("link", name="Meine Anfragen").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.endswith("/meine-anfragen/")
    expect(page.get_by_role("navigation", name="Hauptnavigation")).to_be_hidden()  # closed on the next page


def test_on_a_desktop_header_and_filters_are_in_view_without_toggles(site_data, new_context):
    page = new_context(DESKTOP).new_page()
    page.goto(SEARCH)
    banner = page.get_by_role("banner")
    expect(banner.get_by_text("Menü", exact=True)).to_be_hidden()
    expect(page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Kommunen")).to_be_visible()
    expect(banner.get_by_label("Praxisbeispiele durchsuchen")).to_be_visible()
    assert banner.bounding_box()["height"] <= HEADER_MAX  # brand, search and navigation in one row

    expect(page.locator(".filters__toggle")).to_be_hidden()
    expect(page.get_by_role("heading", name="Filtern")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Kleinstadt")).to_be_visible()
    # filters on the left, results on the right, both starting near the top of the screen
    facets, results = page.locator(".search__facets").bounding_box(), page.locator(".search__results").bounding_box()
    assert facets["x"] + facets["width"] <= results["x"]
    assert _top(page, "ol.results > li") < 500


@pytest.mark.parametrize("viewport", [SMALL_PHONE, DESKTOP], ids=["375px", "1280px"])
def test_filters_work_without_javascript_and_count_the_active_ones(site_data, new_context, viewport):
    page = new_context(viewport, javascript=False).new_page()
    page.goto(SEARCH)
    expect(_count(page)).to_have_text("2 Praxisbeispiele gefunden")
    toggle = page.locator(".filters__toggle")
    expect(toggle).to_have_text("Filter")  # no filter active yet
    small = viewport is SMALL_PHONE
    kleinstadt = page.get_by_role("checkbox", name="Kleinstadt")
    if small:
        expect(kleinstadt).to_be_hidden()
        toggle.click()
    expect(kleinstadt).to_be_visible()
    kleinstadt.check()
    page.get_by_role("checkbox", name="im Betrieb").check()
    page.get_by_role("button", name="Filter anwenden").click()

    expect(_count(page)).to_have_text("1 Praxisbeispiel gefunden")
    expect(page.locator("ol.results")).to_contain_text("Schlaglöcher per Smartphone erfassen")
    expect(page.get_by_role("list", name="Aktive Filter")).to_contain_text("Kleinstadt")
    expect(page.get_by_role("searchbox", name="Welches Problem möchten Sie lösen?")).to_have_value("Schlaglöcher")
    expect(toggle).to_have_text("Filter (2)")
    if small:
        expect(page.get_by_role("checkbox", name="Kleinstadt")).to_be_hidden()  # results first again
        toggle.click()
    expect(page.get_by_role("checkbox", name="Kleinstadt")).to_be_checked()

    page.get_by_role("link", name="Alle Filter entfernen").click()
    expect(_count(page)).to_have_text("2 Praxisbeispiele gefunden")
    expect(toggle).to_have_text("Filter")

