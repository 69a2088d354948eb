"""Every form that sends e-mail or creates something is rate limited by core/ratelimit.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from core import ratelimit
from matching.models import HospitationRequest, TandemApplication
from solutions.models import SolutionPage, Topic

pytestmark = pytest.mark.django_db

# Each form: URL, the rule that limits it, who sends it, valid input, and how to count what it created.
FORMS_THAT_SEND_OR_CREATE = {
    "/konto/registrieren/": "register",
    "/konto/passwort/": "password_reset",
    "/konto/anmelden/": "login",
    "/einreichen/": "submission",
    "/hospitation/anfragen/": "hospitation",
    "/tandem/bewerben/": "tandem",
    "/konto/loeschen/": "account_delete",
    "/konto/meine-daten/export.json": "privacy_export",
}


@pytest.mark.parametrize(("url", "rule"), FORMS_THAT_SEND_OR_CREATE.items())
def test_each_form_has_its_rule(url, rule):
    assert getattr(resolve(url).func, "ratelimit", None) == rule
    assert ratelimit.LIMITS[rule].limit >= 1


def _tight(monkeypatch, name: str, limit: int = 2) -> None:
    rule = ratelimit.LIMITS[name]
    monkeypatch.setitem(ratelimit.LIMITS, name, ratelimit.Limit(rule.scope, limit, rule.window, rule.per))


def _assert_refused(response) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "Zu viele Versuche" in response.content.decode()


def test_registration_is_limited_per_address(client, register, monkeypatch):
    _tight(monkeypatch, "register")

    def form(n: int) -> dict:
        return {
            "first_name": "Eva",
            "last_name": f"Muster{n}",
            "email": f"eva{n}@barleben.example",
            "ags": "15083040",
            "role": "mayor",
            "password": "ein-langes-passwort-123",
        }

    assert client.post("/konto/registrieren/", form(1)).status_code == 200
    assert client.post("/konto/registrieren/", form(2)).status_code == 200
    _assert_refused(client.post("/konto/registrieren/", form(3)))
    assert not User.objects.filter(email="eva3@barleben.example").exists()  # nothing half written
    assert Client(REMOTE_ADDR="198.51.100.9").post("/konto/registrieren/", form(4)).status_code == 200


def test_password_reset_mails_are_limited(client, actors, monkeypatch):
    _tight(monkeypatch, "password_reset")
    for _ in range(2):
        assert client.post("/konto/passwort/", {"email": "rathaus@barleben.example"}).status_code == 302
    sent = len(mail.outbox)
    _assert_refused(client.post("/konto/passwort/", {"email": "rathaus@barleben.example"}))
    assert len(mail.outbox) == sent
    assert client.get("/konto/passwort/").status_code == 200  # reading the form is never limited


def test_submissions_are_limited_per_account(client, actors, monkeypatch):
    _tight(monkeypatch, "submission")
    client.force_login(actors["own"])
    form = {
        "title": "Bürgerbus",
        "teaser": "Ein Bus.",
        "topics": [Topic.objects.get(slug="mobilitaet").pk],
        "problem": "Kein Bus.",
        "solution": "Ein Verein fährt.",
        "status": "in_operation",
    }
    for n in range(2):
        assert client.post("/einreichen/", {**form, "title": f"Bürgerbus {n}"}).status_code == 302
    before = SolutionPage.objects.count()
    _assert_refused(client.post("/einreichen/", {**form, "title": "Bürgerbus 3"}))
    assert SolutionPage.objects.count() == before
    other = Client()
    other.force_login(actors["other"])  # the limit is per account, not global
    assert other.post("/einreichen/", {**form, "title": "Bürgerbus Hemmingen"}).status_code == 302


def test_hospitation_requests_are_limited(client, case, actors, monkeypatch):
    _tight(monkeypatch, "hospitation", limit=1)
    client.force_login(actors["visitor"])
    url = f"/hospitation/anfragen/?fall={case.slug}&gastgeber=15083040"
    form = {"period": "Mai", "people": "2", "message": "Wir möchten kommen.", "host": "15083040"}
    assert client.post(url, form).status_code == 302
    _assert_refused(client.post(url, {**form, "message": "Noch einmal."}))
    assert HospitationRequest.objects.count() == 1


def test_tandem_applications_are_limited(client, actors, monkeypatch):
    from matching.models import TandemRound

    today = timezone.localdate()
    TandemRound.objects.create(
        title="Runde", application_start=today - dt.timedelta(days=1), application_end=today + dt.timedelta(days=5)
    )
    _tight(monkeypatch, "tandem", limit=1)
    client.force_login(actors["own"])
    form = {"role": "mentee", "in_office_since": (today - dt.timedelta(days=200)).isoformat()}
    assert client.post("/tandem/bewerben/", form).status_code == 302
    _assert_refused(client.post("/tandem/bewerben/", form))
    assert TandemApplication.objects.count() == 1


def test_the_window_ends(client, register, monkeypatch):
    """After the window the counter starts again (simulated by moving the clock)."""
    _tight(monkeypatch, "password_reset", limit=1)
    clock = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    assert client.post("/konto/passwort/", {"email": "x@example.org"}).status_code == 302
    assert client.post("/konto/passwort/", {"email": "x@example.org"}).status_code == 429
    clock[0] += ratelimit.LIMITS["password_reset"].window
    assert client.post("/konto/passwort/", {"email": "x@example.org"}).status_code == 302


def test_cache_holds_no_address_or_account_in_clear_text(client, register, monkeypatch):
    from django.core.cache import cache

    client.post("/konto/passwort/", {"email": "x@example.org"}, REMOTE_ADDR="203.0.113.77")
    keys = list(cache._cache.keys())  # LocMemCache in tests
    assert keys and not any("203.0.113.77" in key for key in keys)
