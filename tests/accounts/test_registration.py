from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail

from accounts.services import member_approval_stamp
from municipalities.models import MunicipalityMember

pytestmark = pytest.mark.django_db

DATA = {
    "first_name": "Erika",
    "last_name": "Muster",
    "email": "e.muster@calw.example",
    "ags": "08235085",
    "role": "mayor",
    "password": "ein-langes-gutes-passwort-2026",
}


def test_self_registration_waits_for_an_editor(client, register, index, django_capture_on_commit_callbacks):
    editor = User.objects.create_user("red", "redaktion@example.org", "x")
    editor.groups.add(Group.objects.get(name="Redaktion"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/registrieren/", DATA)
    assert response.status_code == 200
    member = MunicipalityMember.objects.get()
    assert (member.municipality.ags, member.approved) == ("08235085", False)
    assert mail.outbox[-1].to == ["redaktion@example.org"]

    member.approved = True
    member.save()
    member_approval_stamp(member)
    assert member.approved_at is not None
    assert mail.outbox[-1].to == ["e.muster@calw.example"]
    member_approval_stamp(member)  # saving again does not announce again
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ags", "1234", "genau 8 Ziffern"),
        ("ags", "99999999", "gibt es nicht"),
        ("password", "kurz", "Passwort"),
    ],
)
def test_registration_errors_keep_the_input(client, register, field, value, message):
    response = client.post("/konto/registrieren/", {**DATA, field: value})
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert 'value="e.muster@calw.example"' in html
    assert not MunicipalityMember.objects.exists()


def test_login_logout_and_password_reset(client, register):
    User.objects.create_user("e.muster@calw.example", "e.muster@calw.example", "ein-langes-gutes-passwort-2026")
    response = client.post(
        "/konto/anmelden/", {"username": "e.muster@calw.example", "password": "ein-langes-gutes-passwort-2026"}
    )
    assert response.status_code == 302
    assert client.post("/konto/abmelden/").status_code == 302
    client.post("/konto/passwort/", {"email": "e.muster@calw.example"})
    assert "/konto/passwort/" in mail.outbox[-1].body
