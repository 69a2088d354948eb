"""Registration as a person meets it: the town is found by its name (no JavaScript), nothing typed is
lost, the editors are told, and the account says that it waits for them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core import mail

from accounts.services import member_approval_stamp
from core import ratelimit
from municipalities.models import MunicipalityMember
from tests.accounts.page_form import PageForm
from tests.factories.register import municipality

pytestmark = pytest.mark.django_db

REGISTER = "/konto/registrieren/"
PASSWORD = "ein-langes-gutes-passwort-2026"
PERSON = {
    "Vorname": "Jürgen",
    "Nachname": "Weiß-Müßiggang",
    "Dienstliche E-Mail-Adresse": "j.weiss@hemmingen.example",
    "Rolle": "Bürgermeister:in",
    "Passwort": PASSWORD,
}
HEMMINGEN_NI = "Hemmingen (Region Hannover, Niedersachsen)"
HEMMINGEN_BW = "Hemmingen (Ludwigsburg, Baden-Württemberg)"


@pytest.fixture
def brandenburg(register):
    return {
        "gross_koeris": municipality("12061192", "Groß Köris", 2489, district_name="Dahme-Spreewald"),
        "muencheberg": municipality("12064317", "Müncheberg", 7135, district_name="Märkisch-Oderland"),
    }


def _form(client) -> PageForm:
    return PageForm(client, REGISTER)


def test_two_hemmingen_the_person_picks_hers_by_landkreis_and_land(client, register, editor, capture_commits):
    form = _form(client).fill({"Ihre Kommune": "Hemmingen", **PERSON})
    form.press("Kommune suchen")

    assert form.radios("ags") == {HEMMINGEN_NI: False, HEMMINGEN_BW: False}
    assert "2 Kommunen passen zu „Hemmingen“" in form.html
    assert not form.alert  # a step, not a mistake: no error yet
    for label, typed in {"Ihre Kommune": "Hemmingen", **PERSON}.items():
        if label != "Rolle":
            assert form.value(label) == typed, f"{label} ging verloren"
    assert "selected>Bürgermeister:in</option>" in form.html
    assert not MunicipalityMember.objects.exists()

    with capture_commits(execute=True):
        form.choose("ags", HEMMINGEN_BW).press("Konto beantragen")
    assert "Danke – Ihr Konto ist beantragt" in form.html and HEMMINGEN_BW in form.html
    member = MunicipalityMember.objects.get()
    assert (member.municipality.ags, member.approved, member.role) == ("08118027", False, "mayor")
    assert (member.user.first_name, member.user.last_name) == ("Jürgen", "Weiß-Müßiggang")
    assert member.user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("typed", "ags"),
    [
        ("Groß Köris", "12061192"),
        ("groß köris", "12061192"),
        ("Gross Koeris", "12061192"),
        ("Groß  Köris ", "12061192"),
        ("Müncheberg", "12064317"),
        ("Muencheberg", "12064317"),
        ("MÜNCHEBERG", "12064317"),
        ("08235085", "08235085"),  # the AGS still works
    ],
)
def test_a_unique_name_with_umlauts_or_sz_registers_at_once(client, brandenburg, typed, ags):
    form = _form(client).fill({"Ihre Kommune": typed, **PERSON}).press("Konto beantragen")
    assert "Danke – Ihr Konto ist beantragt" in form.html, form.alert
    assert MunicipalityMember.objects.get().municipality.ags == ags


def test_the_search_step_shows_a_single_match_picked(client, brandenburg):
    form = _form(client).fill({"Ihre Kommune": "Groß Köris"}).press("Kommune suchen")
    assert form.radios("ags") == {"Groß Köris (Dahme-Spreewald, Brandenburg)": True}
    assert "Stimmt das?" in form.html
    assert not form.alert and not MunicipalityMember.objects.exists()


def test_no_town_of_that_name_says_so_beside_the_field_and_keeps_the_rest(client, register):
    form = _form(client).fill({"Ihre Kommune": "Hemmingenn", **PERSON}).press("Konto beantragen")
    assert "Keine Kommune heißt „Hemmingenn“" in form.error_of("Ihre Kommune")
    assert "Gemeindeschlüssel" in form.error_of("Ihre Kommune")
    assert form.alert == "Bitte prüfen Sie die markierten Felder."
    assert form.value("Nachname") == "Weiß-Müßiggang" and form.value("Passwort") == PASSWORD
    assert not MunicipalityMember.objects.exists()


def test_several_matches_and_no_pick_asks_to_choose(client, register):
    form = _form(client).fill({"Ihre Kommune": "hemmingen", **PERSON}).press("Konto beantragen")
    assert form.group_error("Welche Kommune meinen Sie?") == "Bitte wählen Sie Ihre Kommune aus der Liste."
    assert form.value("Passwort") == PASSWORD  # nothing typed is lost
    form.choose("ags", HEMMINGEN_NI).press("Konto beantragen")
    assert MunicipalityMember.objects.get().municipality.ags == "03241007"


def test_too_many_matches_show_the_best_and_say_how_to_narrow(client, register):
    for n in range(25):
        municipality(f"09{n:06d}", f"Neustadt Nr. {n}", 1000 + n, district_name=f"Kreis {n}")
    municipality("09473151", "Neustadt b.Coburg", 17000, district_name="Coburg")
    form = _form(client).fill({"Ihre Kommune": "Neustadt", **PERSON}).press("Kommune suchen")
    assert len(form.radios("ags")) == 20
    assert "Zu „Neustadt“ passen 26 Kommunen; hier stehen die 20 passendsten." in form.html
    assert "nach einem Komma den Landkreis oder das Land" in form.html

    form.fill({"Ihre Kommune": "Neustadt, Coburg"}).press("Kommune suchen")
    assert form.radios("ags") == {"Neustadt b.Coburg (Coburg, Bayern)": True}


def test_a_pick_from_an_earlier_search_is_forgotten_when_the_name_changes(client, register):
    form = _form(client).fill({"Ihre Kommune": "Hemmingen", **PERSON}).press("Kommune suchen")
    form.choose("ags", HEMMINGEN_BW).fill({"Ihre Kommune": "Calw"}).press("Konto beantragen")
    assert MunicipalityMember.objects.get().municipality.ags == "08235085"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Bitte geben Sie den Namen Ihrer Kommune ein."),
        ("1234", "Der Gemeindeschlüssel hat genau 8 Ziffern."),
        ("99999999", "Eine Kommune mit diesem Gemeindeschlüssel gibt es nicht."),
        ("x" * 201, "höchstens 200 Zeichen"),
    ],
)
def test_town_errors_are_linked_to_the_field(client, register, typed, message):
    form = _form(client).fill({"Ihre Kommune": typed, **PERSON}).press("Konto beantragen")
    assert message in form.error_of("Ihre Kommune")
    assert form.control("Ihre Kommune")["aria-invalid"] == "true"
    assert form.value("Dienstliche E-Mail-Adresse") == "j.weiss@hemmingen.example"
    assert not MunicipalityMember.objects.exists()


@pytest.mark.parametrize("typed", ["ä" * 5000, "%' OR 1=1 --", "Hemm_ngen%", "<b>Calw</b>"])
def test_odd_town_names_answer_calmly(client, register, typed):
    for button in ("Kommune suchen", "Konto beantragen"):
        form = _form(client).fill({"Ihre Kommune": typed, **PERSON}).press(button)
        assert form.response.status_code == 200 and "<b>Calw" not in form.html
        assert not form.radios("ags")  # wildcards match nothing
    assert not MunicipalityMember.objects.exists()
    assert client.post(REGISTER, {"town": "Calw\x00", "ags": "08235085"}).status_code == 400


def test_a_rejected_password_is_not_shown_again_the_rest_is(client, register):
    form = _form(client).fill({"Ihre Kommune": "Calw", **PERSON, "Passwort": "Wald7"}).press("Konto beantragen")
    assert "zu kurz" in form.error_of("Passwort")
    assert form.value("Passwort") == "" and "Wald7" not in form.html
    assert form.value("Vorname") == "Jürgen" and form.radios("ags") == {"Calw (Calw, Baden-Württemberg)": True}


def test_the_page_with_a_typed_password_is_never_cached(client, register):
    form = _form(client).fill({"Ihre Kommune": "Hemmingen", **PERSON}).press("Kommune suchen")
    assert "no-store" in form.response["Cache-Control"]


def test_searching_the_town_does_not_use_up_the_registration_limit(client, register, monkeypatch):
    rule = ratelimit.LIMITS["register"]
    monkeypatch.setitem(ratelimit.LIMITS, "register", ratelimit.Limit(rule.scope, 1, rule.window, rule.per))
    form = _form(client).fill({"Ihre Kommune": "Hemmingen", **PERSON})
    for _ in range(3):
        form.press("Kommune suchen")
    form.choose("ags", HEMMINGEN_NI).press("Konto beantragen")
    assert form.response.status_code == 200 and MunicipalityMember.objects.count() == 1
    assert client.get("/konto/registrieren/kommune/").status_code == 405  # a step of the form, nothing else


def test_posting_the_ags_alone_still_registers(client, register):
    """Scripts and older bookmarks of the form send only the picked AGS."""
    data = {"first_name": "Erika", "last_name": "Muster", "email": "e.muster@calw.example", "ags": "08235085"}
    response = client.post(REGISTER, {**data, "role": "mayor", "password": PASSWORD})
    assert "registration/register_done.html" in [t.name for t in response.templates]
    assert MunicipalityMember.objects.get().municipality.ags == "08235085"


# --- the editors are told ---------------------------------------------------------------------------


def test_the_editors_are_told_with_a_link_to_the_member(client, register, editor, admin_user, capture_commits):
    outsider = User.objects.create_user("nachbar", "nachbar@example.org", "x")
    with capture_commits(execute=True):
        _form(client).fill({"Ihre Kommune": "Calw", **PERSON}).press("Konto beantragen")
    member = MunicipalityMember.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["redaktion@example.org"]  # editors only: the applicant's data stays with them
    assert outsider.email not in message.to and admin_user.email not in message.to
    assert message.subject == "Neue Anmeldung zu prüfen: Calw (Calw, Baden-Württemberg)"
    assert "Jürgen Weiß-Müßiggang (j.weiss@hemmingen.example)" in message.body
    assert f"/admin/snippets/municipalities/municipalitymember/edit/{member.pk}/" in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body

    member.approved = True
    member.save()
    member_approval_stamp(member)
    assert member.approved_at is not None
    assert mail.outbox[-1].to == ["j.weiss@hemmingen.example"]
    member_approval_stamp(member)  # saving again does not announce again
    assert len(mail.outbox) == 2


def test_without_editors_the_administrators_are_told(client, register, admin_user, capture_commits):
    with capture_commits(execute=True):
        _form(client).fill({"Ihre Kommune": "Calw", **PERSON}).press("Konto beantragen")
    assert [m.to for m in mail.outbox] == [[admin_user.email]]


def test_the_admin_start_page_lists_waiting_registrations(client, register, editor):
    _form(client).fill({"Ihre Kommune": "Hemmingen", **PERSON}).press("Kommune suchen")
    PageForm(client, REGISTER).fill({"Ihre Kommune": "Calw", **PERSON}).press("Konto beantragen")
    member = MunicipalityMember.objects.get()
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert "1 Anmeldung wartet auf Freigabe" in html
    assert f'href="/admin/snippets/municipalities/municipalitymember/edit/{member.pk}/"' in html
    assert "Jürgen Weiß-Müßiggang" in html and "Calw (Calw, Baden-Württemberg)" in html

    member.approved = True
    member.save()
    assert "wartet auf Freigabe" not in client.get("/admin/").content.decode()


def test_the_waiting_list_link_filters_the_members(client, register, editor):
    from tests.factories.solutions import member

    member(register["calw"], "wartet", approved=False)
    member(register["barleben"], "frei", approved=True)
    client.force_login(editor)
    html = client.get("/admin/snippets/municipalities/municipalitymember/?approved=false").content.decode()
    assert "wartet" in html and "frei@" not in html and ">frei<" not in html


# --- login and the account's state ------------------------------------------------------------------


def _registered(client, capture_commits) -> MunicipalityMember:
    with capture_commits(execute=True):
        PageForm(client, REGISTER).fill({"Ihre Kommune": "Calw", **PERSON}).press("Konto beantragen")
    return MunicipalityMember.objects.get()


def test_the_login_field_says_e_mail_address(client):
    form = PageForm(client, "/konto/anmelden/")
    assert form.control("E-Mail-Adresse")["name"] == "username"
    assert form.control("E-Mail-Adresse")["autocomplete"] == "username"
    assert "Benutzername" not in form.html


@pytest.mark.parametrize("typed", ["j.weiss@hemmingen.example", "J.Weiss@Hemmingen.example"])
def test_a_waiting_account_logs_in_and_sees_that_it_waits(client, register, capture_commits, typed):
    _registered(client, capture_commits)
    form = PageForm(client, "/konto/anmelden/").fill({"E-Mail-Adresse": typed, "Passwort": PASSWORD})
    form.press("Anmelden")
    assert form.response.status_code == 302 and form.response["Location"] == "/konto/status/"
    html = client.get("/konto/status/").content.decode()
    assert "Ihr Konto wartet auf die Freigabe durch die Redaktion" in html
    assert "für Calw (Calw, Baden-Württemberg) beantragt (Rolle: Bürgermeister:in)" in html


def test_a_waiting_account_is_told_on_the_members_page_it_asked_for(client, register, capture_commits):
    _registered(client, capture_commits)
    form = PageForm(client, "/konto/anmelden/?next=/meine-anfragen/")
    form.fill({"E-Mail-Adresse": "j.weiss@hemmingen.example", "Passwort": PASSWORD}).press("Anmelden")
    assert form.response["Location"] == "/meine-anfragen/"
    html = client.get("/meine-anfragen/").content.decode()
    assert "Ihr Konto wartet auf die Freigabe durch die Redaktion: Sie prüft, ob Sie für Calw handeln dürfen." in html


def test_an_approved_account_lands_where_it_always_did(client, register, capture_commits):
    member = _registered(client, capture_commits)
    member.approved = True
    member.save()
    form = PageForm(client, "/konto/anmelden/")
    form.fill({"E-Mail-Adresse": "j.weiss@hemmingen.example", "Passwort": PASSWORD}).press("Anmelden")
    assert form.response["Location"] == "/"
    assert "Ihr Konto ist freigeschaltet" in client.get("/konto/status/").content.decode()


def test_accounts_with_a_user_name_log_in_by_e_mail_or_name(client, register):
    User.objects.create_user("redaktion", "Redaktion@Beispiel.example", PASSWORD)
    for typed in ("redaktion@beispiel.example", "redaktion"):
        form = PageForm(client, "/konto/anmelden/").fill({"E-Mail-Adresse": typed, "Passwort": PASSWORD})
        assert form.press("Anmelden").response.status_code == 302, typed
        client.logout()


def test_a_wrong_password_says_e_mail_address_or_password(client, register, capture_commits):
    _registered(client, capture_commits)
    form = PageForm(client, "/konto/anmelden/")
    form.fill({"E-Mail-Adresse": "j.weiss@hemmingen.example", "Passwort": "falsch"}).press("Anmelden")
    assert form.alert == "E-Mail-Adresse oder Passwort stimmen nicht."
    assert "_auth_user_id" not in client.session


def test_logout_and_password_reset(client, register):
    User.objects.create_user("e.muster@calw.example", "e.muster@calw.example", PASSWORD)
    client.post("/konto/anmelden/", {"username": "e.muster@calw.example", "password": PASSWORD})
    assert client.post("/konto/abmelden/").status_code == 302
    client.post("/konto/passwort/", {"email": "e.muster@calw.example"})
    assert "/konto/passwort/" in mail.outbox[-1].body


def test_the_pending_banner_for_every_page(rf, register, capture_commits, client):
    """accounts.pending.pending_context feeds templates/registration/pending_banner.html (base.html)."""
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    from accounts.pending import pending_context

    member = _registered(client, capture_commits)
    request = rf.get("/")
    for user, shown in ((member.user, True), (AnonymousUser(), False)):
        request.user = user
        html = render_to_string("registration/pending_banner.html", pending_context(request), request=request)
        assert ("Ihr Konto wartet auf die Freigabe" in html) is shown
        assert ('href="/konto/status/"' in html) is shown
    member.approved = True
    member.save()
    request.user = member.user
    assert not render_to_string("registration/pending_banner.html", pending_context(request)).strip()


def test_wrong_passwords_typed_with_the_e_mail_address_still_lock_the_account(client, register, capture_commits):
    """django-axes counts per account: the address is turned into the account before it counts."""
    _registered(client, capture_commits)
    for typed in ["j.weiss@hemmingen.example", "J.WEISS@hemmingen.example"] * 2 + ["j.weiss@hemmingen.example"]:
        response = client.post("/konto/anmelden/", {"username": typed, "password": "falsch"})
    assert response.status_code == 429
    response = client.post("/konto/anmelden/", {"username": "j.weiss@hemmingen.example", "password": PASSWORD})
    assert response.status_code == 429 and "_auth_user_id" not in client.session
