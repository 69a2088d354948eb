"""A small world for the security tests: one published case of Barleben that hosts visits, a
hospitation request from Calw to Barleben, a submission of Barleben, an open tandem round, a need of
Barleben with an introduction of Calw, and the
four kinds of visitors of the permission matrix."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from agency import services as agency
from agency.models import Introduction
from matching import hospitation as flow
from matching.models import TandemRound
from solutions.models import Supplier, Topic
from solutions.services import solution_submit
from tests.factories.solutions import case_line, member, publish_cases

PASSWORD = "ein-sicheres-passwort-42"  # the one tests.factories.solutions.member sets


@pytest.fixture
def case(tmp_path, register, index):
    (page,) = publish_cases(
        tmp_path,
        case_line(
            hosts_visits=True,
            visits_per_year=5,
            contact={"name": "Maria Beispiel", "role": "Bauamt", "email": "maria@barleben.example", "consent": True},
        ),
    )
    return page


@pytest.fixture
def actors(register, index):
    editor = User.objects.create_user("redakteurin", "redaktion@example.org", PASSWORD, first_name="Rita")
    editor.groups.add(Group.objects.get(name="Redaktion"))
    return {
        "own": member(register["barleben"], "barleben", email="rathaus@barleben.example"),
        "other": member(register["hemmingen_ni"], "hemmingen", email="info@hemmingen.example"),
        "visitor": member(register["calw"], "calw", email="buergermeister@calw.example"),
        "editor": editor,
    }


@pytest.fixture
def world(case, actors, register):
    request = flow.hospitation_request(
        member=actors["visitor"].membership,
        solution=case,
        host=register["barleben"],
        message="Wir möchten die App sehen.",
        period="Mai",
        people=2,
    )
    submission = solution_submit(
        member=actors["own"].membership,
        title="Bürgerbus",
        teaser="Ein Bus, den Freiwillige fahren.",
        problem="Kein Bus.",
        solution="Ein Verein fährt.",
        results="",
        lessons_learned="",
        topics=list(Topic.objects.filter(slug="mobilitaet")),
    )
    # a need of Barleben, and the agency's introduction of Calw to it
    need = agency.need_create(
        actors["own"].membership,
        title="Heizungssensoren für Schulen",
        description="Gas sparen.",
        # get_or_create: after another transactional test has emptied the database the seeded topics are gone
        topics=[Topic.objects.get_or_create(slug="energie-klimaschutz", defaults={"name": "Energie & Klimaschutz"})[0]],
        kind="loesung",
    )
    introduction = Introduction.objects.create(need=need, kind="solved", municipality=register["calw"])
    today = timezone.localdate()
    round_ = TandemRound.objects.create(
        title="Tandems", application_start=today - dt.timedelta(days=1), application_end=today + dt.timedelta(days=9)
    )
    return {
        "case": case.slug,
        "case_id": case.pk,
        "request": request.pk,
        "submission": submission.pk,
        "round": round_.pk,
        "need": need.ref,
        "need_id": need.pk,
        "introduction": introduction.pk,
        "ags": "15083040",
        "slug": "barleben",
        "topic": "strassen-infrastruktur",
        "supplier": Supplier.objects.first().slug,
    }
