from __future__ import annotations

import pytest

from tests.factories.register import municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(db):
    municipality("05117000", "Mülheim an der Ruhr", 170_000, official_name="Mülheim an der Ruhr, Stadt")
    municipality("03159016", "Göttingen", 116_000)
    municipality("03241007", "Hemmingen", 18_885, district_name="Region Hannover")
    municipality("08118027", "Hemmingen", 8_222, district_name="Ludwigsburg")
    municipality("15083040", "Barleben", 9_238)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Mulheim", "Mülheim an der Ruhr"),
        ("Muelheim", "Mülheim an der Ruhr"),
        ("mülh", "Mülheim an der Ruhr"),
        ("Goettingen", "Göttingen"),
        ("GÖTT", "Göttingen"),
        ("barl", "Barleben"),
    ],
)
def test_name_search_ignores_case_and_umlaut_spelling(client, register, query, expected):
    response = client.get("/api/v1/municipalities/", {"q": query})
    assert response.status_code == 200
    assert [r["name"] for r in response.json()["results"]] == [expected]


def test_both_hemmingen_are_listed_larger_first(client, register):
    body = client.get("/api/v1/municipalities/", {"q": "Hemmingen"}).json()
    assert body["count"] == 2
    assert [(r["ags"], r["state"]) for r in body["results"]] == [
        ("03241007", "Niedersachsen"),
        ("08118027", "Baden-Württemberg"),
    ]


def test_detail_has_register_fields(client, register):
    body = client.get("/api/v1/municipalities/15083040/").json()
    assert body["name"] == "Barleben"
    assert body["state"] == "Sachsen-Anhalt"
    assert body["size_class"] == "kleinstadt"
    assert body["density"] == 309
    assert body["url"] == "/kommunen/15083040-barleben/"


def test_unknown_ags_is_404_json(client, register):
    response = client.get("/api/v1/municipalities/99999999/")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert "99999999" in response.json()["detail"]


@pytest.mark.parametrize("ags", ["1234", "abcdefgh", "123456789", "1508304%27"])
def test_malformed_ags_is_400_json(client, register, ags):
    response = client.get(f"/api/v1/municipalities/{ags}/")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_ags"


@pytest.mark.parametrize(
    "params", [{"page": "0"}, {"page": "x"}, {"page_size": "1000"}, {"q": "x" * 101}]
)
def test_bad_list_parameters_are_400_json_with_reason(client, register, params):
    response = client.get("/api/v1/municipalities/", params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error", "detail"}
    assert body["detail"]


def test_a_page_past_the_last_is_404_json_with_reason(client, register):
    response = client.get("/api/v1/municipalities/", {"page": "99"})
    assert response.status_code == 404
    assert response.json()["error"] == "page_out_of_range"
    assert "99" in response.json()["detail"]


def test_openapi_schema_describes_the_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/municipalities/" in schema["paths"]
    assert "/api/v1/municipalities/{ags}/" in schema["paths"]


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/gibt-es-nicht/")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
