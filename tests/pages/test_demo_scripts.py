"""README command 1 (scripts/demo) and its pieces: the shipped national register and the port check."""

from __future__ import annotations

import functools
import gzip
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path

from municipalities.importers.files import open_register_file
from pages.management.commands.setup_demo import NATIONAL_REGISTER

ROOT = Path(__file__).resolve().parents[2]


def test_the_whole_national_register_ships_compressed_and_is_read_by_default():
    assert NATIONAL_REGISTER.name == "gemeinden_de_2024.csv.gz"
    assert NATIONAL_REGISTER.stat().st_size < 1_000_000
    source = open_register_file(NATIONAL_REGISTER)
    rows = list(source.rows)
    assert len(rows) == 10_752 and source.skipped_unincorporated == 207
    assert any(row.values["name"] == "Barleben" for row in rows)
    assert "dl-de/by-2-0" in (NATIONAL_REGISTER.parent / "README.md").read_text()


def test_the_shipped_register_is_the_official_file(shared_data):
    assert gzip.decompress(NATIONAL_REGISTER.read_bytes()) == (shared_data / "gemeinden_de_2024.csv").read_bytes()


@pytest.fixture
def busy_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_a_free_port_passes(busy_port):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    result = subprocess.run([ROOT / "scripts" / "port_free", str(free)], capture_output=True)  # noqa: S603
    assert result.returncode == 0


def test_a_busy_port_is_named_in_german(busy_port):
    result = subprocess.run(  # noqa: S603 - our own script
        [ROOT / "scripts" / "port_free", str(busy_port)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert f"Port {busy_port} ist belegt – starten Sie mit PORT=" in result.stderr
    assert result.stderr.rstrip().endswith("scripts/demo")


def test_scripts_demo_stops_at_a_busy_port_before_doing_anything(busy_port):
    env = {**os.environ, "PORT": str(busy_port)}
    result = subprocess.run(  # noqa: S603 - our own script
        [ROOT / "scripts" / "demo"], capture_output=True, text=True, env=env, timeout=30
    )
    assert result.returncode == 1
    assert f"Port {busy_port} ist belegt" in result.stderr
    assert "Umgebung" not in result.stdout  # neither bootstrap nor migrate ran


# --- the demo's configuration: DEBUG off, links with the demo's port ---------------------------------


@functools.cache
def demo_settings(port: str | None = None) -> dict:
    """The settings the demo server runs with: the environment lines of scripts/demo (its ``PORT`` and
    ``export`` lines, taken from the script itself) evaluated by bash, then Django configured from them."""
    script = (ROOT / "scripts" / "demo").read_text()
    setup = "\n".join(line for line in script.splitlines() if line.startswith(("PORT=", "export ")))
    probe = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "from config import env; "
        "print(json.dumps({'SITE_BASE_URL': env.SITE_BASE_URL, **{k: getattr(s, k) for k in ('DEBUG', "
        "'WAGTAILADMIN_BASE_URL', 'ALLOWED_HOSTS', 'WHITENOISE_USE_FINDERS', 'SERVE_MEDIA')}}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SITE_BASE_URL", "PORT"))}
    result = subprocess.run(  # noqa: S603 - our own script's lines
        ["bash", "-c", f'{setup}\nexec "$0" -c "$1"', sys.executable, probe],  # noqa: S607
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**clean, "PORT": port} if port else clean,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_demo_runs_with_debug_off_and_links_on_its_own_port():
    settings = demo_settings("8001")
    assert settings["DEBUG"] is False
    assert settings["SITE_BASE_URL"] == "http://127.0.0.1:8001"
    assert settings["WAGTAILADMIN_BASE_URL"] == "http://127.0.0.1:8001"  # what e-mail links are built from
    assert {"127.0.0.1", "localhost"} <= set(settings["ALLOWED_HOSTS"])
    assert settings["WHITENOISE_USE_FINDERS"] is True and settings["SERVE_MEDIA"] is True


def test_the_demo_on_its_default_port():
    assert demo_settings()["SITE_BASE_URL"] == "http://127.0.0.1:8000"


@pytest.fixture
def demo_configuration(settings, site):
    """This test process configured as the demo server is (see demo_settings)."""
    values = demo_settings()
    settings.DEBUG = values["DEBUG"]
    settings.ALLOWED_HOSTS = values["ALLOWED_HOSTS"]
    settings.WHITENOISE_USE_FINDERS = values["WHITENOISE_USE_FINDERS"]
    return values


def test_a_missing_page_in_the_demo_is_the_german_404_page(demo_configuration):
    client = Client(HTTP_HOST="127.0.0.1")  # made after the settings: WhiteNoise reads them when it starts
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Diese Seite gibt es nicht" in html and "Praxisbeispiele durchsuchen" in html
    assert "Traceback" not in html and "DEBUG = True" not in html and "URLconf" not in html
    # Its stylesheet is served although DEBUG is off (WhiteNoise, straight from static/).
    stylesheet = client.get("/static/css/site.css")
    assert stylesheet.status_code == 200
    assert b"".join(stylesheet.streaming_content) == (ROOT / "static" / "css" / "site.css").read_bytes()


def _broken(request):
    raise RuntimeError("Absichtlich kaputt: Geheimnis-im-Traceback")


urlpatterns = [path("kaputt/", _broken)]  # used only as ROOT_URLCONF of the next test


def test_an_error_in_the_demo_is_the_german_500_page(demo_configuration, settings):
    settings.ROOT_URLCONF = __name__
    response = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False).get("/kaputt/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Da ist etwas schiefgegangen" in html and "Der Fehler liegt bei uns" in html
    assert "Geheimnis-im-Traceback" not in html and "Traceback" not in html
