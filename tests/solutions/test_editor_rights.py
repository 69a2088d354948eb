"""An editor in the group "Redaktion" (not a superuser) can do the editors' jobs in the admin, and a
municipality member cannot enter the admin at all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from matching.models import TandemRound
from tests.factories.solutions import member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "viewset",
    [
        "search_synonymgroup",
        "solutions_topic",
        "solutions_supplier",
        "municipalities_municipalitymember",
        "municipalities_municipality",
        "matching_tandemround",
        "matching_hospitationrequest",
    ],
)
def test_editor_reaches_every_list_the_editors_look_after(client, editor, viewset):
    client.force_login(editor)
    assert client.get(reverse(f"wagtailsnippets_{viewset}:list")).status_code == 200


def test_editor_can_approve_members_and_edit_synonyms(client, editor, register):
    user = member(register["calw"], "calw", approved=False)
    client.force_login(editor)
    edit = reverse("wagtailsnippets_municipalities_municipalitymember:edit", args=[user.membership.pk])
    assert client.get(edit).status_code == 200
    assert client.get(reverse("wagtailsnippets_search_synonymgroup:add")).status_code == 200


def test_editor_runs_a_tandem_round(client, editor):
    today = dt.date.today()
    round_ = TandemRound.objects.create(
        title="Tandems 2027", application_start=today - dt.timedelta(days=3), application_end=today
    )
    client.force_login(editor)
    assert client.get(f"/admin/tandem-runden/{round_.pk}/").status_code == 200


def test_a_municipality_member_does_not_enter_the_admin(client, index, register):
    client.force_login(member(register["barleben"], "barleben"))
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/admin/login/" in response["Location"]
