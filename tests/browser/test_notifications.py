"""/benachrichtigungen/ in a real browser at 375 px and 1280 px: the bell in the header with its count, the
list readable without horizontal scrolling, no WCAG 2.1 AA violation (axe), „Alle als gelesen markieren“
working (a plain form). Screenshots to /work/shots/notifications-<width>.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, axe_violations, format_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 375, "height": 667}
SHOTS = Path("/work/shots")


def _notices(data) -> None:
    from notifications.models import NoticeKind
    from notifications.services import notify

    mayor = data.users["mayor"]
    case = data.cases["barleben-schlagloecher"]
    notify(
        [mayor],
        kind=NoticeKind.TANDEM_ROUND,
        key="tandem_round:1",
        title="Tandem-Runde „Tandems 2027“: Bewerbung bis 16.12.2026",
        body="Erfahrene und neue Bürgermeister:innen lernen voneinander.",
        url="/tandem/bewerben/",
    )
    notify(
        [mayor],
        kind=NoticeKind.HOST_NEARBY,
        key="host_nearby:15083040:1",
        title="Barleben empfängt jetzt Hospitationen: Schlaglöcher per Smartphone erfassen",
        body="37 km von Hemmingen entfernt. Ein Besuch lässt sich anfragen.",
        url=case.url,
    )
    notify(
        [mayor],
        kind=NoticeKind.NEED_MATCH,
        key="introduction:1:seeker",
        title="Vorgestellt: Barleben sucht dasselbe wie Sie",
        # the reasons of a match, one per line: each is shown on its own line
        body="20 km entfernt\ngemeinsames Thema „Energie & Klimaschutz“\nähnlich groß",
        url="/meine-anfragen/",
    )
    notify(
        [mayor],
        kind=NoticeKind.NEW_CASE,
        key="new_case:1",
        title="Neuer Treffer für Ihre gespeicherte Suche „Straßenbeleuchtung“: Straßenschäden und Schlaglöcher melden",
        body="Aus Calw.",
        url=data.cases["calw-strassenschaeden"].url,
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_notifications_page_at_phone_and_desktop_width(site_data, new_context, viewport, console_errors):
    _notices(site_data)
    context = new_context(viewport, bypass_csp=True)
    page = context.new_page()
    login(page, "buergermeisterin")
    page.goto("/benachrichtigungen/")

    bell = page.get_by_role("link", name="Benachrichtigungen, 4 ungelesen")
    expect(bell).to_be_visible()  # in the header row, also on a phone (not behind „Menü“)
    assert bell.bounding_box()["y"] < 72
    if viewport is PHONE:  # one header row: brand, bell and „Menü“
        toggle = page.locator(".site-menu__toggle").bounding_box()
        assert abs(toggle["y"] + toggle["height"] / 2 - bell.bounding_box()["y"] - 22) < 12
    expect(page.locator(".notice--unread")).to_have_count(4)
    reasons = page.locator(".notice__body li")
    expect(reasons).to_have_text(["20 km entfernt", "gemeinsames Thema „Energie & Klimaschutz“", "ähnlich groß"])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"Die Seite ist {width} px breit"

    violations = axe_violations(page)
    assert not violations, format_violations("/benachrichtigungen/", violations)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"notifications-{viewport['width']}.png"), full_page=True)

    page.get_by_role("button", name="Alle als gelesen markieren").click()
    expect(page.get_by_text("Alle Benachrichtigungen sind als gelesen markiert.")).to_be_visible()
    expect(page.get_by_role("link", name="Benachrichtigungen, keine ungelesen")).to_be_visible()
    expect(page.locator(".notice--unread")).to_have_count(0)


def test_settings_page_on_a_phone(site_data, new_context):
    from notifications.models import SavedSearch

    mayor = site_data.users["mayor"]
    SavedSearch.objects.create(user=mayor, text="Grünflächen pflegen", filters={"topic": ["klimaanpassung"]})
    SavedSearch.objects.create(user=mayor, text="Straßenbeleuchtung", near="08118027")
    page = new_context(PHONE, bypass_csp=True).new_page()
    login(page, "buergermeisterin")
    page.goto("/benachrichtigungen/einstellungen/")
    expect(page.get_by_role("checkbox", name="Wochenübersicht per E-Mail")).to_be_checked()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"Die Seite ist {width} px breit"
    violations = axe_violations(page)
    assert not violations, format_violations("/benachrichtigungen/einstellungen/", violations)
    page.screenshot(path=str(SHOTS / "notifications-settings-375.png"), full_page=True)

    page.get_by_role("checkbox", name="Klimaanpassung").check()
    page.get_by_role("checkbox", name="Wochenübersicht per E-Mail").uncheck()
    page.get_by_role("button", name="Einstellungen speichern").click()
    expect(page.get_by_text("Ihre Einstellungen sind gespeichert.")).to_be_visible()
    page.get_by_role("button", name="Löschen „Grünflächen pflegen“").click()
    expect(page.get_by_text("Die gespeicherte Suche ist gelöscht.")).to_be_visible()
    assert list(SavedSearch.objects.values_list("text", flat=True)) == ["Straßenbeleuchtung"]
    assert mayor.topic_follows.get().topic.slug == "klimaanpassung"
    assert not mayor.notification_settings.email_digest


def test_save_a_search_on_a_phone(site_data, new_context):
    from notifications.models import SavedSearch

    page = new_context(PHONE, javascript=False).new_page()
    login(page, "buergermeisterin")
    page.goto("/suche/?q=Schlagl%C3%B6cher&topic=strassen-infrastruktur")
    button = page.get_by_role("button", name="Suche speichern")
    expect(button).to_be_visible()
    assert page.locator("ol.results > li").first.bounding_box()["y"] + 60 < PHONE["height"]  # hits first
    button.click()
    expect(page.get_by_text("Ihre Suche „Schlaglöcher“ ist gespeichert.")).to_be_visible()
    page.screenshot(path=str(SHOTS / "notifications-save-search-375.png"), full_page=True)
    saved = SavedSearch.objects.get()
    assert (saved.text, saved.filters, saved.near) == (
        "Schlaglöcher",
        {"topic": ["strassen-infrastruktur"]},
        "08118027",  # Hemmingen (Baden-Württemberg): „Kommunen wie meine“ is on for members
    )
