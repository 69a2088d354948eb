from __future__ import annotations

import pytest

from matching import hospitation as flow
from tests.factories.register import municipality
from tests.factories.solutions import case_line, member, publish_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(tmp_path, register, index):
    municipality("15083565", "Wolmirstedt", 11782, district_name="Börde", lat=52.25, lon=11.63)
    municipality("09371131", "Illschwang", 2083, district_name="Amberg-Sulzbach", lat=49.45, lon=11.68)
    return publish_cases(
        tmp_path,
        case_line(
            "strassen",
            hosts_visits=True,
            visits_per_year=3,
            adopters=[
                {"ags": "15083565", "hosts_visits": True, "visits_per_year": 1},
                {"ags": "08235085", "hosts_visits": False},
            ],
        ),
        case_line(
            "app",
            municipality_ags="09371131",
            topics=["kommunikation"],
            hosts_visits=True,
            supplier={"name": "apicodo", "website": "https://example.org"},
            outcomes=[],
        ),
    )


def test_peers_endpoint_shape_and_properties(client, cases):
    body = client.get("/api/v1/municipalities/15083245/peers/", {"limit": 3}).json()
    assert body["municipality"]["ags"] == "15083245"
    results = body["results"]
    assert results and len(results) <= 3
    assert "15083245" not in [r["ags"] for r in results]  # never itself
    first = results[0]
    assert set(first) == {"ags", "name", "state", "population", "size_class", "similarity", "reasons"}
    assert 0 <= first["similarity"] <= 1 and first["reasons"]
    assert all(r["size_class"] in {"landgemeinde", "kleinstadt"} for r in results)  # size class ±1


def test_profile_page_shows_peers_cases_and_hosting(client, cases):
    html = client.get("/kommunen/15083040-barleben/").content.decode()
    assert "Kommunen wie wir" in html
    assert "Barleben empfängt Hospitationen" in html
    assert "Straßenzustand per App erfassen" in html


def test_hosts_are_ranked_with_reasons_and_never_without_capacity(client, cases, register):
    body = client.get("/api/v1/municipalities/15083245/hospitation-hosts/", {"solution": "strassen"}).json()
    hosts = {r["ags"]: r for r in body["results"]}
    assert set(hosts) == {"15083040", "15083565"}  # Calw adopted it but hosts no visits
    barleben = hosts["15083040"]
    assert barleben["capacity_left"] == 3
    assert barleben["distance_km"] is not None and barleben["reasons"]
    assert any("km entfernt" in r for r in barleben["reasons"])

    # Wolmirstedt's single place is taken: it disappears from the list
    visitor = member(register["groeningen"], "groeningen").membership
    wolmirstedt = hosts["15083565"]
    request = flow.hospitation_request(
        member=visitor,
        solution=cases[0],
        host=type(register["calw"]).objects.get(ags=wolmirstedt["ags"]),
        message="x",
        period="y",
        people=1,
    )
    flow.hospitation_accept(request.pk, member(request.host, "wolmirstedt").membership)
    body = client.get("/api/v1/municipalities/15083245/hospitation-hosts/", {"solution": "strassen"}).json()
    assert [r["ags"] for r in body["results"]] == ["15083040"]


def test_hosts_exclude_the_asking_municipality_and_filter_by_topic(client, cases):
    body = client.get("/api/v1/municipalities/15083040/hospitation-hosts/", {"topic": "Kommunikation"}).json()
    assert [r["ags"] for r in body["results"]] == ["09371131"]
    body = client.get("/api/v1/municipalities/15083040/hospitation-hosts/").json()
    assert "15083040" not in [r["ags"] for r in body["results"]]


def test_suppliers_with_references(client, cases):
    body = client.get("/api/v1/municipalities/15083245/suppliers/").json()
    names = [r["name"] for r in body["results"]]
    assert sorted(names) == ["apicodo", "vialytics"]
    vialytics = next(r for r in body["results"] if r["name"] == "vialytics")
    assert vialytics["references"][0]["slug"] == "strassen"
    assert vialytics["reasons"] and vialytics["url"] == "/anbieter/vialytics/"
    by_topic = client.get("/api/v1/municipalities/15083245/suppliers/", {"topic": "kommunikation"}).json()
    assert [r["name"] for r in by_topic["results"]] == ["apicodo"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/municipalities/99999999/peers/",
        "/api/v1/municipalities/99999999/hospitation-hosts/",
        "/api/v1/municipalities/99999999/suppliers/",
    ],
)
def test_unknown_ags_is_404_json(client, cases, url):
    response = client.get(url)
    assert response.status_code == 404 and response.json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/municipalities/1508/peers/", {}),
        ("/api/v1/municipalities/15083040/peers/", {"limit": "0"}),
        ("/api/v1/municipalities/15083040/peers/", {"limit": "abc"}),
        ("/api/v1/municipalities/15083040/hospitation-hosts/", {"topic": "unbekannt"}),
        ("/api/v1/municipalities/15083040/suppliers/", {"limit": "1000"}),
    ],
)
def test_bad_parameters_are_400_json(client, cases, url, params):
    response = client.get(url, params)
    assert response.status_code == 400 and set(response.json()) == {"error", "detail"}


def test_contacts_never_appear_in_matching_api_responses(client, cases, register):
    member(register["barleben"], "barleben", email="rathaus@barleben.example")
    for url in (
        "/api/v1/municipalities/15083245/hospitation-hosts/",
        "/api/v1/municipalities/15083245/suppliers/",
        "/api/v1/municipalities/15083245/peers/",
    ):
        assert "rathaus@barleben.example" not in client.get(url).content.decode()
