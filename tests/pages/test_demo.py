"""``setup_demo`` makes the demo walkable: sample logins for each role, an open tandem round and hosts
of visits, each labelled „Beispieldaten“ where it shows, created by setup_demo alone and only once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Revision

from matching.models import TandemRound
from matching.tandem_rounds import tandem_round_open_now
from municipalities.models import Municipality, MunicipalityMember
from pages.demo import DEMO_LABEL, DEMO_LOGINS
from solutions.models import SolutionPage
from solutions.selectors import solutions_with_hosts

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
# The small extract of the register (four districts and every town of the demo cases) keeps this fast;
# the default, the whole register, is checked for readability in test_demo_register.py.
SMALL_REGISTER = ROOT / "municipalities" / "demo" / "register.csv"


def setup_demo() -> str:
    out = io.StringIO()
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
                "slug", "lead_hosts_visits", "lead_visits_per_year", "live_revision_id"
            )
        ),
        "revisions": Revision.objects.count(),
        "municipalities": Municipality.objects.count(),
    }


@pytest.fixture
def demo():
    return setup_demo()


def test_the_steps_and_every_sample_login_are_printed(demo):
    for step in ("1/6", "2/6", "3/6", "4/6", "5/6", "6/6"):
        assert step in demo
    assert f"Beispielkonten ({DEMO_LABEL}" in demo
    for login in DEMO_LOGINS:
        assert login.email in demo and login.password in demo
    assert {login.role for login in DEMO_LOGINS} == {
        "Bürgermeisterin einer Kleinstadt",
        "Verwaltung einer Kommune mit Praxisbeispiel",
        "Redaktion",
    }


def test_a_tandem_round_is_open_and_labelled(demo):
    round_ = tandem_round_open_now()
    assert round_ is not None and DEMO_LABEL in round_.title


def test_the_demo_invents_no_host_town(demo):
    """Hosting visits is a fact about a real town that a case page cannot mark as invented."""
    assert not solutions_with_hosts(SolutionPage.objects.live()).exists()


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
