"""The needs in the public API (issue 17, item 7): shapes, filters, German errors, and never a person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from agency.models import NeedKind, NeedState
from municipalities.models import Municipality
from tests.factories.needs import need
from tests.factories.register import municipality
from tests.factories.solutions import member

pytestmark = pytest.mark.django_db

AUTHOR = {"first_name": "Wiebke", "last_name": "Quastenhuber", "email": "wiebke.quastenhuber@gemeinde-colbitz.example"}


@pytest.fixture
def needs(register):
    colbitz = municipality("15083130", "Colbitz", 3260, district_name="Börde", lat=52.32, lon=11.61)
    hahnbach = municipality("09371126", "Hahnbach", 5028, district_name="Amberg-Sulzbach", lat=49.53, lon=11.80)
    author = member(colbitz, "quastenhuber", email=AUTHOR["email"])
    author.first_name, author.last_name = AUTHOR["first_name"], AUTHOR["last_name"]
    author.save()
    return {
        "colbitz": need(
            colbitz,
            "colbitz-schlagloecher",
            "Schlaglöcher erfassen",
            "Unsere Gemeindestraßen haben viele Schlaglöcher. Wie erfassen andere Gemeinden den Zustand – "
            "ohne „Extrafahrten“ des Bauhofs?",
            topics=("strassen-infrastruktur",),
            author=author,
        ),
        "hahnbach": need(
            hahnbach,
            "hahnbach-jugend",
            "Jugendpflegerin gemeinsam anstellen",
            "Wir möchten uns mit Nachbargemeinden eine Stelle für Jugendarbeit teilen.",
            topics=("jugend", "interkommunale-zusammenarbeit"),
            kind=NeedKind.PARTNER,
            radius_km=25,
        ),
        "calw": need(register["calw"], "calw-verborgen", "Verborgenes Gesuch", state=NeedState.HIDDEN),
        "barleben": need(register["barleben"], "barleben-wartet", "Noch nicht freigegeben", state=NeedState.PENDING),
        "groeningen": need(
            register["groeningen"],
            "groeningen-abgelaufen",
            "Abgelaufenes Gesuch",
            expires=timezone.localdate() - dt.timedelta(days=1),
        ),
    }


def refs(body: dict) -> list[str]:
    return [item["ref"] for item in body["results"]]


def test_list_shows_public_needs_with_their_town_and_topics(client, needs):
    body = client.get("/api/v1/needs/").json()
    assert body["count"] == 2
    assert set(refs(body)) == {"colbitz-schlagloecher", "hahnbach-jugend"}
    item = next(i for i in body["results"] if i["ref"] == "hahnbach-jugend")
    assert item == {
        "ref": "hahnbach-jugend",
        "title": "Jugendpflegerin gemeinsam anstellen",
        "summary": "Wir möchten uns mit Nachbargemeinden eine Stelle für Jugendarbeit teilen.",
        "kind": "partner",
        "topics": ["interkommunale-zusammenarbeit", "jugend"],
        "municipality": {"ags": "09371126", "name": "Hahnbach", "state": "Bayern", "size_class": "kleinstadt"},
        "radius_km": 25,
        "created": timezone.localdate().isoformat(),
        "expires": needs["hahnbach"].expires.isoformat(),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"topic": "jugend"}, ["hahnbach-jugend"]),
        ({"topic": "Straßen & Infrastruktur"}, ["colbitz-schlagloecher"]),
        ({"topic": "strassen infrastruktur"}, ["colbitz-schlagloecher"]),
        ({"state": "15"}, ["colbitz-schlagloecher"]),
        ({"state": "Bayern"}, ["hahnbach-jugend"]),
        ({"kind": "partner"}, ["hahnbach-jugend"]),
        ({"kind": "anbieter"}, []),
        ({"size_class": "landgemeinde"}, ["colbitz-schlagloecher"]),
        ({"topic": "jugend", "state": "15"}, []),
    ],
)
def test_list_filters(client, needs, params, expected):
    body = client.get("/api/v1/needs/", params).json()
    assert sorted(refs(body)) == expected and body["count"] == len(expected)


@pytest.mark.parametrize(
    ("params", "error", "phrase"),
    [
        ({"topic": "Raumfahrt"}, "unknown_topic", "Unbekanntes Thema „Raumfahrt“"),
        ({"state": "99"}, "unknown_state", "Unbekanntes Bundesland „99“"),
        ({"size_class": "riesig"}, "unknown_size_class", "Unbekannter Wert „riesig“ für „size_class“"),
        ({"kind": "hilfe"}, "unknown_kind", "Gültig: loesung, partner, anbieter"),
        ({"page": "0"}, "invalid_parameter", "„page“ muss mindestens 1 sein"),
        ({"page": "zwei"}, "invalid_parameter", "„page“ muss eine ganze Zahl sein"),
        ({"page_size": "500"}, "invalid_parameter", "„page_size“ darf höchstens 50 sein"),
    ],
)
def test_bad_parameters_answer_400_in_german(client, needs, params, error, phrase):
    response = client.get("/api/v1/needs/", params)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert phrase in response.json()["detail"]


def test_pages(client, needs):
    body = client.get("/api/v1/needs/", {"page_size": 1, "page": 2}).json()
    assert body["count"] == 2 and len(body["results"]) == 1
    response = client.get("/api/v1/needs/", {"page_size": 1, "page": 3})
    assert response.status_code == 404
    assert response.json() == {"error": "page_out_of_range", "detail": "Seite 3 gibt es nicht (2 Gesuche)."}


def test_one_need_and_a_hidden_pending_expired_or_unknown_one_look_alike(client, needs):
    body = client.get("/api/v1/needs/colbitz-schlagloecher/").json()
    assert body["ref"] == "colbitz-schlagloecher"
    assert body["description"].startswith("Unsere Gemeindestraßen haben viele Schlaglöcher.")
    assert body["municipality"]["name"] == "Colbitz"
    for ref in ("calw-verborgen", "barleben-wartet", "groeningen-abgelaufen", "gibt-es-nicht"):
        response = client.get(f"/api/v1/needs/{ref}/")
        assert response.status_code == 404, ref
        assert response.json() == {"error": "not_found", "detail": f"Kein öffentliches Gesuch mit der Kennung „{ref}“."}
        assert client.get(f"/api/v1/needs/{ref}/matches/").status_code == 404
    response = client.get("/api/v1/needs/%C3%A4%C3%B6%C3%BC/")
    assert response.status_code == 400 and response.json()["error"] == "invalid_ref"


def test_a_towns_needs(client, needs):
    body = client.get("/api/v1/municipalities/09371126/needs/").json()
    assert body["municipality"] == {
        "ags": "09371126",
        "name": "Hahnbach",
        "state": "Bayern",
        "size_class": "kleinstadt",
    }
    assert (body["count"], refs(body)) == (1, ["hahnbach-jugend"])
    assert client.get("/api/v1/municipalities/08235085/needs/").json()["count"] == 0  # Calw's need is hidden
    response = client.get("/api/v1/municipalities/99999999/needs/")
    assert response.status_code == 404 and "Keine Kommune" in response.json()["detail"]
    assert client.get("/api/v1/municipalities/1234/needs/").status_code == 400


def test_matches_of_a_need(client, demo):
    colbitz = Municipality.objects.get(name="Colbitz")
    need(
        colbitz,
        "colbitz-schlagloecher",
        "Schlaglöcher erfassen",
        "Unsere Gemeindestraßen haben viele Schlaglöcher. Wir möchten den Zustand aller Straßen erfassen.",
        topics=("strassen-infrastruktur",),
    )
    body = client.get("/api/v1/needs/colbitz-schlagloecher/matches/").json()
    assert set(body) == {"need", "cases", "towns", "partners", "suppliers"}
    assert body["need"]["ref"] == "colbitz-schlagloecher"
    case = body["cases"][0]
    assert set(case) == {"slug", "title", "score", "reasons"}
    assert case["slug"] == "barleben-strassenzustand-ki" and case["score"] == 1.0
    barleben = body["towns"][0]
    assert set(barleben) == {"ags", "name", "state", "size_class", "similarity", "distance_km", "cases", "reasons"}
    assert (barleben["ags"], barleben["state"], barleben["cases"]) == (
        "15083040",
        "Sachsen-Anhalt",
        ["barleben-strassenzustand-ki"],
    )
    assert "13 km entfernt" in barleben["reasons"]
    assert "15083130" not in [t["ags"] for t in body["towns"]]
    assert body["suppliers"][0] == {
        "name": "vialytics",
        "slug": "vialytics",
        "references": ["barleben-strassenzustand-ki"],
        "reasons": body["suppliers"][0]["reasons"],
    }
    assert body["partners"] == []


def test_no_response_carries_the_authors_name_or_address(client, needs, settings):
    settings.ELASTICSEARCH_URL = None
    # a partner nearby, so that the matches name the other need too
    author = needs["colbitz"].author
    need(
        needs["colbitz"].municipality,
        "colbitz-jugend",
        "Jugendarbeit",
        topics=("jugend",),
        kind=NeedKind.PARTNER,
        radius_km=50,
        author=author,
    )
    need(
        Municipality.objects.get(name="Barleben"),
        "barleben-jugend",
        "Jugendarbeit",
        topics=("jugend",),
        kind=NeedKind.PARTNER,  # only a partner search is another's partner
        author=author,
    )
    urls = [
        "/api/v1/needs/",
        "/api/v1/needs/?topic=strassen-infrastruktur",
        "/api/v1/needs/colbitz-schlagloecher/",
        "/api/v1/needs/colbitz-schlagloecher/matches/",
        "/api/v1/needs/colbitz-jugend/matches/",
        "/api/v1/municipalities/15083130/needs/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for value in (*AUTHOR.values(), "quastenhuber", "gemeinde-colbitz"):
            assert value.lower() not in text.lower(), (url, value)
        assert "Colbitz" in text, url
    partners = client.get("/api/v1/needs/colbitz-jugend/matches/").json()["partners"]
    assert [p["municipality"]["name"] for p in partners] == ["Barleben"]
