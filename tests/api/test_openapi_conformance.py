"""The served OpenAPI schema tells the truth: schemathesis generates requests from it (valid and invalid
ones) for every operation and runs all its checks against the answers – no server error, every status
code and body documented, every schema-valid request accepted, every invalid one rejected."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode

from tests.factories.register import municipality
from tests.factories.solutions import case_line, publish_cases

SCHEMA_URL = "/api/v1/openapi.json"
MAX_EXAMPLES = 25


@pytest.fixture
def api_data(tmp_path, register, index):
    municipality("15083565", "Wolmirstedt", 11782, district_name="Börde", lat=52.25, lon=11.63)
    publish_cases(
        tmp_path,
        case_line(
            "strassen", hosts_visits=True, visits_per_year=3, adopters=[{"ags": "15083565", "hosts_visits": True}]
        ),
        case_line("app", municipality_ags="08235085", topics=["kommunikation"], hosts_visits=True, outcomes=[]),
    )


def _failures(operation, mode: GenerationMode) -> list[str]:
    """Runs one operation's generated cases; returns the failures, one line each, instead of stopping
    at the first, so that one run reports everything that is wrong."""
    found: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same requests in every run: CI fails on a real change, never on luck
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        try:
            case.call_and_validate()
        except (AssertionError, BaseExceptionGroup) as exc:  # one check failure, or a group of them
            for failure in getattr(exc, "exceptions", None) or (exc,):
                key = f"{operation.label} [{mode.value}] {getattr(failure, 'title', type(failure).__name__)}"
                if all(not known.startswith(key) for known in found):
                    found.append(f"{key}: {case.path_parameters} {case.query} – {str(failure)[:300]}")

    try:
        run()
    except Unsatisfiable:  # nothing the schema forbids for this operation: no invalid request to make
        assert mode is GenerationMode.NEGATIVE, operation.label
    return found


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler as schemathesis calls it. Like Django's test client, it must not close the
    database connection after each request: the test's data lives in a transaction on that connection
    (on PostgreSQL closing it ends the test with "the connection is closed")."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_api_conforms_to_its_schema(api_data, wsgi_app):
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    failures = [line for op in operations for mode in GenerationMode for line in _failures(op, mode)]
    assert not failures, f"{len(failures)} Abweichungen vom Schema:\n" + "\n\n".join(failures)


@pytest.mark.django_db
def test_every_operation_documents_its_errors_and_parameter_formats(client):
    """Also for endpoints added later: 400 with the error body everywhere, 404 where a path names a thing,
    a format for every path parameter, and no API route left out of the schema."""
    from config.api import api

    schema = client.get(SCHEMA_URL).json()
    operations = {(path, method): op for path, item in schema["paths"].items() for method, op in item.items()}
    routed = {path for _, router in api._routers for path in router.path_operations}
    assert len(operations) >= len(routed) >= 8
    for (path, method), operation in operations.items():
        responses = operation["responses"]
        assert "200" in responses and "400" in responses, (path, method)
        for status in (s for s in responses if s != "200"):
            body = responses[status]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorOut"}, (path, status)
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert "404" in responses, (path, method)
                assert parameter["schema"].get("pattern"), (path, parameter["name"])
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["error", "detail"]


@pytest.mark.django_db
def test_page_sizes_agree_across_endpoints(client):
    from core.api_schema import MAX_PAGE_SIZE
    from search.params import MAX_PAGE_SIZE as SEARCH_MAX_PAGE_SIZE

    assert SEARCH_MAX_PAGE_SIZE == MAX_PAGE_SIZE
    schema = client.get(SCHEMA_URL).json()
    limits = {
        (path, p["name"]): p["schema"]["maximum"]
        for path, item in schema["paths"].items()
        for p in item["get"].get("parameters", [])
        if p["name"] in ("limit", "page_size")
    }
    assert len(limits) >= 5 and set(limits.values()) == {MAX_PAGE_SIZE}, limits


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/municipalities/15083040/peers/?limit=51",
        "/api/v1/municipalities/15083040/hospitation-hosts/?limit=0",
        "/api/v1/municipalities/15083040/suppliers/?limit=x",
        "/api/v1/municipalities/?page_size=500",
        "/api/v1/municipalities/?page=x",
    ],
)
def test_validation_errors_are_german(client, register, url):
    response = client.get(url)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_parameter"
    assert "Input should" not in body["detail"] and "should" not in body["detail"]
    assert body["detail"].startswith("Ungültige Parameter: „")
    assert any(word in body["detail"] for word in ("höchstens", "mindestens", "ganze Zahl"))
