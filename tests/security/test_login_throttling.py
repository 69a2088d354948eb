"""Password guessing: django-axes locks an account for one address after 5 wrong passwords."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from core import ratelimit
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/konto/anmelden/"


def _login(client: Client, password: str, username: str = "barleben", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(client, actors, site):
    for _ in range(4):
        response = _login(client, "falsch")
        assert response.status_code == 200
        assert "E-Mail-Adresse oder Passwort stimmen nicht" in response.content.decode()
    response = _login(client, "falsch")  # the fifth
    assert response.status_code == 429
    response = _login(client, PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in html and "15 Minuten" in html
    assert int(response["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session


def test_lock_is_per_account_and_address_so_a_town_hall_is_not_locked_out(client, actors, site):
    for _ in range(5):
        _login(client, "falsch", REMOTE_ADDR="203.0.113.7")
    assert _login(client, PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 429
    # a colleague in the same town hall (same address, other account) still logs in …
    assert _login(Client(), PASSWORD, username="calw", REMOTE_ADDR="203.0.113.7").status_code == 302
    # … and so does the owner of the account from another address
    assert _login(Client(), PASSWORD, REMOTE_ADDR="198.51.100.4").status_code == 302


def test_lock_ends_after_the_cool_off(client, actors, site):
    for _ in range(5):
        _login(client, "falsch")
    assert _login(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert _login(client, PASSWORD).status_code == 302


def test_successful_login_resets_the_counter(client, actors, site):
    for _ in range(4):
        _login(client, "falsch")
    assert _login(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _login(client, "falsch").status_code == 200  # a fresh allowance of mistakes


def test_wagtail_admin_login_is_throttled_too(client, actors, site):
    for _ in range(5):
        client.post("/admin/login/", {"username": "redakteurin", "password": "falsch"})
    response = client.post("/admin/login/", {"username": "redakteurin", "password": PASSWORD})
    assert response.status_code == 429


def test_many_accounts_from_one_address_are_braked_by_the_rate_limit(client, actors, site, monkeypatch):
    """Password spraying (one password, many accounts) from one address hits the login rate limit."""
    monkeypatch.setitem(ratelimit.LIMITS, "login", ratelimit.Limit("login", 3, 900, per="ip"))
    for n in range(3):
        assert _login(client, "Sommer2025!", username=f"person{n}@example.org").status_code == 200
    response = _login(client, "Sommer2025!", username="person9@example.org")
    assert response.status_code == 429
    assert "Zu viele Versuche" in response.content.decode()
    assert _login(Client(), PASSWORD, REMOTE_ADDR="198.51.100.4").status_code == 302  # others unaffected


def test_lockout_log_names_no_account(client, actors, site, caplog):
    with caplog.at_level(logging.DEBUG):
        for _ in range(6):
            _login(client, "falsch", username="rathaus@barleben.example")
    assert "AXES" in caplog.text  # the lockout is logged …
    assert "rathaus@barleben.example" not in caplog.text  # … under a pseudonym
    assert "barleben.example" not in caplog.text
