"""Reader for the Destatis GV-ISys workbook ``AuszugGV…xlsx`` (Gemeindeverzeichnis).

Layout of the data sheet: a few title rows, then one row per territorial unit with the record type
(Satzart) in column A: 10 Land, 20 Regierungsbezirk, 30 Region, 40 Kreis, 50 Gemeindeverband,
60 Gemeinde. For Gemeinden, column B (Textkennzeichen) 65 and 66 mark gemeindefreie Gebiete, which
are not political municipalities and are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl

from municipalities.importers.base import RegisterFileError, RegisterSource, SourceRow

UNINCORPORATED_TEXT_CODES = {"65", "66"}
MUNICIPALITY_TYPES = {
    "60": "Markt",
    "61": "Kreisfreie Stadt",
    "62": "Stadtkreis",
    "63": "Stadt",
    "64": "Kreisangehörige Gemeinde",
    "67": "Große Kreisstadt",
}
_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")
_HEADER_SCAN_ROWS = 12


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _find_data_sheet(workbook: openpyxl.Workbook):
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=1, max_row=_HEADER_SCAN_ROWS, max_col=3, values_only=True):
            if row and _text(row[0]).lower().startswith("satz"):
                return sheet
    return None


def read_gvisys_workbook(path: Path) -> RegisterSource:
    if not zipfile.is_zipfile(path):
        raise RegisterFileError(
            f"„{path.name}“ ist keine Excel-Arbeitsmappe (.xlsx); erwartet wird das Gemeindeverzeichnis "
            "„AuszugGV…xlsx“ von destatis.de oder eine CSV-Datei."
        )
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise RegisterFileError(f"„{path.name}“ lässt sich nicht als Excel-Arbeitsmappe öffnen ({exc}).") from exc
    sheet = _find_data_sheet(workbook)
    if sheet is None:
        raise RegisterFileError(
            f"„{path.name}“ enthält kein Blatt im Format des Gemeindeverzeichnisses (GV-ISys): "
            "keine Spalte „Satzart“ gefunden."
        )
    population_date = None
    for row in sheet.iter_rows(min_row=1, max_row=_HEADER_SCAN_ROWS, values_only=True):
        if len(row) > 9 and row[0] is None and (match := _DATE.search(_text(row[9]))):
            population_date = dt.date(int(match[3]), int(match[2]), int(match[1]))
            break
    source = RegisterSource(rows=[], population_date=population_date, total_hint=sheet.max_row)
    source.rows = _rows(sheet, source)
    return source


def _rows(sheet, source: RegisterSource):
    districts: dict[str, str] = {}
    associations: dict[str, str] = {}
    for line, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        record_type = _text(row[0]) if row else ""
        if record_type not in {"40", "50", "60"} or len(row) < 20:
            continue
        land, rb, kreis, vb, gem = (_text(v) for v in row[2:7])
        if record_type == "40":
            districts[land + rb + kreis] = _text(row[7])
            continue
        if record_type == "50":
            associations[land + rb + kreis + vb] = _text(row[7])
            continue
        text_code = _text(row[1])
        if text_code in UNINCORPORATED_TEXT_CODES:
            source.skipped_unincorporated += 1
            continue
        district_code = land + rb + kreis
        association_code = district_code + vb
        yield SourceRow(
            line=line,
            values={
                "ags": land + rb + kreis + gem,
                "name": _text(row[7]),
                "municipality_type": MUNICIPALITY_TYPES.get(text_code, ""),
                "district_code": district_code,
                "district_name": districts.get(district_code, ""),
                "association_code": association_code,
                "association_name": associations.get(association_code, ""),
                "area_km2": row[8],
                "population": row[9],
                "postal_code": _text(row[13]),
                "lon": row[14],
                "lat": row[15],
                "urbanisation": _text(row[18]),
            },
        )
