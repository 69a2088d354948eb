"""Needs (Gesuche) as members and the public meet them: posting, the public page and list, editing,
renewing, closing, the town's opt-out, and the editors' moderation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from agency import services as agency
from agency.models import Need, NeedKind, NeedState, TownAgencySetting
from solutions.models import Topic
from tests.agency.ui_world import NEED_FORM, install, towns
from tests.factories.solutions import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):
    fake, recorder = install(monkeypatch)
    places = towns()
    people = {
        "barleben": member(places["barleben"], "barleben", email="rathaus@barleben.example"),
        "wolmirstedt": member(places["wolmirstedt"], "wolmirstedt", email="buero@wolmirstedt.example"),
        "pending": member(places["groeningen"], "groeningen", approved=False, email="neu@groeningen.example"),
    }
    people["barleben"].first_name, people["barleben"].last_name = "Frieda", "Großmüller"
    people["barleben"].save()
    return {"towns": places, "people": people, "fake": fake, "recorder": recorder}


def topic(slug: str) -> Topic:
    return Topic.objects.get(slug=slug)


def form(**changes) -> dict:
    return {**NEED_FORM, "topics": [str(topic("energie-klimaschutz").pk)], **changes}


def post_need(client, user, **changes):
    client.force_login(user)
    return client.post("/gesuche/neu/", form(**changes))


def test_an_approved_member_posts_a_need_that_is_public_at_once_without_the_person(client, world):
    response = post_need(client, world["people"]["barleben"])
    need = Need.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/gesuche/{need.ref}/"
    # readable ref from town and title, transliterated
    assert need.ref.startswith("barleben-heizungssensoren-fuer-schulen")
    assert need.state == NeedState.OPEN and need.author == world["people"]["barleben"]
    assert need.expires == timezone.localdate() + dt.timedelta(days=183)

    client.logout()
    html = client.get(f"/gesuche/{need.ref}/").content.decode()
    assert "Heizungssensoren für Schulen „ohne Anbieterbindung“" in html
    assert "Straßenbeleuchtung später" in html and "Barleben" in html and "Energie &amp; Klimaschutz" in html
    for private in ("Frieda", "Großmüller", "rathaus@barleben.example", "barleben</"):
        assert private not in html
    assert "Lösung gesucht" in html
    listing = client.get("/gesuche/").content.decode()
    assert f'href="/gesuche/{need.ref}/"' in listing and "1 Gesuch gefunden" in listing


def test_the_same_title_twice_gets_a_second_readable_ref(client, world):
    post_need(client, world["people"]["barleben"])
    post_need(client, world["people"]["barleben"])
    first, second = Need.objects.order_by("pk").values_list("ref", flat=True)
    assert second == f"{first}-2"


def test_the_form_keeps_what_was_typed_and_says_what_is_missing_in_german(client, world):
    client.force_login(world["people"]["barleben"])
    response = client.post(
        "/gesuche/neu/", {**NEED_FORM, "kind": "partner", "radius_km": "500", "expires": "31.02.2027"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte wählen Sie mindestens ein Thema." in html
    assert "Der Umkreis darf höchstens 200 km betragen." in html
    assert "Bitte ein Datum wie 31.12.2027 eingeben." in html
    assert "Heizungssensoren für Schulen „ohne Anbieterbindung“" in html  # kept, escaped correctly
    assert "Straßenbeleuchtung später" in html
    assert re.search(r'value="partner"[^>]*checked', html)
    assert Need.objects.count() == 0


def test_a_past_expiry_is_refused(client, world):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = post_need(client, world["people"]["barleben"], expires=yesterday.isoformat())
    assert response.status_code == 400
    assert "Das Ablaufdatum muss in der Zukunft liegen." in response.content.decode()


def test_a_pending_members_need_waits_for_the_editors_and_only_its_town_sees_it(client, world, editor):
    response = post_need(client, world["people"]["pending"])
    need = Need.objects.get()
    assert response.status_code == 302 and need.state == NeedState.PENDING
    own = client.get(f"/gesuche/{need.ref}/").content.decode()
    assert "wartet auf die Freigabe durch die Redaktion" in own
    client.force_login(world["people"]["wolmirstedt"])
    assert client.get(f"/gesuche/{need.ref}/").status_code == 404
    client.logout()
    assert client.get(f"/gesuche/{need.ref}/").status_code == 404
    assert need.ref not in client.get("/gesuche/").content.decode()

    # the editors approve it in the admin; then everyone sees it
    client.force_login(editor)
    moderation = reverse("agency_moderation:need", args=[need.pk])
    assert client.post(moderation, {"action": "freigeben"}).status_code == 302
    client.logout()
    assert client.get(f"/gesuche/{need.ref}/").status_code == 200


def test_editors_hide_a_need_with_a_note_that_its_town_reads(client, world, editor):
    post_need(client, world["people"]["barleben"])
    need = Need.objects.get()
    client.force_login(editor)
    moderation = reverse("agency_moderation:need", args=[need.pk])
    refused = client.post(moderation, {"action": "verbergen", "note": ""})
    assert refused.status_code == 400 and "Bitte geben Sie einen Grund an" in refused.content.decode()
    assert Need.objects.get().state == NeedState.OPEN
    client.post(moderation, {"action": "verbergen", "note": "Enthält den Namen einer Mitarbeiterin – bitte ändern."})
    assert Need.objects.get().state == NeedState.HIDDEN
    client.logout()
    assert client.get(f"/gesuche/{need.ref}/").status_code == 404
    client.force_login(world["people"]["barleben"])
    assert "Enthält den Namen einer Mitarbeiterin" in client.get("/gesuche/meine/").content.decode()
    # a member cannot re-open it by editing
    assert client.post(f"/gesuche/{need.ref}/verlaengern/").status_code == 302
    assert Need.objects.get().state == NeedState.HIDDEN


def test_a_member_without_editor_rights_cannot_moderate(client, world):
    post_need(client, world["people"]["barleben"])
    need = Need.objects.get()
    staff = User.objects.create_user("praktikant", "p@example.org", "ein-sicheres-passwort-42", is_staff=True)
    staff.groups.add(*Group.objects.filter(name="Moderatoren"))
    client.force_login(staff)
    response = client.post(reverse("agency_moderation:need", args=[need.pk]), {"action": "verbergen", "note": "x"})
    assert response.status_code in (302, 403)
    assert Need.objects.get().state == NeedState.OPEN


def test_another_towns_need_cannot_be_edited_renewed_or_closed(client, world):
    post_need(client, world["people"]["barleben"])
    need = Need.objects.get()
    client.force_login(world["people"]["wolmirstedt"])
    assert client.get(f"/gesuche/{need.ref}/bearbeiten/").status_code == 404
    assert client.post(f"/gesuche/{need.ref}/bearbeiten/", form(title="Übernommen")).status_code == 404
    for action in ("verlaengern", "schliessen"):
        assert client.post(f"/gesuche/{need.ref}/{action}/").status_code == 404
    assert client.get("/gesuche/gibt-es-nicht/bearbeiten/").status_code == 404
    assert client.get("/gesuche/gibt-es-nicht/").status_code == 404
    unchanged = Need.objects.get()
    assert (unchanged.title, unchanged.state, unchanged.expires) == (need.title, NeedState.OPEN, need.expires)


def test_edit_renew_and_close_from_the_towns_pages(client, world):
    post_need(client, world["people"]["barleben"], kind="partner", radius_km="30")
    need = Need.objects.get()
    # another member of the same town may manage it
    colleague = member(world["towns"]["barleben"], "bauamt", email="bauamt@barleben.example")
    client.force_login(colleague)
    page = client.get(f"/gesuche/{need.ref}/bearbeiten/").content.decode()
    assert "Heizungssensoren für Schulen „ohne Anbieterbindung“" in page  # prefilled
    response = client.post(
        f"/gesuche/{need.ref}/bearbeiten/",
        form(title="Gemeinsame Klimaschutzmanagerin für drei Gemeinden", kind="partner", radius_km="40"),
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.title, need.radius_km, need.kind) == (
        "Gemeinsame Klimaschutzmanagerin für drei Gemeinden",
        40,
        NeedKind.PARTNER,
    )
    before = need.expires
    client.post(f"/gesuche/{need.ref}/verlaengern/")
    need.refresh_from_db()
    assert need.expires > before
    assert "Verlängert bis" in client.get("/gesuche/meine/").content.decode()
    client.post(f"/gesuche/{need.ref}/schliessen/", {"bestaetigt": "ja"})
    need.refresh_from_db()
    assert need.state == NeedState.CLOSED
    client.logout()
    assert client.get(f"/gesuche/{need.ref}/").status_code == 410
    assert need.ref not in client.get("/gesuche/").content.decode()


def test_renewal_never_goes_beyond_a_year(world):
    need = agency.need_create(
        world["people"]["barleben"].membership,
        title="Bauhof teilen",
        description="Gemeinsamer Bauhof.",
        topics=[topic("interkommunale-zusammenarbeit")],
        kind=NeedKind.PARTNER,
        radius_km=20,
    )
    agency.need_renew(need.ref, world["people"]["barleben"].membership)
    need.refresh_from_db()
    assert need.expires == timezone.localdate() + dt.timedelta(days=366)
    with pytest.raises(agency.NeedRefused, match="schon ein Jahr"):
        agency.need_renew(need.ref, world["people"]["barleben"].membership)


def test_an_expired_need_is_not_public(client, world):
    post_need(client, world["people"]["barleben"])
    Need.objects.update(expires=timezone.localdate() - dt.timedelta(days=1))
    need = Need.objects.get()
    client.logout()
    assert client.get(f"/gesuche/{need.ref}/").status_code == 404
    assert "0 Gesuche gefunden" in client.get("/gesuche/").content.decode()


def test_the_list_filters_keep_their_selection_and_refuse_unknown_values(client, world):
    places = world["towns"]
    people = world["people"]
    post_need(client, people["barleben"])  # Sachsen-Anhalt, Kleinstadt, Lösung
    colleague = member(places["hemmingen"], "hemmingen", email="info@hemmingen.example")
    post_need(
        client,
        colleague,
        title="Azubis über TikTok finden",
        kind="anbieter",
        topics=[str(topic("personal-fachkraefte").pk)],
    )
    client.logout()
    html = client.get("/gesuche/?state=03&kind=anbieter").content.decode()
    assert "1 Gesuch gefunden" in html and "Azubis über TikTok finden" in html and "Heizungssensoren" not in html
    assert re.search(r'<option value="03" selected>Niedersachsen</option>', html)
    assert re.search(r'<option value="anbieter" selected>', html)
    assert (
        "1 Gesuch gefunden" in client.get("/gesuche/?topic=energie-klimaschutz&size_class=kleinstadt").content.decode()
    )
    assert "0 Gesuche gefunden" in client.get("/gesuche/?size_class=grossstadt").content.decode()
    bad = client.get("/gesuche/?topic=gibt-es-nicht&state=99")
    assert bad.status_code == 400
    assert "Diesen Wert gibt es nicht; bitte wählen Sie aus der Liste." in bad.content.decode()


def test_the_list_pages_with_the_filters_in_every_link(client, world):
    membership = world["people"]["barleben"].membership
    for number in range(23):
        agency.need_create(
            membership,
            title=f"Gesuch Nr. {number}",
            description="Straßenschäden erfassen.",
            topics=[topic("strassen-infrastruktur")],
            kind=NeedKind.SOLUTION,
        )
    client.logout()
    first = client.get("/gesuche/?kind=loesung").content.decode()
    assert "23 Gesuche gefunden" in first and "Seite 1 von 2" in first
    assert 'href="?kind=loesung&amp;page=2"' in first
    second = client.get("/gesuche/?kind=loesung&page=2").content.decode()
    assert second.count('class="result"') == 3


def test_the_towns_opt_out_switch(client, world):
    client.force_login(world["people"]["barleben"])
    page = client.get("/gesuche/meine/").content.decode()
    assert "Unsere Kommune darf von der Matching-Agentur vorgestellt werden" in page
    assert re.search(r'id="town-introductions"[^>]*checked', page)
    client.post("/gesuche/meine/vorstellungen/", {"introductions": "0"})
    setting = TownAgencySetting.objects.get(municipality=world["towns"]["barleben"])
    assert setting.introductions is False and setting.changed_by == world["people"]["barleben"]
    assert not re.search(r'id="town-introductions"[^>]*checked', client.get("/gesuche/meine/").content.decode())
    client.post("/gesuche/meine/vorstellungen/", {"introductions": ["0", "1"]})
    assert TownAgencySetting.objects.get().introductions is True
    # a member not yet approved cannot switch it for the town
    client.force_login(world["people"]["pending"])
    client.post("/gesuche/meine/vorstellungen/", {"introductions": "0"})
    assert not TownAgencySetting.objects.filter(municipality=world["towns"]["groeningen"]).exists()


def test_the_need_page_shows_matches_with_reasons_and_no_person(client, world):
    places, people = world["towns"], world["people"]
    hemmingen_member = member(places["hemmingen"], "hemmingen", email="info@hemmingen.example")
    hemmingen_member.first_name, hemmingen_member.last_name = "Jannik", "Düsterhoff"
    hemmingen_member.save()
    post_need(client, people["wolmirstedt"], kind="partner", radius_km="25", title="Gemeinsamer Klimaschutzmanager")
    partner = Need.objects.get()
    post_need(client, people["barleben"], kind="partner", radius_km="25", title="Klimaschutzmanager teilen")
    need = Need.objects.exclude(pk=partner.pk).get()
    world["fake"].towns[need.ref] = [places["hemmingen"]]
    world["fake"].partners[need.ref] = [partner.ref]
    client.logout()
    html = client.get(f"/gesuche/{need.ref}/").content.decode()
    assert "Gemeinsam angehen: Wolmirstedt sucht dasselbe, 15 km entfernt" in html
    assert f'href="/gesuche/{partner.ref}/"' in html
    assert "Hemmingen" in html and "Hat „Klimaschutzmanager teilen“ gelöst" in html
    for private in (
        "Jannik",
        "Düsterhoff",
        "info@hemmingen.example",
        "buero@wolmirstedt.example",
        "rathaus@barleben.example",
    ):
        assert private not in html


def test_the_demo_needs_are_labelled_sample_data_and_the_partner_pair_lies_within_both_radii(client, world):
    from agency.demo import DEMO_NEEDS, demo_needs_ensure
    from municipalities.geography import distance_km
    from tests.factories.register import municipality

    municipality("15083531", "Wanzleben-Börde", 13669, district_name="Börde", lat=52.06059, lon=11.445166)
    made = demo_needs_ensure()
    assert [n.ref for n in made] == [sample.ref for sample in DEMO_NEEDS]
    assert demo_needs_ensure() == made and Need.objects.count() == 3  # a second run adds nothing
    client.logout()
    for need in made:
        html = client.get(f"/gesuche/{need.ref}/").content.decode()
        assert "(Beispieldaten)" in html
        assert f"Beispieldaten: Dieses Gesuch ist für die Demo erfunden; {need.municipality.name} hat es nicht" in html
    partners = [n for n in made if n.kind == NeedKind.PARTNER]
    assert {n.municipality.name for n in partners} == {"Wanzleben-Börde", "Barleben"}
    apart = distance_km(partners[0].municipality, partners[1].municipality)
    assert apart <= min(n.radius_km for n in partners)


def test_the_admin_lists_filters_and_moderates_needs_in_german(client, world, editor):
    from tests.test_german_labels import english_on

    post_need(client, world["people"]["barleben"])
    post_need(client, world["people"]["pending"], title="Bürgerbus für Gröningen")
    need = Need.objects.get(state=NeedState.PENDING)
    client.force_login(editor)
    pages = {
        "Liste": reverse("wagtailsnippets_agency_need:list"),
        "Liste wartend": reverse("wagtailsnippets_agency_need:list") + "?state=pending",
        "Bearbeiten": reverse("wagtailsnippets_agency_need:edit", args=[need.pk]),
        "Ansehen": reverse("wagtailsnippets_agency_need:inspect", args=[need.pk]),
        "Prüfen": reverse("agency_moderation:need", args=[need.pk]),
        "Vorstellungen": reverse("wagtailsnippets_agency_introduction:list"),
    }
    for label, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, label
        assert not english_on(response.content.decode()), (label, english_on(response.content.decode()))
    waiting = client.get(pages["Liste wartend"]).content.decode()
    assert "Bürgerbus für Gröningen" in waiting and "Heizungssensoren" not in waiting
    # introductions are read-only, also for the editors
    assert not editor.has_perm("agency.change_introduction")


@pytest.mark.parametrize(
    "changes",
    [
        {"topics": ["99999999999999999999999"]},
        {"topics": ["-1"]},
        {"kind": "alles"},
        {"kind": "partner", "radius_km": "1e9"},
        {"kind": "partner", "radius_km": "0"},
        {"expires": "9999-99-99"},
        {"expires": "2020-01-01"},
        {"title": "x" * 201},
        {"title": "   "},
    ],
)
def test_hostile_input_is_a_german_400_and_stores_nothing(client, world, changes):
    response = post_need(client, world["people"]["barleben"], **changes)
    assert response.status_code == 400
    assert "Bitte prüfen Sie die markierten Felder." in response.content.decode()
    assert Need.objects.count() == 0


def test_markup_in_a_need_is_shown_as_text(client, world):
    post_need(client, world["people"]["barleben"], title="Kosten < 5.000 € <script>alert(1)</script> 🚲")
    need = Need.objects.get()
    html = client.get(f"/gesuche/{need.ref}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "Kosten &lt; 5.000 € &lt;script&gt;alert(1)&lt;/script&gt; 🚲" in html
    assert need.ref == "barleben-kosten-5000-scriptalert1script"  # the project's one slug rule


# --- QA walk: the admin as an editor meets it ---------------------------------------------------------------


def test_editors_cannot_add_a_need_in_the_admin_and_get_no_server_error(client, world, editor):
    """Needs come from members or the import; the admin's add form (no town, no kind) ended in a 500 for the
    administrator (the „Redaktion“ group never had the right to add)."""
    admin = User.objects.create_superuser("verwaltung", "admin@example.org", "ein-sicheres-passwort-42")
    for person in (admin, editor):
        client.force_login(person)
        listing = client.get(reverse("wagtailsnippets_agency_need:list")).content.decode()
        assert "/admin/snippets/agency/need/add/" not in listing, person
        for response in (
            client.get("/admin/snippets/agency/need/add/"),
            client.post(
                "/admin/snippets/agency/need/add/",
                {"title": "Bürgerbus für Gröningen", "description": "Wer fährt mit?", "expires": "2027-06-07"},
            ),
        ):
            assert response.status_code in (302, 403), person  # Wagtail's „keine Berechtigung“, never a 500
    assert not Need.objects.exists()
    # editing what a town wrote still works
    post_need(client, world["people"]["barleben"])
    need = Need.objects.get()
    client.force_login(editor)
    assert client.get(reverse("wagtailsnippets_agency_need:edit", args=[need.pk])).status_code == 200


def test_the_admin_list_shows_the_expiry_as_a_date(client, world, editor):
    expires = timezone.localdate() + dt.timedelta(days=183)
    post_need(client, world["people"]["barleben"], expires=expires.isoformat())
    client.force_login(editor)
    listing = client.get(reverse("wagtailsnippets_agency_need:list")).content.decode()
    assert f"{expires:%d.%m.%Y}" in listing
    assert "Jetzt gerade" not in listing


def test_the_admin_dashboard_shows_needs_waiting_for_approval(client, world, editor):
    client.force_login(editor)
    assert "warten auf Freigabe</" not in client.get("/admin/").content.decode()
    post_need(client, world["people"]["pending"], title="Bürgerbus für Gröningen")
    post_need(client, world["people"]["pending"], title="Straßenbeleuchtung „smart“ für Gröningen")
    post_need(client, world["people"]["barleben"])  # open at once: not waiting
    client.force_login(editor)
    dashboard = client.get("/admin/").content.decode()
    assert "2 Gesuche warten auf Freigabe" in dashboard
    assert "Bürgerbus für Gröningen" in dashboard and "Heizungssensoren" not in dashboard
    assert reverse("wagtailsnippets_agency_need:list") + "?state=pending" in dashboard
    need = Need.objects.get(title="Bürgerbus für Gröningen")
    assert reverse("agency_moderation:need", args=[need.pk]) in dashboard


def test_closing_asks_once_more_and_a_closed_need_says_so(client, world):
    post_need(client, world["people"]["barleben"])
    need = Need.objects.get()
    page = client.get(f"/gesuche/{need.ref}/").content.decode()
    # the need's page links to a confirmation instead of closing at once
    assert f'action="/gesuche/{need.ref}/schliessen/"' not in page
    assert f'href="/gesuche/{need.ref}/schliessen/"' in page
    confirm = client.get(f"/gesuche/{need.ref}/schliessen/")
    html = confirm.content.decode()
    assert confirm.status_code == 200 and Need.objects.get().state == NeedState.OPEN
    assert "„Heizungssensoren für Schulen „ohne Anbieterbindung““ schließen?" in html
    assert "lässt sich nicht rückgängig machen" in html and "Ja, Gesuch schließen" in html
    assert f'href="/gesuche/{need.ref}/">Nein, zurück zum Gesuch' in html
    # a POST without the confirmation closes nothing either
    assert client.post(f"/gesuche/{need.ref}/schliessen/").status_code == 200
    assert Need.objects.get().state == NeedState.OPEN
    response = client.post(f"/gesuche/{need.ref}/schliessen/", {"bestaetigt": "ja"}, follow=True)
    assert "Das Gesuch ist geschlossen" in response.content.decode()
    assert Need.objects.get().state == NeedState.CLOSED

    # the public learns that it is closed (410), with town and title, without matches
    for viewer in (None, world["people"]["wolmirstedt"]):
        client.logout()
        if viewer:
            client.force_login(viewer)
        gone = client.get(f"/gesuche/{need.ref}/")
        html = gone.content.decode()
        assert gone.status_code == 410
        assert "Dieses Gesuch ist geschlossen" in html and "Diese Seite gibt es nicht" not in html
        assert "Barleben hat das Gesuch „Heizungssensoren für Schulen „ohne Anbieterbindung““ geschlossen" in html
        assert 'href="/gesuche/"' in html
        assert "Was die Matching-Agentur dazu gefunden hat" not in html and "Frieda" not in html


def test_pending_and_hidden_needs_stay_missing_even_when_closed(client, world, editor):
    post_need(client, world["people"]["pending"], title="Bürgerbus für Gröningen")
    pending = Need.objects.get()
    client.post(f"/gesuche/{pending.ref}/schliessen/", {"bestaetigt": "ja"})
    assert Need.objects.get(pk=pending.pk).state == NeedState.CLOSED  # closed before anyone saw it
    post_need(client, world["people"]["barleben"])
    hidden = Need.objects.get(state=NeedState.OPEN)
    agency.need_hide(hidden.pk, editor, "Enthält einen Namen.")
    client.logout()
    for need in (pending, hidden):
        response = client.get(f"/gesuche/{need.ref}/")
        assert response.status_code == 404 and "Dieses Gesuch ist geschlossen" not in response.content.decode()


def test_renewing_on_the_need_page_returns_to_it_and_is_offered_only_while_possible(client, world):
    post_need(client, world["people"]["barleben"])
    need = Need.objects.get()
    page = client.get(f"/gesuche/{need.ref}/").content.decode()
    assert "Um 6 Monate verlängern" in page
    response = client.post(f"/gesuche/{need.ref}/verlaengern/", {"zurueck": "gesuch"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/gesuche/{need.ref}/"
    html = response.content.decode()
    limit = timezone.localdate() + dt.timedelta(days=366)
    assert f"Verlängert bis {limit:%d.%m.%Y}." in html
    # a year ahead: the service would refuse, so the button is gone (here and in the town's list)
    assert "Um 6 Monate verlängern" not in html
    mine = client.get("/gesuche/meine/").content.decode()
    assert f'action="/gesuche/{need.ref}/verlaengern/"' not in mine
    # from the town's list it still returns to the list
    Need.objects.update(expires=timezone.localdate() + dt.timedelta(days=30))
    assert f'action="/gesuche/{need.ref}/verlaengern/"' in client.get("/gesuche/meine/").content.decode()
    assert client.post(f"/gesuche/{need.ref}/verlaengern/")["Location"] == "/gesuche/meine/"


def test_the_towns_list_names_state_and_expiry_in_each_row(client, world):
    expires = timezone.localdate() + dt.timedelta(days=183)
    post_need(client, world["people"]["barleben"], expires=expires.isoformat())
    client.force_login(world["people"]["barleben"])
    html = client.get("/gesuche/meine/").content.decode()
    row = html[html.index("<tbody>") : html.index("</tbody>")]
    assert re.search(r"Status:\s*</span>offen", row)
    assert re.search(rf"Läuft ab am:\s*</span>{expires:%d\.%m\.%Y}", row)
    assert "agency/agency.css" in html  # where the labels are shown on phones
