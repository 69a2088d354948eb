"""/healthz: what a load balancer and an operator read from it."""

from __future__ import annotations

import pytest

from search.indexing import process_outbox
from tests.factories.solutions import case_line, publish_cases
from tests.ops.conftest import wsgi_get


@pytest.mark.django_db
def test_healthy_instance_reports_every_part(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "search": {"backend": "database", "reachable": True, "degraded": False},
        "tasks": {"pending": 0, "oldest_pending_seconds": None, "failed": 0},
    }


@pytest.mark.django_db
def test_unreachable_search_and_failed_index_tasks_are_reported_but_stay_200(
    client, tmp_path, register, index, search_down
):
    publish_cases(tmp_path, case_line())  # the index update cannot reach Elasticsearch
    process_outbox()

    response = client.get("/healthz")

    assert response.status_code == 200  # the instance still serves pages and degraded search
    body = response.json()
    assert body["status"] == "degraded"
    assert body["search"] == {"backend": "elasticsearch", "reachable": False, "degraded": True}
    assert body["tasks"]["pending"] == 1 and body["tasks"]["failed"] == 1
    assert body["tasks"]["oldest_pending_seconds"] >= 0


@pytest.mark.django_db(transaction=True)
def test_database_down_is_503_and_recovers(outage):
    assert wsgi_get("/healthz").status == 200

    outage.start()
    down = wsgi_get("/healthz")

    assert down.status == 503
    assert down.body == b'{"status": "error", "database": "error", "search": null, "tasks": null}'

    outage.end()
    assert wsgi_get("/healthz").status == 200
