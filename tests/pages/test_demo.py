"""``setup_demo`` makes the demo walkable: sample logins for each role, an open tandem round and hosts
of visits (one for each way a request is answered), each labelled „Beispieldaten“ where it shows,
created by setup_demo alone and only once."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Revision

from matching.addressee import hospitation_addressee
from matching.models import TandemRound
from matching.tandem_rounds import tandem_round_open_now
from municipalities.models import Municipality, MunicipalityMember
from pages.demo import DEMO_HOSTS, DEMO_LABEL, DEMO_LOGINS, demo_cases_with_hosts
from search.models import IndexTask, SearchEntry
from solutions.models import SolutionPage
from solutions.selectors import solutions_with_hosts
from tests.factories.embeddings import embeddings_reused

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
# The small extract of the register (four districts and every town of the demo cases) keeps this fast;
# the default, the whole register, is checked for readability in test_demo_register.py.
SMALL_REGISTER = ROOT / "municipalities" / "demo" / "register.csv"


def setup_demo() -> str:
    out = io.StringIO()
    # The model embeds the 25 cases once per test session, not once per test (the vectors are the same).
    with embeddings_reused():
        call_command("setup_demo", register=SMALL_REGISTER, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def snapshot() -> dict[str, object]:
    users = get_user_model().objects.order_by("username")
    return {
        "users": list(users.values_list("username", "password", "first_name", "last_name", "is_staff")),
        "groups": sorted((u.username, g.name) for u in users for g in u.groups.all()),
        "members": list(
            MunicipalityMember.objects.order_by("pk").values_list(
                "user_id", "municipality_id", "role", "approved", "approved_at"
            )
        ),
        "rounds": list(TandemRound.objects.order_by("pk").values()),
        "hosts": list(
            SolutionPage.objects.order_by("pk").values_list(
                "slug", "lead_hosts_visits", "lead_visits_per_year", "hosting_note", "contact_email", "live_revision_id"
            )
        ),
        "revisions": Revision.objects.count(),
        "municipalities": Municipality.objects.count(),
    }


@pytest.fixture
def demo():
    return setup_demo()


def test_the_steps_and_every_sample_login_are_printed(demo):
    for step in ("1/7", "2/7", "3/7", "4/7", "5/7 Suchindex aufbauen", "6/7", "7/7"):
        assert step in demo
    assert f"Beispielkonten ({DEMO_LABEL}" in demo
    for login in DEMO_LOGINS:
        assert login.email in demo and login.password in demo
    assert {login.role for login in DEMO_LOGINS} == {
        "Bürgermeisterin einer Kleinstadt",
        "Verwaltung einer Kommune mit Praxisbeispiel",
        "Redaktion",
    }


def test_the_search_index_is_built_in_its_own_step_and_nothing_is_left_over(demo):
    """The index was built silently behind a finished progress bar (a minute and more on a first start);
    now it is a step of its own with its own bar, and when setup_demo ends every case is searchable."""
    assert demo.index("4/7") < demo.index("5/7 Suchindex aufbauen") < demo.index("6/7")
    assert not IndexTask.objects.exists()
    assert SearchEntry.objects.count() == SolutionPage.objects.live().count() == 25


def test_a_tandem_round_is_open_and_labelled(demo):
    round_ = tandem_round_open_now()
    assert round_ is not None and DEMO_LABEL in round_.title


def test_sample_hosts_exist_and_are_labelled_on_the_case_page(client, demo):
    """Hosting visits is invented for the demo, so the case page says so right next to the host."""
    hosting = solutions_with_hosts(SolutionPage.objects.live()).select_related("lead_municipality")
    assert sorted(hosting.values_list("slug", flat=True)) == sorted(host.slug for host in DEMO_HOSTS)
    for page in hosting:
        html = client.get(page.url).content.decode()
        name = page.lead_municipality.name
        button = f"Hospitation in {name} anfragen"
        assert button in html, page.slug
        # the label follows the host's button within the same list entry
        entry = html[html.index(button) : html.index("</li>", html.index(button))]
        assert f"{DEMO_LABEL}: Für die Demo erfunden" in entry, entry


def test_the_profiles_label_invented_hosts_too(client, demo):
    """Profiles list hosts as well: their own („… empfängt Hospitationen“) and those nearby."""
    hosting = solutions_with_hosts(SolutionPage.objects.live()).select_related("lead_municipality")
    for page in hosting:
        town = page.lead_municipality
        own = client.get(town.get_absolute_url()).content.decode()
        said = own[own.index(f"{town.name} empfängt Hospitationen") :]
        assert f"{DEMO_LABEL}: Für die Demo erfunden" in said[: said.index("</p>")], town.name
    neighbour = Municipality.objects.get(ags="15083245")  # Gröningen, beside Barleben
    html = client.get(neighbour.get_absolute_url()).content.decode()
    nearby = html[html.index("Hospitationen in der Nähe") :]
    nearby = nearby[: nearby.index("</section>")]
    assert nearby.count("Hospitation anfragen") == nearby.count(f"{DEMO_LABEL}: Für die Demo erfunden") > 0


def test_the_sample_hosts_cover_every_way_a_request_is_answered(client, demo):
    pages = {host.slug: SolutionPage.objects.get(slug=host.slug) for host in DEMO_HOSTS}
    kinds = {slug: hospitation_addressee(page, page.lead_municipality).kind for slug, page in pages.items()}
    assert kinds == {
        "barleben-strassenzustand-ki": "members",  # the sample administration account
        "calw-lean-digitalisierung-e-akte": "contact",
        "illschwang-orts-app": "editors",
    }
    # the invented address is visibly an invented one, on the page that shows it
    calw = pages["calw-lean-digitalisierung-e-akte"]
    html = client.get(calw.url).content.decode()
    assert "ansprechperson.calw@beispieldaten.invalid" in html and DEMO_LABEL in html
    # the mayor's form names who receives each request, before sending
    mayor = DEMO_LOGINS[0]
    client.post(reverse("login"), {"username": mayor.email, "password": mayor.password})
    expected = {
        "barleben-strassenzustand-ki": "Ihre Anfrage geht an: die Verwaltung von Barleben",
        "calw-lean-digitalisierung-e-akte": "Ihre Anfrage geht an: die Ansprechperson des Praxisbeispiels",
        "illschwang-orts-app": "Ihre Anfrage geht an: die Redaktion, die sie an Illschwang weiterleitet",
    }
    for slug, sentence in expected.items():
        form = client.get(f"/hospitation/anfragen/?fall={slug}").content.decode()
        assert sentence in form, slug
        assert "ansprechperson.calw@" not in form  # the form names the role, never the address


def test_the_plain_demo_cases_mark_no_host(tmp_path):
    """Only setup_demo adds the invented hosts; the shipped case file itself states none."""
    target = demo_cases_with_hosts(ROOT / "solutions" / "demo" / "cases.jsonl", tmp_path / "cases.jsonl")
    plain = (ROOT / "solutions" / "demo" / "cases.jsonl").read_text(encoding="utf-8")
    assert '"hosts_visits": true' not in plain and DEMO_LABEL not in plain
    assert target.read_text(encoding="utf-8").count(f"{DEMO_LABEL}: Für die Demo erfunden") == len(DEMO_HOSTS)


def test_the_mayor_of_a_small_town_is_an_approved_member(demo):
    mayor = MunicipalityMember.objects.get(user__username=DEMO_LOGINS[0].email)
    assert mayor.approved and mayor.role == "mayor"
    assert mayor.municipality.get_size_class_display() in {"Kleinstadt", "Landgemeinde"}


@pytest.mark.parametrize("login", DEMO_LOGINS, ids=lambda login: login.role)
def test_each_sample_login_signs_in_and_sees_the_label(client, demo, login):
    response = client.post(reverse("login"), {"username": login.email, "password": login.password})
    assert response.status_code == 302, response.content.decode()[:500]
    user = get_user_model().objects.get(username=login.email)
    assert DEMO_LABEL in user.get_full_name()
    if login.editor:
        assert client.get("/admin/").status_code == 200
        return
    # „Meine Anfragen“ invites to the open round by its title, the tandem form names it
    page = client.get(reverse("matching:requests")).content.decode()
    assert f"Tandemrunde ({DEMO_LABEL})" in page
    form = client.get(reverse("matching:tandem-apply")).content.decode()
    assert f"Tandemrunde ({DEMO_LABEL})" in form


def test_the_printed_admin_login_opens_the_admin(client, demo):
    """The admin's login asks for the e-mail address; the printed credentials must fit that field."""
    email, password = re.search(r"E-Mail-Adresse „([^“]+)“ \(oder „admin“\), Passwort „([^“]+)“", demo).groups()
    response = client.post("/admin/login/", {"username": email, "password": password})
    assert response.status_code == 302 and client.get("/admin/").status_code == 200


def test_nothing_is_invented_without_setup_demo(site):
    assert not TandemRound.objects.exists()
    assert not get_user_model().objects.filter(username__in=[login.email for login in DEMO_LOGINS]).exists()


def test_running_it_twice_changes_nothing(demo):
    before = snapshot()
    second = setup_demo()
    assert snapshot() == before
    for login in DEMO_LOGINS:  # the logins are printed again
        assert login.email in second and login.password in second


def test_an_expired_demo_round_is_opened_again(demo):
    TandemRound.objects.update(application_start="2020-01-01", application_end="2020-02-01")
    assert tandem_round_open_now() is None
    setup_demo()
    assert TandemRound.objects.count() == 1 and tandem_round_open_now() is not None
