"""Structured request logs: one line per request with id, path, status and duration, no personal data."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.logging import JsonFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def access_log(caplog):
    caplog.set_level(logging.INFO, logger="baukasten.request")
    return caplog


def _lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "baukasten.request"]


@pytest.mark.django_db
def test_each_request_is_one_json_line_with_request_id_and_no_query_string(client, register, access_log):
    response = client.get("/api/v1/municipalities/", {"q": "max.mustermann@example.org"})

    (line,) = _lines(access_log)
    assert response.status_code == 200
    assert line["logger"] == "baukasten.request" and line["level"] == "INFO"
    assert line["method"] == "GET" and line["path"] == "/api/v1/municipalities/" and line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 32
    assert "example.org" not in json.dumps(line)  # the query string (search words, form input) is never logged


@pytest.mark.django_db
def test_request_id_from_the_proxy_is_kept_and_joins_all_lines_of_the_request(client, access_log):
    access_log.handler.addFilter(RequestIdFilter())  # as on the console handler in settings

    response = client.get("/gibt-es-nicht/", headers={"X-Request-ID": "lb-7f3a.1"})

    formatter = JsonFormatter()
    lines = [json.loads(formatter.format(r)) for r in access_log.records]
    assert response["X-Request-ID"] == "lb-7f3a.1"
    assert {line["logger"] for line in lines} >= {"django.request", "baukasten.request"}  # "Not Found" + access
    assert {line["request_id"] for line in lines} == {"lb-7f3a.1"}
    assert next(line for line in lines if line["logger"] == "baukasten.request")["status"] == 404


@pytest.mark.django_db
def test_a_forged_request_id_is_replaced(client, access_log):
    response = client.get("/healthz", headers={"X-Request-ID": '"}\n{"level": "CRITICAL"'})

    assert response["X-Request-ID"] != '"}\n{"level": "CRITICAL"'
    assert len(response["X-Request-ID"]) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "abc\n"})["X-Request-ID"] != "abc\n"


@pytest.mark.django_db
def test_password_reset_links_are_logged_without_their_secret_parts(client, access_log):
    client.get("/konto/passwort/MTIz/cafe-0123456789abcdef/")

    (line,) = _lines(access_log)
    assert line["path"] == "/konto/passwort/<uidb64>/<token>/"


@pytest.mark.parametrize(("settings_module", "json_lines"), [("production", True), ("dev", False)])
def test_production_writes_json_lines_and_development_readable_ones(settings_module, json_lines):
    script = "import django, logging; django.setup(); logging.getLogger('baukasten.test').warning('Probe %s', 1)"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": f"config.settings.{settings_module}",
        "DJANGO_SECRET_KEY": "only-for-this-test-" + "x" * 40,
    }
    result = subprocess.run(  # noqa: S603 – our own interpreter and a fixed script
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )

    (line,) = [line for line in result.stderr.splitlines() if "Probe 1" in line]
    if json_lines:
        entry = json.loads(line)
        assert entry["level"] == "WARNING" and entry["logger"] == "baukasten.test" and entry["message"] == "Probe 1"
        assert entry["time"].endswith("+00:00")
    else:
        assert line.endswith("WARNING baukasten.test Probe 1")
