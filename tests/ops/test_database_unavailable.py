"""A lost database: a German 503 page (JSON in the API) instead of a traceback; the next request works."""

from __future__ import annotations

import json
import logging

import pytest

from tests.ops.conftest import wsgi_get

pytestmark = pytest.mark.django_db(transaction=True)


def test_lost_database_shows_german_503_page_and_the_next_request_works(outage, register, site, caplog):
    profile = register["barleben"].get_absolute_url()
    assert wsgi_get(profile).status == 200

    outage.start()
    with caplog.at_level(logging.ERROR, logger="config.db_unavailable"):
        down = wsgi_get(profile)

    assert down.status == 503
    assert down.headers["Retry-After"] == "30"
    assert down.headers["Content-Type"].startswith("text/html")
    assert '<html lang="de">' in down.text
    assert "Der Baukasten ist gleich wieder da" in down.text
    assert "Traceback" not in down.text and "OperationalError" not in down.text
    assert any("Datenbank nicht verfügbar" in r.getMessage() for r in caplog.records)

    outage.end()
    back = wsgi_get(profile)
    assert back.status == 200
    assert "Barleben" in back.text


def test_lost_database_in_the_api_answers_json_503(outage, register):
    url = "/api/v1/municipalities/15083040/"
    assert wsgi_get(url).status == 200

    outage.start()
    down = wsgi_get(url)

    assert down.status == 503
    assert down.headers["Retry-After"] == "30"
    assert down.headers["Content-Type"] == "application/json"
    body = json.loads(down.body)
    assert body["error"] == "service_unavailable" and body["detail"].startswith("Die Datenbank")

    outage.end()
    back = wsgi_get(url)
    assert back.status == 200
    assert json.loads(back.body)["ags"] == "15083040"


def test_a_connection_killed_while_idle_is_replaced_without_an_error(transactional_db, register):
    """Between requests (e.g. a database restart), CONN_HEALTH_CHECKS replaces the dead connection."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("nur PostgreSQL hat einen Server, der Verbindungen beenden kann")
    url = "/api/v1/municipalities/15083040/"
    assert wsgi_get(url).status == 200
    old_pid = connection.connection.info.backend_pid
    admin = connection.get_new_connection(connection.get_connection_params())
    admin.autocommit = True
    try:
        admin.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    finally:
        admin.close()

    assert wsgi_get(url).status == 200
    assert connection.connection.info.backend_pid != old_pid
