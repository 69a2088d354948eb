"""The three journeys of issue 6, clicked and typed through the real pages in Chromium.

Every step asserts what the person sees, above all that contact details appear only once both
sides have agreed (PRODUCT.md: privacy).
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    PASSWORD,
    PHONE,
    admin_login,
    axe_violations,
    broken_idrefs,
    format_violations,
    login,
    screenshot,
)

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
    mayor.get_by_label("E-Mail-Adresse").fill("buergermeisterin")
    mayor.get_by_label("Passwort").fill(PASSWORD)
    mayor.locator("main").get_by_role("button", name="Anmelden").click()
    expect(mayor.get_by_role("heading", level=1)).to_have_text("Hospitation anfragen")
    expect(mayor.get_by_label("Barleben (Sachsen-Anhalt)")).to_be_checked()
    expect(mayor.locator("main")).to_contain_text("Ihre Anfrage geht an: die Verwaltung von Barleben")
    mayor.get_by_label("Wunschzeitraum").fill("Mai, gern an einem Dienstag")
    mayor.get_by_label("Wie viele Personen kommen?").fill("3")
    mayor.get_by_label("Nachricht an die Gastgeber").fill("Wir möchten die App im Dienstwagen sehen.")
    mayor.get_by_role("button", name="Anfrage senden").click()

    expect(mayor.locator("main")).to_contain_text("Ihre Anfrage wurde an die Verwaltung von Barleben gesendet.")
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
    editor.get_by_role("button", name="Matching", exact=True).click()
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


def test_newcomer_finds_her_town_by_name_waits_for_the_editors_and_is_approved(site_data, new_context, console_errors):
    """Issue 16.6: on her phone a mayor finds „Hemmingen“ by name (there are two), keeps what she typed,
    sees after login that her account waits, the editors are told, and one approves her."""
    from django.core import mail

    person, editor = new_context(PHONE).new_page(), new_context().new_page()
    person.goto("/konto/anmelden/")
    person.locator("main").get_by_role("link", name="Konto beantragen").click()

    # She types the name and presses Enter: the form comes back with the towns of that name.
    person.get_by_label("Ihre Kommune").fill("Hemmingen")
    person.get_by_label("Vorname").fill("Jürgen")
    person.get_by_label("Ihre Kommune").press("Enter")
    towns = person.get_by_role("group", name="Welche Kommune meinen Sie?")
    expect(towns.get_by_role("radio")).to_have_count(2)
    expect(towns).to_have_accessible_description("2 Kommunen passen zu „Hemmingen“. Bitte wählen Sie Ihre aus.")
    expect(person.get_by_label("Vorname")).to_have_value("Jürgen")  # nothing typed is lost
    expect(person.get_by_role("alert")).to_have_count(0)
    screenshot(person, "registrierung-kommunen")

    # Sending without a pick asks for one, beside the list; the rest stays as typed.
    person.get_by_label("Nachname").fill("Weiß-Müßiggang")
    person.get_by_label("Dienstliche E-Mail-Adresse").fill("j.weiss@hemmingen.example")
    person.get_by_label("Rolle").select_option(label="Bürgermeister:in")
    person.get_by_label("Passwort").fill("ein-langes-gutes-passwort-2026")
    person.get_by_role("button", name="Konto beantragen").click()
    expect(person.get_by_role("alert")).to_have_text("Bitte prüfen Sie die markierten Felder.")
    expect(towns).to_have_accessible_description(re.compile("Bitte wählen Sie Ihre Kommune aus der Liste."))
    expect(person.get_by_label("Nachname")).to_have_value("Weiß-Müßiggang")
    expect(person.get_by_label("Passwort")).to_have_value("ein-langes-gutes-passwort-2026")
    screenshot(person, "registrierung-auswahl-fehlt")

    person.get_by_label("Hemmingen (Ludwigsburg, Baden-Württemberg)").check()
    person.get_by_role("button", name="Konto beantragen").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Danke – Ihr Konto ist beantragt")
    expect(person.locator("main")).to_contain_text("für Hemmingen (Ludwigsburg, Baden-Württemberg) handeln")

    # The editors are told, with a link to her membership in the admin.
    assert [m.to for m in mail.outbox] == [[site_data.email("editor")]]
    edit_link = re.search(
        r"https?://\S+/admin/snippets/municipalities/municipalitymember/edit/\d+/", mail.outbox[0].body
    )
    assert edit_link and "Jürgen Weiß-Müßiggang" in mail.outbox[0].body

    # She logs in with her e-mail address and sees that her account waits.
    person.locator("main").get_by_role("link", name="Anmelden").click()
    person.get_by_label("E-Mail-Adresse").fill("J.Weiss@hemmingen.example")
    person.get_by_label("Passwort").fill("ein-langes-gutes-passwort-2026")
    person.locator("main").get_by_role("button", name="Anmelden").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Ihr Konto wartet auf die Freigabe")
    expect(person.locator("main")).to_contain_text("Ihr Konto wartet auf die Freigabe durch die Redaktion.")
    screenshot(person, "konto-wartet")

    # The editor sees her on the admin's start page and approves her.
    admin_login(editor, "redaktion")
    waiting = editor.locator("#pending-members-section")
    expect(waiting).to_contain_text("1 Anmeldung wartet auf Freigabe")
    waiting.get_by_role("link", name="Jürgen Weiß-Müßiggang").click()
    expect(editor).to_have_url(re.compile(re.escape(urlsplit(edit_link.group(0)).path) + "$"))
    editor.get_by_role("checkbox", name="Von der Redaktion bestätigt").check()
    editor.get_by_role("button", name="Speichern").click()
    expect(editor.locator(".messages")).to_contain_text("geändert")
    assert mail.outbox[-1].to == ["j.weiss@hemmingen.example"]

    person.reload()
    expect(person.get_by_role("heading", level=1)).to_have_text("Ihr Konto ist freigeschaltet")
    expect(person.locator("main")).to_contain_text("Sie handeln für Hemmingen (Ludwigsburg, Baden-Württemberg)")
    assert console_errors == []  # the pages work under the site's Content-Security-Policy


def test_registration_pages_have_no_axe_violations(site_data, new_context):
    """The registration form in each of its states, on a phone and on a desktop."""
    from tests.browser.helpers import DESKTOP

    report: list[str] = []
    for viewport in (PHONE, DESKTOP):
        page = new_context(viewport, bypass_csp=True).new_page()
        page.goto("/konto/registrieren/")
        states = {"leer": None, "Kommunenliste": "Hemmingen", "keine Kommune": "Hemmingenn"}
        for state, typed in states.items():
            if typed:
                page.get_by_label("Ihre Kommune").fill(typed)
                page.get_by_role("button", name="Konto beantragen").click()
            label = f"Registrierung ({state}, {viewport['width']} px)"
            violations = axe_violations(page)
            if violations:
                report.append(format_violations(label, violations))
            if broken_idrefs(page):
                report.append(f"{label}: {broken_idrefs(page)}")
            screenshot(page, f"registrierung-{state.replace(' ', '-')}")
        page.goto("/konto/anmelden/")
        violations = axe_violations(page)
        if violations:
            report.append(format_violations(f"Anmelden ({viewport['width']} px)", violations))
    assert not report, "\n\n".join(report)
