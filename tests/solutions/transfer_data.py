"""A case that travelled, hand-counted: Barleben (lead, 2023, Kleinstadt) → Gröningen (2023, im Betrieb,
Landgemeinde) → Calw (2024, Pilotphase, Mittelstadt) → Hemmingen NI (2025, geplant, Kleinstadt); Hemmingen BW
(2024, abgebrochen, Kleinstadt, names nobody; its reason not published).

count 4 · in_operation 1 · pilot 1 · planned 1 · stopped 1 · by_size_class landgemeinde 1, mittelstadt 1,
kleinstadt 2 · depth 3 (Barleben → Gröningen → Calw → Hemmingen NI)."""

from __future__ import annotations

from tests.factories.solutions import case_line, publish_cases

BARLEBEN, GROENINGEN, CALW, HEMMINGEN_NI, HEMMINGEN_BW = "15083040", "15083245", "08235085", "03241007", "08118027"
SECRET_REASON = "Der Kämmerer hielt die Lizenz für zu teuer – intern, bitte nicht veröffentlichen."

ADOPTERS = [
    {
        "ags": GROENINGEN,
        "year": 2023,
        "status": "in_operation",
        "learned_from": BARLEBEN,
        "hosts_visits": True,
        "notes": "Zwei Bauhof-Fahrzeuge fahren mit; die „Straßenbegehung“ im Frühjahr entfällt.",
        "outcomes": [{"metric": "Straßen erfasst", "value": 80, "unit": "%"}],
    },
    {"ags": CALW, "year": 2024, "status": "pilot", "learned_from": GROENINGEN},
    {"ags": HEMMINGEN_NI, "year": 2025, "status": "planned", "learned_from": CALW},
    {"ags": HEMMINGEN_BW, "year": 2024, "status": "stopped", "learned_from": None, "stopped_reason": SECRET_REASON},
]


def travelled_case(tmp_path, **fields):
    return publish_cases(tmp_path, case_line(adopters=fields.pop("adopters", ADOPTERS), **fields))[0]
