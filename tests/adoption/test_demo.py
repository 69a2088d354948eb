"""The demo's sample adoptions: labelled, spread over years, sizes and Länder, a chain of two, the demo mayor's
plan with its first reminder – and a second run changes nothing."""

from __future__ import annotations

import csv
import json

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import Revision

from adoption.demo import DEMO_ADOPTIONS, ROAD, demo_adoptions_ensure
from adoption.models import AdoptionEvent, AdoptionPlan, AdoptionReminder
from municipalities.models import Municipality
from notifications.models import Notification
from pages.demo import DEMO_LOGINS, demo_logins_ensure
from solutions.models import SolutionAdopter, SolutionPage
from solutions.selectors import DETAIL_PREFETCH
from solutions.transfer import transfer_record
from tests.factories.needs import DEMO_CASES, DEMO_REGISTER
from tests.factories.register import municipality
from tests.factories.solutions import publish_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(index, tmp_path):
    slugs = {a.slug for a in DEMO_ADOPTIONS}
    with DEMO_REGISTER.open(encoding="utf-8-sig", newline="") as source:
        for row in csv.DictReader(source):
            if row["population_31122023"]:
                municipality(row["ags"], row["name_short"], int(row["population_31122023"]), state=row["land_code"])
    lines = [json.loads(line) for line in DEMO_CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    publish_cases(tmp_path, *[line for line in lines if line["slug"] in slugs])
    demo_logins_ensure()


def _snapshot():
    return {
        "adopters": list(SolutionAdopter.objects.order_by("pk").values()),
        "plans": list(AdoptionPlan.objects.order_by("pk").values()),
        "events": AdoptionEvent.objects.count(),
        "reminders": list(AdoptionReminder.objects.order_by("pk").values()),
        "notifications": Notification.objects.count(),
        "revisions": Revision.objects.count(),
        "live": list(SolutionPage.objects.order_by("pk").values_list("live_revision_id", flat=True)),
    }


def test_the_demo_shows_the_loop_and_runs_twice_without_change(client, demo_world):
    result = demo_adoptions_ensure()
    assert len(result.created) == len(DEMO_ADOPTIONS)
    rows = SolutionAdopter.objects.select_related("municipality")
    assert rows.count() == len(DEMO_ADOPTIONS) and all(r.is_sample for r in rows)
    assert all(r.notes.startswith("Beispieldaten: Für die Demo erfunden") for r in rows)
    assert {r.since_year for r in rows} == {2021, 2022, 2023, 2024, 2025, 2026}
    # nobody adopts before the town it learned from started (the lead town: the case's year) – else the
    # diffusion picture draws arrows back in time („Calw (2023) → Nagold (2021)“)
    for r in rows.select_related("page"):
        case = r.page
        if r.learned_from_id is None or r.learned_from_id == case.lead_municipality_id:
            teacher_year = case.year
        else:
            teacher_year = rows.get(page_id=r.page_id, municipality_id=r.learned_from_id).since_year
        assert r.since_year >= teacher_year, (r.municipality.name, case.slug, teacher_year)
    assert {r.status for r in rows} == {"planned", "pilot", "in_operation", "completed", "stopped"}
    assert len({r.municipality.state for r in rows}) >= 4 and len({r.municipality.size_class for r in rows}) >= 3
    # none of the towns PRODUCT.md names as adopters or leads is made an adopter
    named = {"15083040", "03241007", "08235085", "08135019", "09371131", "09371116", "13071092", "16066063"}
    assert not named & {r.municipality.ags for r in rows}
    road = SolutionPage.objects.prefetch_related(*DETAIL_PREFETCH).get(slug=ROAD)
    record = transfer_record(road)
    assert (record.count, record.in_operation, record.pilot, record.planned, record.stopped) == (5, 2, 1, 1, 1)
    assert record.depth == 2  # Barleben → Haldensleben → Wanzleben-Börde
    # one stopped reason is public, the fresh one waits for the editors
    stopped = {r.municipality.name: r for r in rows.filter(status="stopped")}
    assert stopped["Wittenberge"].public_stopped_reason and not stopped["Sülzetal"].public_stopped_reason
    # the demo mayor sees her plan under „Unsere Vorhaben“ and has a reminder with a one-click link
    mayor = DEMO_LOGINS[0]
    assert result.mayor_link and "/vorhaben/stand/" in result.mayor_link
    assert Notification.objects.filter(user__username=mayor.email, kind="adoption_reminder").count() == 1
    assert any(mayor.email in m.to for m in mail.outbox)
    client.post(reverse("login"), {"username": mayor.email, "password": mayor.password})
    page = client.get(reverse("agency:requests")).content.decode()
    assert "Unsere Vorhaben" in page and "Straßenzustand per Smartphone" in page and "Pilotphase" in page
    # Barleben's sample administration account heard of the recent declarations on its case
    host = DEMO_LOGINS[1]
    news = Notification.objects.filter(user__username=host.email, kind="adoption_news")
    assert {n.title.split(" ")[0] for n in news} == {"Wanzleben-Börde", "Colbitz"}

    before = _snapshot()
    again = demo_adoptions_ensure()
    assert again.created == [] and _snapshot() == before


def test_a_register_without_some_towns_leaves_them_out(demo_world):
    Municipality.objects.filter(ags="12070424").update(ags="99999999")  # Wittenberge „missing“
    result = demo_adoptions_ensure()
    assert len(result.created) == len(DEMO_ADOPTIONS) - 1
