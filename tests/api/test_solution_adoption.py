"""``GET /api/v1/solutions/<slug>/`` carries ``adoption``: the transfer record of tests/solutions/transfer_data.py,
hand-counted there. A reason for stopping leaves the API only once editors publish it."""

from __future__ import annotations

import pytest

from solutions.services import solution_adopter_save
from tests.solutions.transfer_data import CALW, GROENINGEN, HEMMINGEN_BW, HEMMINGEN_NI, SECRET_REASON, travelled_case

pytestmark = pytest.mark.django_db


def test_adoption_block_as_documented(client, tmp_path, register, index):
    travelled_case(tmp_path)
    response = client.get("/api/v1/solutions/barleben-strassen/")
    assert response.status_code == 200
    adoption = response.json()["adoption"]
    assert {"slug", "title", "adopters", "url", "municipality", "last_confirmed"} <= set(response.json())

    assert {k: v for k, v in adoption.items() if k != "adopters"} == {
        "count": 4,
        "in_operation": 1,
        "pilot": 1,
        "planned": 1,
        "stopped": 1,
        "by_size_class": {"landgemeinde": 1, "mittelstadt": 1, "kleinstadt": 2},
        "depth": 3,
    }
    assert adoption["adopters"] == [
        {
            "ags": GROENINGEN,
            "name": "Gröningen",
            "size_class": "landgemeinde",
            "year": 2023,
            "status": "in_operation",
            "learned_from": {"ags": "15083040", "name": "Barleben"},
        },
        {
            "ags": CALW,
            "name": "Calw",
            "size_class": "mittelstadt",
            "year": 2024,
            "status": "pilot",
            "learned_from": {"ags": GROENINGEN, "name": "Gröningen"},
        },
        {
            "ags": HEMMINGEN_NI,
            "name": "Hemmingen",
            "size_class": "kleinstadt",
            "year": 2025,
            "status": "planned",
            "learned_from": {"ags": CALW, "name": "Calw"},
        },
        {
            "ags": HEMMINGEN_BW,
            "name": "Hemmingen",
            "size_class": "kleinstadt",
            "year": 2024,
            "status": "stopped",
            "learned_from": None,
        },
    ]


def test_completed_counts_as_in_operation_and_the_lead_is_not_counted(client, tmp_path, register, index):
    adopters = [
        {"ags": GROENINGEN, "year": 2022, "status": "completed"},
        {"ags": CALW, "year": 2023, "status": "in_operation", "learned_from": "03241007"},  # a town not on the case
    ]
    travelled_case(tmp_path, adopters=adopters)
    adoption = client.get("/api/v1/solutions/barleben-strassen/").json()["adoption"]
    assert (adoption["count"], adoption["in_operation"], adoption["depth"]) == (2, 2, 1)
    assert adoption["adopters"][1]["learned_from"] is None  # only towns on the case are named


def test_stopped_reason_only_when_published(client, tmp_path, register, index):
    page = travelled_case(tmp_path)
    response = client.get("/api/v1/solutions/barleben-strassen/")
    assert SECRET_REASON not in response.content.decode()
    stopped = next(a for a in response.json()["adopters"] if a["ags"] == HEMMINGEN_BW)
    assert stopped["stopped_reason"] is None and "stopped_reason_public" not in stopped

    public = "Zu wenige Straßenkilometer für eine Lizenz: ein Nachbarverbund übernimmt 2026."
    solution_adopter_save(
        page.pk, register["hemmingen_bw"], status="stopped", stopped_reason=public, stopped_reason_public=True
    )
    stopped = next(
        a for a in client.get("/api/v1/solutions/barleben-strassen/").json()["adopters"] if a["ags"] == HEMMINGEN_BW
    )
    assert stopped["stopped_reason"] == public


def test_schema_describes_adoption(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/solutions/{slug}/"]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    body = schema["components"]["schemas"][ref]
    assert body["additionalProperties"] is True
    adoption = schema["components"]["schemas"][body["properties"]["adoption"]["$ref"].rsplit("/", 1)[1]]
    assert set(adoption["required"]) == {
        "count",
        "in_operation",
        "pilot",
        "planned",
        "stopped",
        "by_size_class",
        "depth",
        "adopters",
    }
