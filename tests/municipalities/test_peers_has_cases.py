"""``GET /api/v1/municipalities/<ags>/peers/?has_cases=1``: only similar towns that lead or have adopted a
published case; without the parameter the answer stays as it was."""

from __future__ import annotations

import pytest

from tests.factories.register import municipality
from tests.factories.solutions import case_line, publish_cases

pytestmark = pytest.mark.django_db
URL = "/api/v1/municipalities/15083245/peers/"  # Gröningen


@pytest.fixture
def cases(tmp_path, register, index):
    municipality("15083565", "Wolmirstedt", 11782, district_name="Börde")
    municipality("09371131", "Illschwang", 2083, district_name="Amberg-Sulzbach")
    municipality("15083270", "Wanzleben-Börde", 13500, district_name="Börde")
    publish_cases(
        tmp_path,
        case_line("strassen", adopters=[{"ags": "15083565"}]),  # led by Barleben, adopted by Wolmirstedt
        case_line("app", municipality_ags="09371131", title="Orts-App für alle Ortsteile", topics=["kommunikation"]),
    )


def test_has_cases_returns_only_peers_with_published_cases(client, cases):
    everyone = [r["ags"] for r in client.get(URL, {"limit": 50}).json()["results"]]
    assert {"15083270", "08118027"} <= set(everyone)  # towns without cases are peers too

    body = client.get(URL, {"has_cases": "1", "limit": 50}).json()

    assert body["municipality"]["ags"] == "15083245"
    assert [r["ags"] for r in body["results"]] == [a for a in everyone if a in {"15083040", "15083565", "09371131"}]
    assert {"15083040", "15083565", "09371131"} == {r["ags"] for r in body["results"]}  # lead and adopter count


@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_has_cases_accepts_the_usual_true_spellings(client, cases, value):
    results = client.get(URL, {"has_cases": value}).json()["results"]
    assert "15083270" not in {r["ags"] for r in results}


@pytest.mark.parametrize("value", ["false", "0", ""])
def test_without_has_cases_the_answer_is_unchanged(client, cases, value):
    params = {"has_cases": value} if value else {}
    assert client.get(URL, params).json() == client.get(URL).json()
    assert "15083270" in {r["ags"] for r in client.get(URL, {**params, "limit": 50}).json()["results"]}


def test_an_unpublished_case_does_not_count(client, cases):
    from solutions.models import SolutionPage

    SolutionPage.objects.get(slug="app").unpublish()
    results = client.get(URL, {"has_cases": "1", "limit": 50}).json()["results"]
    assert "09371131" not in {r["ags"] for r in results}


def test_a_wrong_value_is_a_german_400(client, cases):
    response = client.get(URL, {"has_cases": "vielleicht"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_parameter",
        "detail": "Ungültige Parameter: „has_cases“ muss true oder false sein.",
    }


def test_the_schema_documents_has_cases_as_boolean(client):
    schema = client.get("/api/v1/openapi.json").json()
    parameters = schema["paths"]["/api/v1/municipalities/{ags}/peers/"]["get"]["parameters"]
    has_cases = next(p for p in parameters if p["name"] == "has_cases")
    assert has_cases["in"] == "query" and not has_cases.get("required", False)
    assert has_cases["schema"]["type"] == "boolean" and has_cases["schema"]["default"] is False
    assert "Praxisbeispiel" in has_cases["schema"].get("description", "") + has_cases.get("description", "")
