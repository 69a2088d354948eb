"""Issue 16: a newcomer walks the demo as README command 1 leaves it – no fixtures, only ``setup_demo``'s
data and the pages. The editor creates a topic with an umlaut and publishes a case with it (its town has
no account, its contact person agreed to be named); a mayor of a small town finds her town at
registration, is approved, searches, asks the case's contact person for a visit – who answers through
the link in the e-mail, without an account – and applies to the open tandem round."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, login, screenshot
from tests.factories.embeddings import embeddings_reused
from tests.factories.search_caches import search_caches_reset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
SMALL_REGISTER = ROOT / "municipalities" / "demo" / "register.csv"  # same code path as the whole register
EDITOR_EMAIL, EDITOR_PASSWORD = "redaktion@beispieldaten.invalid", "beispiel-redaktion"
NEWCOMER_PASSWORD = "Gänseblümchen-2026-über-Straßen"


@pytest.fixture
def demo_site(browser, live_server, settings) -> None:
    from search.indexing import process_outbox

    # Wagtail saves a draft in the background while the editor types; a robot that presses
    # "Veröffentlichen" during that request makes the page twice (Wagtail's own race).
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    settings.SITE_BASE_URL = live_server.url  # the links in e-mails lead to this server, as the demo's do
    search_caches_reset()
    with embeddings_reused():
        call_command("setup_demo", register=SMALL_REGISTER, stdout=io.StringIO(), stderr=io.StringIO())
        process_outbox()


def _admin_login(page) -> None:
    page.goto("/admin/login/")
    page.get_by_label("E-Mail-Adresse").fill(EDITOR_EMAIL)
    page.get_by_label("Passwort").fill(EDITOR_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")


def _editor_publishes_a_case_with_an_umlaut_topic(editor) -> None:
    editor.goto("/admin/snippets/solutions/topic/add/")
    editor.get_by_role("textbox", name="Name").press_sequentially("Grünflächen & Friedhöfe")
    editor.get_by_role("button", name="Speichern").click()
    expect(editor.locator(".messages")).to_contain_text("Grünflächen & Friedhöfe")

    editor.goto("/admin/praxisbeispiele/")  # the menu's „Praxisbeispiele“ (the menu is drawn by script)
    editor.get_by_role("link", name="Praxisbeispiel hinzufügen").click()
    if "choose_parent" in editor.url:  # Wagtail asks below which page; there is one
        editor.get_by_role("radio").first.check()
        editor.get_by_role("button", name=re.compile("Weiter|Fortfahren")).click()
    editor.locator("#id_title").press_sequentially("Blühwiesen statt Rasen auf dem Friedhof")
    editor.locator("#id_teaser").fill(
        "Statt kurz gemähtem Rasen blühen auf den Grünflächen des Friedhofs heimische Wildblumen – "
        "weniger Mähen, mehr Insekten."
    )
    editor.locator("#panel-child-inhalt-topics-section").get_by_label("Grünflächen & Friedhöfe").check()
    editor.get_by_role("button", name="Mehr Aktionen").click()
    editor.get_by_role("button", name="Veröffentlichen", exact=True).click()
    expect(editor.locator(".messages")).to_contain_text("Blühwiesen statt Rasen auf dem Friedhof")


def _newcomer_registers(person) -> None:
    person.goto("/konto/registrieren/")
    person.get_by_label("Ihre Kommune").fill("Enzklösterle")
    person.get_by_label("Vorname").fill("Käthe")
    person.get_by_label("Nachname").fill("Groß-Übelhör")
    person.get_by_label("Dienstliche E-Mail-Adresse").fill("k.gross@enzkloesterle.example")
    person.get_by_label("Rolle").select_option(label="Bürgermeister:in")
    person.get_by_label("Passwort").fill(NEWCOMER_PASSWORD)
    person.get_by_role("button", name="Konto beantragen").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Danke – Ihr Konto ist beantragt")


def _editor_approves(editor) -> None:
    editor.goto("/admin/")
    waiting = editor.locator("#pending-members-section")
    waiting.get_by_role("link", name="Käthe Groß-Übelhör").click()
    editor.get_by_role("checkbox", name="Von der Redaktion bestätigt").check()
    editor.get_by_role("button", name="Speichern").click()
    expect(editor.locator(".messages")).to_contain_text("geändert")


def test_newcomer_walks_the_demo(demo_site, new_context, console_errors):
    editor, person, contact = new_context().new_page(), new_context(PHONE).new_page(), new_context().new_page()

    _admin_login(editor)
    _editor_publishes_a_case_with_an_umlaut_topic(editor)

    _newcomer_registers(person)
    _editor_approves(editor)
    assert mail.outbox[-1].to == ["k.gross@enzkloesterle.example"]
    login(person, "k.gross@enzkloesterle.example", NEWCOMER_PASSWORD)

    # She searches on her phone and finds the demo's cases and the new one.
    person.goto("/")
    box = person.get_by_label("Welches Problem möchten Sie lösen?")
    box.fill("Blühwiese Friedhof")
    box.press("Enter")
    results = person.locator("ol.results")
    expect(results).to_contain_text("Blühwiesen statt Rasen auf dem Friedhof")
    screenshot(person, "neuling-suche")
    results.get_by_role("link", name="Blühwiesen statt Rasen auf dem Friedhof").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Blühwiesen statt Rasen auf dem Friedhof")
    expect(person.locator("main").get_by_role("link", name="Grünflächen & Friedhöfe")).to_be_visible()

    # A visit to Calw: its town has no account, the case's contact person agreed to be named (demo
    # data): the form says so before anything is sent.
    person.goto("/")
    box = person.get_by_label("Welches Problem möchten Sie lösen?")
    box.fill("E-Akte statt Papier")
    box.press("Enter")
    results.get_by_role("link", name="Lean-Digitalisierung: E-Akte statt Faxgerät und Papier").click()
    expect(person.locator("main")).to_contain_text("Beispieldaten")
    person.get_by_role("link", name="Hospitation anfragen", exact=True).click()
    calw = person.get_by_role("radio", name=re.compile("^Calw"))
    calw.check()
    expect(calw).to_have_accessible_description(
        re.compile("Ihre Anfrage geht an: die Ansprechperson des Praxisbeispiels")
    )
    person.get_by_label("Wunschzeitraum").fill("Ende März – gern vormittags")
    person.get_by_label("Wie viele Personen kommen?").fill("2")
    person.get_by_label("Nachricht an die Gastgeber").fill(
        "Wir möchten sehen, wie „Lean-Digitalisierung“ im Bürgerbüro aussieht – und was schiefging."
    )
    person.get_by_role("button", name="Anfrage senden").click()
    expect(person.locator("main")).to_contain_text("Ansprechperson")
    screenshot(person, "neuling-anfrage-gesendet")
    request_url = person.url

    # The contact person answers through the link in the e-mail, without an account.
    to_contact = mail.outbox[-1]
    assert to_contact.to == ["ansprechperson.calw@beispieldaten.invalid"]
    assert "k.gross@enzkloesterle.example" not in to_contact.body  # not before she accepted
    link = re.search(r"https?://\S+/hospitation/antwort/\S+/", to_contact.body).group(0)
    contact.goto(link)
    expect(contact.get_by_role("heading", level=1)).to_have_text("Enzklösterle möchte Calw besuchen")
    expect(contact.locator("main")).to_contain_text("Ende März – gern vormittags")
    contact.get_by_role("button", name="Annehmen").click()
    expect(contact.get_by_role("heading", level=1)).to_have_text("Danke für Ihre Antwort")
    expect(contact.locator(".contact-card")).to_contain_text("k.gross@enzkloesterle.example")
    contact.goto(link)  # a second click changes nothing
    expect(contact.locator("main")).to_contain_text("Dieser Link wurde bereits verwendet")

    person.goto(request_url)
    expect(person.locator("main")).to_contain_text("angenommen", ignore_case=True)
    expect(person.locator(".contact-card")).to_contain_text("ansprechperson.calw@beispieldaten.invalid")

    # The open tandem round of the demo.
    person.get_by_role("banner").get_by_text("Menü").click()  # on the phone the navigation sits behind it
    person.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Meine Anfragen").click()
    person.get_by_role("link", name="Für „Tandemrunde (Beispieldaten)“ bewerben").click()
    person.get_by_role("radio", name="Mentee").check()
    person.get_by_label("Im Amt seit (TT.MM.JJJJ)").fill("01.05.2026")
    person.get_by_label("Grünflächen & Friedhöfe").check()
    person.get_by_role("button", name="Bewerbung senden").click()
    expect(person.locator("main")).to_contain_text("Ihre Bewerbung ist eingegangen.")
    screenshot(person, "neuling-tandem")
    # The used link answers 410 Gone on purpose; Chromium logs every 4xx document as a console error.
    assert [e for e in console_errors if "410 (Gone)" not in e] == []
