"""Adopters in the case JSON Lines: who learned from whom, „abgebrochen“ with its reason, start, notes and figures
of each town — validated with line numbers, kept when a file leaves the keys out, and exported losslessly."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from solutions.models import SolutionAdopter, SolutionPage, Supplier
from tests.factories.solutions import case_line, write_jsonl

pytestmark = pytest.mark.django_db

BARLEBEN, GROENINGEN, CALW, HEMMINGEN_NI, HEMMINGEN_BW = "15083040", "15083245", "08235085", "03241007", "08118027"

ADOPTERS = [
    {
        "ags": GROENINGEN,
        "year": 2023,
        "status": "in_operation",
        "hosts_visits": True,
        "visits_per_year": 4,
        "learned_from": BARLEBEN,
        "started_on": "2023-03-01",
        "stopped_reason": None,
        "stopped_reason_public": False,
        "notes": "Läuft im Bauhof mit zwei Fahrzeugen; „Straßenbegehung“ entfällt.",
        "outcomes": [{"metric": "Straßen erfasst", "value": 80, "unit": "%", "baseline": None}],
        "is_sample": False,
    },
    {
        "ags": CALW,
        "year": 2024,
        "status": "pilot",
        "hosts_visits": False,
        "visits_per_year": None,
        "learned_from": GROENINGEN,
        "started_on": None,
        "stopped_reason": None,
        "stopped_reason_public": False,
        "notes": "",
        "outcomes": [{"metric": "Gasverbrauch", "value": -16.56, "unit": "%", "baseline": 100}],
        "is_sample": False,
    },
    {
        "ags": HEMMINGEN_BW,
        "year": 2024,
        "status": "stopped",
        "hosts_visits": False,
        "visits_per_year": None,
        "learned_from": None,
        "started_on": "2024-05-15",
        "stopped_reason": "Die Förderung für die Straßenbefahrung lief aus; der Gemeinderat stoppte die Beschaffung.",
        "stopped_reason_public": True,
        "notes": "",
        "outcomes": [],
        "is_sample": True,
    },
]


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_solutions", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def run_failing(path) -> str:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_solutions", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue()


def export(path) -> bytes:
    call_command("export_solutions", str(path), stdout=StringIO(), stderr=StringIO())
    return path.read_bytes()


def test_adopters_round_trip_byte_identical(tmp_path, register, index):
    line = case_line(last_confirmed="2026-11-02", adopters=ADOPTERS)
    run(write_jsonl(tmp_path / "in.jsonl", [line]))
    first = export(tmp_path / "out.jsonl")
    assert json.loads(first)["adopters"] == ADOPTERS

    # the same file again: nothing to write
    assert "0 neu, 0 aktualisiert, 1 unverändert" in run(tmp_path / "out.jsonl")

    # into an empty site and out again: the same bytes
    SolutionPage.objects.all().delete()
    Supplier.objects.all().delete()
    run(tmp_path / "out.jsonl")
    assert export(tmp_path / "again.jsonl") == first

    stopped = SolutionAdopter.objects.get(municipality__ags=HEMMINGEN_BW)
    assert stopped.public_stopped_reason.startswith("Die Förderung für die Straßenbefahrung")
    assert stopped.is_sample and stopped.started_on == dt.date(2024, 5, 15)
    assert SolutionAdopter.objects.get(municipality__ags=CALW).learned_from.name == "Gröningen"


@pytest.mark.parametrize(
    ("adopter", "expected"),
    [
        (
            {"ags": CALW, "learned_from": "99999999"},
            "adopters[1].learned_from: AGS 99999999 gibt es im Gemeindeverzeichnis nicht",
        ),
        (
            {"ags": CALW, "learned_from": "Barleben"},
            "adopters[1].learned_from: AGS „Barleben“ hat nicht genau 8 Ziffern",
        ),
        ({"ags": CALW, "learned_from": CALW}, "eine Kommune kann nicht von sich selbst gelernt haben"),
        ({"ags": CALW, "status": "stopped"}, "adopters[1]: abgebrochen ohne „stopped_reason“"),
        ({"ags": CALW, "status": "stopped", "stopped_reason": "  "}, "adopters[1]: abgebrochen ohne „stopped_reason“"),
        (
            {"ags": CALW, "status": "pilot", "stopped_reason": "Zu teuer für Calw."},
            "„stopped_reason“ gibt es nur beim Stand „stopped“ (hier: „pilot“)",
        ),
        ({"ags": CALW, "status": "aufgegeben"}, "adopters[1].status = „aufgegeben“ ist unbekannt"),
        ({"ags": CALW, "started_on": "1. März 2024"}, "adopters[1].started_on = „1. März 2024“ ist kein Datum"),
        ({"ags": CALW, "outcomes": [{"value": 3}]}, "adopters[1].outcomes[1]: „metric“ fehlt"),
        (
            {"ags": CALW, "outcomes": [{"metric": "Kosten", "value": "viel"}]},
            "„adopters[1].outcomes[1].value“ = „viel“ ist keine Zahl",
        ),
        ({"ags": CALW, "stopped_reason_public": "ja"}, "adopters[1].stopped_reason_public muss true oder false sein"),
    ],
)
def test_bad_adopters_are_reported_with_line_number_and_nothing_is_imported(
    tmp_path, register, index, adopter, expected
):
    path = write_jsonl(tmp_path / "f.jsonl", [case_line("gut"), case_line("schlecht", adopters=[adopter])])
    err = run_failing(path)
    assert "Zeile 2: " in err and expected in err
    assert not SolutionPage.objects.exists()


def test_a_file_without_the_new_keys_keeps_what_was_declared(tmp_path, register, index):
    run(write_jsonl(tmp_path / "voll.jsonl", [case_line(adopters=ADOPTERS)]))
    # an export from before the adoption loop: only ags, year, status, hosts_visits
    old = [{"ags": GROENINGEN, "year": 2023, "status": "completed", "hosts_visits": True}, {"ags": CALW, "year": 2024}]
    out = run(write_jsonl(tmp_path / "alt.jsonl", [case_line(adopters=old)]))
    assert "1 aktualisiert" in out

    groeningen = SolutionAdopter.objects.get(municipality__ags=GROENINGEN)
    assert groeningen.status == "completed"
    assert groeningen.learned_from.ags == BARLEBEN
    assert groeningen.notes.startswith("Läuft im Bauhof")
    assert groeningen.outcomes == [{"metric": "Straßen erfasst", "value": 80, "unit": "%", "baseline": None}]
    assert groeningen.started_on == dt.date(2023, 3, 1)
    calw = SolutionAdopter.objects.get(municipality__ags=CALW)
    assert calw.status == "in_operation"  # the status keeps its old default
    assert calw.learned_from.ags == GROENINGEN
    # Hemmingen is not in the file any more: it is no adopter any more, as before
    assert not SolutionAdopter.objects.filter(municipality__ags=HEMMINGEN_BW).exists()


def test_restarting_drops_the_reason_of_the_stop(tmp_path, register, index):
    run(write_jsonl(tmp_path / "a.jsonl", [case_line(adopters=ADOPTERS[2:])]))
    run(
        write_jsonl(
            tmp_path / "b.jsonl", [case_line(adopters=[{"ags": HEMMINGEN_BW, "year": 2025, "status": "pilot"}])]
        )
    )
    again = SolutionAdopter.objects.get(municipality__ags=HEMMINGEN_BW)
    assert (again.status, again.stopped_reason, again.stopped_reason_public) == ("pilot", "", False)
    assert again.started_on == dt.date(2024, 5, 15)  # not given: kept


def test_learned_from_a_town_not_on_the_case(tmp_path, register, index):
    adopters = [{"ags": CALW, "year": 2024, "status": "pilot", "learned_from": HEMMINGEN_NI}]
    run(write_jsonl(tmp_path / "f.jsonl", [case_line(adopters=adopters)]))
    assert SolutionAdopter.objects.get().learned_from.name == "Hemmingen"
    exported = json.loads(export(tmp_path / "out.jsonl"))
    assert exported["adopters"][0]["learned_from"] == HEMMINGEN_NI
