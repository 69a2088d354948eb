"""Reader for register CSV files.

Two headers are understood: the documented one (``ags,name,state,district,population,area_km2,
lat,lon``; comma or semicolon) and the cleaned national file with Destatis column names
(``gemeinden_de_2024.csv``: ``population_31122023``, ``kreis_name``, ``gemeinde_typ_code`` …).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import re
from pathlib import Path

from municipalities.importers.base import RegisterFileError, RegisterSource, SourceRow
from municipalities.importers.gvisys import UNINCORPORATED_TEXT_CODES

# our field -> accepted column names, first match wins
COLUMNS: dict[str, tuple[str, ...]] = {
    "ags": ("ags",),
    "name": ("name",),
    "short_name": ("name_short",),
    "state": ("state", "land_code", "bundesland"),
    "district_code": ("kreis_code",),
    "district_name": ("district", "kreis_name", "landkreis"),
    "association_code": ("gemeindeverband_code",),
    "association_name": ("gemeindeverband_name", "gemeindeverband"),
    "municipality_type": ("gemeinde_typ",),
    "area_km2": ("area_km2",),
    "lat": ("lat",),
    "lon": ("lon",),
    "postal_code": ("plz", "postal_code"),
    "urbanisation": ("verstaedterung_code",),
    "ortsteile_count": ("ortsteile", "ortsteile_count"),
}
REQUIRED = ("ags", "name", "population")
DOCUMENTED_HEADER = "ags,name,state,district,population,area_km2,lat,lon"
_DATED_POPULATION = re.compile(r"^population_(\d{2})(\d{2})(\d{4})$")


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":  # gzip, e.g. the national register shipped as package data
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise RegisterFileError(f"„{path.name}“ ist keine lesbare gzip-Datei ({exc}).") from exc
    if raw[:2] == b"PK":
        raise RegisterFileError(
            f"„{path.name}“ ist eine Excel-Datei; bitte mit der Endung .xlsx übergeben oder als CSV speichern."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegisterFileError(
            f"„{path.name}“ ist keine UTF-8-kodierte CSV-Datei (Byte {exc.start} ist ungültig); "
            "bitte als „CSV UTF-8“ speichern."
        ) from exc


def read_register_csv(path: Path, population_date: dt.date | None = None) -> RegisterSource:
    text = _decode(path)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        raise RegisterFileError(f"„{path.name}“ ist leer.") from None

    index: dict[str, int] = {}
    for field, names in COLUMNS.items():
        for name in names:
            if name in header:
                index[field] = header.index(name)
                break
    for position, column in enumerate(header):
        if column == "population":
            index["population"] = position
            break
        if match := _DATED_POPULATION.match(column):
            index["population"] = position
            population_date = population_date or dt.date(int(match[3]), int(match[2]), int(match[1]))
            break
    missing = [field for field in REQUIRED if field not in index]
    if missing:
        raise RegisterFileError(
            f"Die Kopfzeile von „{path.name}“ passt nicht: erwartet wird „{DOCUMENTED_HEADER}“ "
            f"(lat/lon optional), es fehlt: {', '.join(missing)}."
        )
    type_code = header.index("gemeinde_typ_code") if "gemeinde_typ_code" in header else None
    source = RegisterSource(rows=[], population_date=population_date, total_hint=text.count("\n"))
    source.rows = _rows(reader, index, type_code, len(header), source)
    return source


def _rows(reader, index: dict[str, int], type_code: int | None, width: int, source: RegisterSource):
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != width:
            yield SourceRow(line=line, values={"_error": f"{len(cells)} statt {width} Spalten"})
            continue
        if type_code is not None and cells[type_code].strip() in UNINCORPORATED_TEXT_CODES:
            source.skipped_unincorporated += 1
            continue
        yield SourceRow(line=line, values={field: cells[i].strip() for field, i in index.items()})
