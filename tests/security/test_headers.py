"""Security headers and cookies: CSP without inline script, HSTS in production, secure cookies."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PUBLIC_PAGES = ["/", "/suche/?q=Stra%C3%9Fe", "/kommunen/", "/konto/anmelden/", "/konto/registrieren/"]


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_send_a_strict_content_security_policy(client, site, register, url):
    response = client.get(url)
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_case_page_and_member_pages_have_the_strict_policy_too(client, world, actors):
    client.force_login(actors["own"])
    for url in [f"/praxisbeispiele/{world['case']}/", "/meine-anfragen/", "/konto/meine-daten/", "/einreichen/"]:
        assert "'unsafe-inline'" not in client.get(url)["Content-Security-Policy"], url


def test_only_the_wagtail_admin_gets_the_relaxed_policy(client, world, actors):
    """Wagtail's admin renders inline scripts; its policy allows them there and nowhere else."""
    client.force_login(actors["editor"])
    response = client.get(f"/admin/pages/{world['case_id']}/edit/")
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["connect-src"] == ["'self'"]  # still nothing from other hosts
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in client.get("/")["Content-Security-Policy"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "<style> block"),
]


def _our_templates() -> list[Path]:
    dirs = [ROOT / "templates", *ROOT.glob("*/templates")]
    return [
        path
        for directory in dirs
        for path in directory.rglob("*.html")
        if "admin" not in path.relative_to(directory).parts  # Wagtail admin screens: relaxed policy
        and ".venv" not in path.parts
        and "node_modules" not in path.parts
    ]


def test_no_template_of_the_public_site_contains_inline_script_or_style():
    templates = _our_templates()
    assert len(templates) > 20
    offences = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in templates
        for pattern, what in INLINE
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert not offences, offences


def test_rendered_pages_contain_no_inline_script_or_style(client, world, actors):
    client.force_login(actors["own"])
    urls = [*PUBLIC_PAGES, f"/praxisbeispiele/{world['case']}/", "/kommunen/15083040-barleben/", "/konto/meine-daten/"]
    for url in urls:
        html = client.get(url, follow=True).content.decode()
        for pattern, what in INLINE:
            match = pattern.search(html)
            assert match is None, f"{url}: {what}: {html[max(0, match.start() - 80) : match.end() + 80]}"


def test_session_and_csrf_cookies_are_httponly_and_lax(client, actors, site):
    response = client.post("/konto/anmelden/", {"username": "barleben", "password": PASSWORD})
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    csrf = client.get("/konto/anmelden/").cookies.get("csrftoken") or client.cookies["csrftoken"]
    assert csrf["httponly"] is True


@override_settings(
    SECURE_HSTS_SECONDS=31_536_000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_over_https_hsts_is_sent_and_cookies_are_secure(client, actors, site):
    response = client.post("/konto/anmelden/", {"username": "barleben", "password": PASSWORD}, secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response.cookies["sessionid"]["secure"] is True


def test_production_settings_enforce_https_hsts_and_secure_cookies():
    """The values an operator gets from config.settings.production (loaded in a fresh interpreter)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-0123456789",
        "DJANGO_ALLOWED_HOSTS": "baukasten.example.org",
    }
    env.pop("SECURE_HSTS_SECONDS", None)
    env.pop("DJANGO_SECURE_SSL_REDIRECT", None)
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "X_FRAME_OPTIONS",
        "DEBUG",
    ]
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "strict-origin-when-cross-origin"
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["DEBUG"] is False
