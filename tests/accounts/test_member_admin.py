"""Membership approval in the Wagtail admin: "Kommunen → Mitglieder", and saving an approval announces it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.menu import admin_menu

from municipalities.models import MunicipalityMember
from tests.factories.solutions import member

pytestmark = pytest.mark.django_db


def test_members_are_listed_under_the_register_menu(editor):
    request = RequestFactory().get("/admin/")
    request.user = editor
    register_menu = next(item for item in admin_menu.menu_items_for_request(request) if item.name == "kommunen")
    items = sorted(register_menu.menu.menu_items_for_request(request), key=lambda item: item.order)
    assert [(str(item.label), item.url) for item in items] == [
        ("Kommunen", "/admin/snippets/municipalities/municipality/"),
        ("Mitglieder", "/admin/snippets/municipalities/municipalitymember/"),
    ]


def test_editor_approval_in_the_admin_is_stamped_and_announced_once(client, editor, register):
    user = member(register["calw"], "calw", approved=False, email="e.muster@calw.example")
    membership = MunicipalityMember.objects.get(user=user)
    edit = reverse("wagtailsnippets_municipalities_municipalitymember:edit", args=[membership.pk])
    form = {"user": user.pk, "municipality": register["calw"].pk, "role": membership.role, "approved": "on"}
    client.force_login(editor)

    assert client.post(edit, form).status_code == 302
    membership.refresh_from_db()
    assert membership.approved and membership.approved_at is not None
    assert [m.to for m in mail.outbox] == [["e.muster@calw.example"]]

    assert client.post(edit, form).status_code == 302  # saving again does not announce again
    assert len(mail.outbox) == 1
