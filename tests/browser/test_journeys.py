"""The three journeys of issue 6, clicked and typed through the real pages in Chromium.

Every step asserts what the person sees, above all that contact details appear only once both
sides have agreed (PRODUCT.md: privacy).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, admin_login, login

# The live server needs a transactional database; serialized_rollback brings back the migrated data
# (root page, topics) that Django's flush after each such test removes. Deselect: -m "not browser".
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _search_from_header(page, text: str) -> None:
    box = page.get_by_role("banner").get_by_label("Praxisbeispiele durchsuchen")
    box.fill(text)
    box.press("Enter")


def test_mayor_finds_a_case_in_a_town_of_her_size_and_visits_it(site_data, new_context, console_errors):
    mayor, host = new_context().new_page(), new_context().new_page()
    mayor_email, host_email = site_data.email("mayor"), site_data.email("host")

    # She types her problem in everyday words into the search box in the page header.
    mayor.goto("/")
    _search_from_header(mayor, "Schlaglöcher")
    expect(mayor.get_by_role("status").filter(has_text="gefunden")).to_have_text("2 Praxisbeispiele gefunden")
    results = mayor.locator("ol.results")
    expect(results).to_contain_text("Schlaglöcher per Smartphone erfassen")
    expect(results).to_contain_text("Straßenschäden und Schlaglöcher melden")  # Calw, a Mittelstadt

    # Hemmingen (BW) has 8,222 inhabitants: she keeps the cases from small towns (Kleinstädte).
    mayor.locator(".search__facets").get_by_role("checkbox", name=re.compile(r"^Kleinstadt \(1\)")).check()
    mayor.get_by_role("button", name="Filter anwenden").click()
    expect(mayor.get_by_role("status").filter(has_text="gefunden")).to_have_text("1 Praxisbeispiel gefunden")
    expect(mayor.get_by_role("list", name="Aktive Filter")).to_contain_text("Kleinstadt")
    expect(results).not_to_contain_text("Straßenschäden und Schlaglöcher melden")

    results.get_by_role("link", name="Schlaglöcher per Smartphone erfassen").click()
    expect(mayor.get_by_role("heading", level=1)).to_have_text("Schlaglöcher per Smartphone erfassen")
    assert host_email not in mayor.content()

    # Asking for a visit needs an account: the site sends her to the login and back to the form.
    mayor.get_by_role("link", name="Hospitation anfragen", exact=True).click()
    mayor.locator("main").get_by_role("link", name="Anmelden").click()
    mayor.get_by_label("Benutzername").fill("buergermeisterin")
    mayor.get_by_label("Passwort").fill(PASSWORD)
    mayor.locator("main").get_by_role("button", name="Anmelden").click()
    expect(mayor.get_by_role("heading", level=1)).to_have_text("Hospitation anfragen")
    expect(mayor.get_by_label("Gastgeber", exact=True)).to_have_value("15083040")
    mayor.get_by_label("Wunschzeitraum").fill("Mai, gern an einem Dienstag")
    mayor.get_by_label("Wie viele Personen kommen?").fill("3")
    mayor.get_by_label("Nachricht an die Gastgeber").fill("Wir möchten die App im Dienstwagen sehen.")
    mayor.get_by_role("button", name="Anfrage senden").click()

    expect(mayor.locator("main")).to_contain_text("Ihre Anfrage ist bei Barleben angekommen.")
    expect(mayor.locator("main")).to_contain_text("Kontaktdaten erscheinen hier, sobald die Gastgeber zugesagt haben.")
    request_url = mayor.url
    assert host_email not in mayor.content()

    # The host finds the request under "Meine Anfragen" → "Erhalten"; the visitor's address is hidden.
    login(host, "barleben")
    host.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Meine Anfragen").click()
    received = host.locator("table").nth(1)
    expect(received).to_contain_text("Hemmingen")
    expect(received).to_contain_text("angefragt", ignore_case=True)
    received.get_by_role("link", name="Schlaglöcher per Smartphone erfassen").click()
    expect(host.locator("main")).to_contain_text("Mai, gern an einem Dienstag")
    assert mayor_email not in host.content()
    host.get_by_label("Nachricht (optional)").fill("Gern, wir zeigen Ihnen alles im Bauhof.")
    host.get_by_role("button", name="Annehmen").click()

    expect(host.locator("main")).to_contain_text("Angenommen. Beide Seiten sehen jetzt die Kontaktdaten.")
    expect(host.locator(".contact-card")).to_contain_text(mayor_email)

    # Now she sees the host's contact, and the host's note.
    mayor.goto(request_url)
    expect(mayor.locator(".contact-card")).to_contain_text(host_email)
    expect(mayor.locator(".contact-card")).to_contain_text("Barleben")
    expect(mayor.locator("main")).to_contain_text("Gern, wir zeigen Ihnen alles im Bauhof.")
    assert console_errors == []  # the pages work under the site's Content-Security-Policy


def test_submitted_case_is_reviewed_published_and_then_found(site_data, new_context, console_errors):
    submitter, editor, visitor = (new_context().new_page() for _ in range(3))

    # A member of Gröningen submits a case from the municipality's profile page.
    login(submitter, "groeningen")
    submitter.goto(site_data.towns["groeningen"].get_absolute_url())
    submitter.get_by_role("link", name="Eines einreichen").click()
    submitter.get_by_label("Titel").fill("Bürgerbus mit Ehrenamtlichen")
    submitter.get_by_label("Kurzbeschreibung").fill("Freiwillige fahren einen Kleinbus zu Arzt und Einkauf.")
    submitter.get_by_label("Mobilität").check()
    submitter.get_by_label("Ausgangslage / Problem").fill("Am Wochenende fährt in den Ortsteilen kein Bus.")
    submitter.get_by_label("Lösung: was haben Sie getan?").fill("Ein Verein fährt den Bürgerbus, die Gemeinde zahlt.")
    submitter.get_by_role("button", name="Zur Prüfung einreichen").click()
    expect(submitter.locator("main")).to_contain_text("in Prüfung durch die Redaktion", ignore_case=True)

    # Not public yet: the search does not know it.
    visitor.goto("/suche/?q=B%C3%BCrgerbus")
    expect(visitor.locator("main")).not_to_contain_text("Bürgerbus mit Ehrenamtlichen")

    # The editor finds it on the admin dashboard, reads it and approves it.
    admin_login(editor, "redaktion")
    review = editor.locator("#awaiting-review-section")
    review.get_by_role("link", name="Bürgerbus mit Ehrenamtlichen").click()
    expect(editor.locator("#id_title")).to_have_value("Bürgerbus mit Ehrenamtlichen")
    editor.get_by_role("button", name="Mehr Aktionen").click()
    editor.get_by_role("button", name="Freigeben und Veröffentlichen", exact=True).click()
    expect(editor.locator(".messages")).to_contain_text("Bürgerbus mit Ehrenamtlichen‘ wurde aktualisiert")

    # Now anyone finds it, and the profile of Gröningen lists it.
    visitor.goto("/")
    _search_from_header(visitor, "Bürgerbus")
    visitor.locator("ol.results").get_by_role("link", name="Bürgerbus mit Ehrenamtlichen").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Bürgerbus mit Ehrenamtlichen")
    expect(visitor.locator("main")).to_contain_text("Gröningen")
    assert console_errors == []  # the pages work under the site's Content-Security-Policy


def _apply(page, role: str, in_office_since: dt.date, topic: str) -> None:
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Meine Anfragen").click()
    page.get_by_role("link", name="Für „Tandems 2027“ bewerben").click()
    page.get_by_role("radio", name=role).check()
    page.get_by_label("Im Amt seit (TT.MM.JJJJ)").fill(in_office_since.strftime("%d.%m.%Y"))
    page.get_by_label(topic).check()
    page.get_by_role("button", name="Bewerbung senden").click()
    expect(page.locator("main")).to_contain_text("Ihre Bewerbung ist eingegangen.")


def test_tandem_partners_see_each_other_after_the_editor_confirms(site_data, new_context, console_errors):
    mentee, mentor, editor = (new_context().new_page() for _ in range(3))
    today = dt.date.today()
    mentee_email, mentor_email = site_data.email("mentee"), site_data.email("mentor")

    login(mentee, "wolmirstedt")
    _apply(mentee, "Mentee", today - dt.timedelta(days=200), "Digitale Verwaltung")
    login(mentor, "calw")
    _apply(mentor, "Mentor:in", today - dt.timedelta(days=9 * 365), "Digitale Verwaltung")

    # The editor closes the round in the admin: Matching → Tandem-Runden → the round.
    admin_login(editor, "redaktion")
    editor.get_by_role("button", name="Matching").click()
    editor.get_by_role("link", name="Tandem-Runden").click()
    editor.get_by_role("link", name="Bewerbungen und Zuordnung").click()
    expect(editor.locator("main")).to_contain_text("2 Bewerbungen")
    editor.get_by_role("button", name="Bewerbung schließen und Zuordnung berechnen").click()
    expect(editor.locator("main")).to_contain_text("Zuordnung berechnet")
    pairs = editor.locator("table").first
    expect(pairs).to_contain_text("Wolmirstedt")
    expect(pairs).to_contain_text("Calw")

    # Computed but not confirmed: nobody sees a partner yet.
    mentee.reload()
    expect(mentee.locator("main")).to_contain_text("Noch kein bestätigtes Tandem.")
    assert mentor_email not in mentee.content()
    mentor.reload()
    assert mentee_email not in mentor.content()

    editor.get_by_role("button", name="Zuordnung bestätigen und benachrichtigen").click()
    expect(editor.locator("main")).to_contain_text("Zuordnung bestätigt")

    mentee.reload()
    expect(mentee.locator(".contact-card")).to_contain_text("Calw")
    expect(mentee.locator(".contact-card")).to_contain_text(mentor_email)
    mentor.reload()
    expect(mentor.locator(".contact-card")).to_contain_text("Wolmirstedt")
    expect(mentor.locator(".contact-card")).to_contain_text(mentee_email)
    assert console_errors == []  # the pages work under the site's Content-Security-Policy
