"""„python manage.py import_needs“ (issue 17, item 6): needs collected at a workshop, all lines checked
first, every error with its line number, all or nothing, published at once."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from agency.models import Need, NeedSource, NeedState
from agency.selectors import needs_public
from tests.factories.needs import need
from tests.factories.register import municipality

pytestmark = pytest.mark.django_db

HAHNBACH = {
    "ref": "werkstatt-amberg-1",
    "kind": "partner",
    "municipality_ags": "09371126",
    "topics": ["jugend", "Interkommunale Zusammenarbeit"],
    "title": "Gemeinsame Jugendpflegerin für drei Dörfer",
    "description": "Hahnbach sucht Nachbargemeinden, die sich eine Stelle für Jugendarbeit „teilen“ möchten.",
    "radius_km": 20,
    "expires": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
    "notiz_der_moderation": "wird ignoriert",
}
ILLSCHWANG = {
    "ref": "werkstatt-amberg-2",
    "kind": "loesung",
    "municipality_ags": "09371131",
    "topics": ["strassen-infrastruktur"],
    "title": "Schlaglöcher erfassen",
    "description": "Wie erfassen andere Gemeinden den Zustand ihrer Straßen, ohne dass der Bauhof extra fährt?",
}


@pytest.fixture
def towns(db):
    return {
        "hahnbach": municipality("09371126", "Hahnbach", 5028, district_name="Amberg-Sulzbach", lat=49.53, lon=11.80),
        "illschwang": municipality(
            "09371131", "Illschwang", 2083, district_name="Amberg-Sulzbach", lat=49.45, lon=11.69
        ),
    }


def write(tmp_path, *lines, encoding="utf-8", bom=False) -> str:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines) + "\n"
    path = tmp_path / "werkstatt.jsonl"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return str(path)


def run(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_needs", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_valid_file_publishes_every_need_at_once_and_ignores_unknown_keys(tmp_path, towns):
    out, _ = run(write(tmp_path, HAHNBACH, "", ILLSCHWANG), "--verbosity", "0")
    assert "2 neu, 0 aktualisiert" in out
    hahnbach = Need.objects.get(ref="werkstatt-amberg-1")
    assert (hahnbach.state, hahnbach.source, hahnbach.radius_km) == (NeedState.OPEN, NeedSource.IMPORT, 20)
    assert hahnbach.published_at is not None and hahnbach.author is None
    assert sorted(t.slug for t in hahnbach.topics.all()) == ["interkommunale-zusammenarbeit", "jugend"]
    illschwang = Need.objects.get(ref="werkstatt-amberg-2")
    # no expiry given: six months
    assert illschwang.expires == timezone.localdate() + dt.timedelta(days=183)
    assert set(needs_public().values_list("ref", flat=True)) == {"werkstatt-amberg-1", "werkstatt-amberg-2"}


def test_importing_again_updates_by_ref_and_keeps_a_hidden_need_hidden(tmp_path, towns):
    run(write(tmp_path, HAHNBACH, ILLSCHWANG), "--verbosity", "0")
    Need.objects.filter(ref="werkstatt-amberg-2").update(state=NeedState.HIDDEN)
    changed = {**HAHNBACH, "title": "Jugendpflege gemeinsam finanzieren", "radius_km": 30}
    out, _ = run(write(tmp_path, changed, ILLSCHWANG), "--verbosity", "0")
    assert "0 neu, 2 aktualisiert" in out
    assert Need.objects.count() == 2
    assert Need.objects.get(ref="werkstatt-amberg-1").title == "Jugendpflege gemeinsam finanzieren"
    assert Need.objects.get(ref="werkstatt-amberg-2").state == NeedState.HIDDEN


def test_one_bad_line_imports_nothing_and_names_every_error_with_its_line(tmp_path, towns):
    bad_kind = {**ILLSCHWANG, "ref": "werkstatt-amberg-3", "kind": "hilfe"}
    bad_many = {
        **ILLSCHWANG,
        "ref": "Werkstatt 4",
        "municipality_ags": "99999999",
        "topics": ["Raumfahrt"],
        "radius_km": 500,
        "expires": "31.12.2030",
    }
    path = write(tmp_path, HAHNBACH, bad_kind, "{kein json", bad_many, {**ILLSCHWANG, "ref": "werkstatt-amberg-1"})
    with pytest.raises(CommandError) as raised:
        run(path)
    assert "es wurde nichts importiert" in str(raised.value)
    assert Need.objects.count() == 0
    errors = _errors(path)
    assert errors[0] == "Zeile 2: „kind“ muss „loesung“, „partner“ oder „anbieter“ sein, nicht „hilfe“"
    assert errors[1] == (
        "Zeile 3: kein gültiges JSON in Spalte 2: hier wird ein Feldname in doppelten Anführungszeichen erwartet"
    )
    line4 = errors[2]
    assert line4.startswith("Zeile 4: ")
    for part in (
        "„ref“ = „Werkstatt 4“",
        "AGS 99999999 gibt es im Gemeindeverzeichnis nicht",
        "Thema „Raumfahrt“ gibt es nicht",
        "„radius_km“ = 500 ist größer als 200",
        "„expires“ = „31.12.2030“ ist kein Datum (JJJJ-MM-TT)",
    ):
        assert part in line4, (part, line4)
    assert errors[3] == "Zeile 5: „ref“ = „werkstatt-amberg-1“ kommt schon in Zeile 1 vor"


def _errors(path) -> list[str]:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_needs", path, stdout=StringIO(), stderr=err)
    return err.getvalue().splitlines()


def test_skip_invalid_imports_the_valid_lines_and_reports_the_bad_ones(tmp_path, towns):
    path = write(tmp_path, {**HAHNBACH, "title": ""}, ILLSCHWANG)
    out, err = run(path, "--skip-invalid", "--verbosity", "0")
    assert "Zeile 1: „title“ ist leer" in err
    assert "1 neu" in out and "1 übersprungen" in out
    assert list(Need.objects.values_list("ref", flat=True)) == ["werkstatt-amberg-2"]


def test_missing_fields_and_a_past_expiry_are_named(tmp_path, towns):
    line = {"ref": "werkstatt-5", "expires": "2020-01-01"}
    errors = _errors(write(tmp_path, line))
    assert errors[0].startswith("Zeile 1: ")
    for part in ("„kind“ fehlt", "„municipality_ags“ fehlt", "„topics“ fehlt", "„title“ fehlt", "„description“ fehlt"):
        assert part in errors[0], part
    assert "„expires“ = 2020-01-01 liegt in der Vergangenheit" in errors[0]


def test_a_members_need_is_not_overwritten_by_a_workshop_line(tmp_path, towns):
    need(towns["hahnbach"], "werkstatt-amberg-1", "Jugendarbeit im Verbund")
    errors = _errors(write(tmp_path, HAHNBACH))
    assert "gehört schon zu einem Gesuch, das ein Mitglied eingestellt hat" in errors[0]
    assert Need.objects.get().title == "Jugendarbeit im Verbund"


def test_bom_is_accepted_and_other_encodings_and_empty_files_are_refused_clearly(tmp_path, towns):
    out, _ = run(write(tmp_path, ILLSCHWANG, bom=True), "--verbosity", "0")
    assert "1 neu" in out
    with pytest.raises(CommandError, match="ist nicht UTF-8-kodiert"):
        run(write(tmp_path, ILLSCHWANG, encoding="latin-1"))
    (tmp_path / "leer.jsonl").write_text("\n\n", encoding="utf-8")
    errors = _errors(str(tmp_path / "leer.jsonl"))
    assert errors == ["„leer.jsonl“ enthält kein Gesuch (nur leere Zeilen)."]
    with pytest.raises(CommandError, match="gibt es nicht"):
        run(str(tmp_path / "fehlt.jsonl"))


def test_every_imported_need_is_handed_to_the_introductions(tmp_path, towns, monkeypatch):
    handed = []
    monkeypatch.setattr("agency.management.commands.import_needs.need_introduce", lambda n: handed.append(n.ref) or [])
    run(write(tmp_path, HAHNBACH, ILLSCHWANG), "--verbosity", "0")
    assert handed == ["werkstatt-amberg-1", "werkstatt-amberg-2"]


def test_the_summary_counts_in_german_singular_and_plural(tmp_path, towns, monkeypatch):
    made = {"werkstatt-amberg-1": [object()], "werkstatt-amberg-2": []}
    monkeypatch.setattr("agency.management.commands.import_needs.need_introduce", lambda n: made[n.ref])
    out, _ = run(write(tmp_path, HAHNBACH, ILLSCHWANG), "--verbosity", "0")
    assert out.strip().endswith("; 1 Vorstellung gemacht.")
    made["werkstatt-amberg-2"] = [object(), object()]
    out, _ = run(write(tmp_path, HAHNBACH, ILLSCHWANG), "--verbosity", "0")
    assert out.strip().endswith("; 3 Vorstellungen gemacht.")
    with pytest.raises(CommandError, match=r"^1 von 2 Zeilen ist fehlerhaft; es wurde nichts importiert"):
        run(write(tmp_path, {**HAHNBACH, "radius_km": "zwanzig"}, ILLSCHWANG))


def test_values_are_quoted_in_german(tmp_path, towns):
    errors = _errors(write(tmp_path, {**HAHNBACH, "radius_km": "zwanzig", "municipality_ags": "9371126"}))
    assert "„radius_km“ = „zwanzig“ ist keine Zahl" in errors[0]
    assert "AGS „9371126“ hat nicht genau 8 Ziffern" in errors[0]
    assert "'" not in errors[0] and '"' not in errors[0]
