"""Small register files built inside tests, in the exact layouts of the official files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl

from municipalities.models import Municipality
from municipalities.services import derived_fields


@dataclass
class Row:
    ags: str
    name: str
    population: int | str | None
    area: float | str | None = 10.0
    text_code: str = "64"
    lat: str | None = "52,0"
    lon: str | None = "11,0"
    urbanisation: str = "03"


def gvisys_workbook(path: Path, rows: list[Row], *, data_sheet_title: str = "Onlineprodukt_Gemeinden") -> Path:
    """Mimics AuszugGV…xlsx: a contents sheet, then the data sheet with title rows, a Land row,
    a Kreis row and a Gemeindeverband row before the municipality rows (Satzart 60)."""
    wb = openpyxl.Workbook()
    wb.active.title = "Inhalt"
    wb.active.append(["Statistisches Bundesamt"])
    ws = wb.create_sheet(data_sheet_title)
    ws.append(["Gemeinden in Deutschland nach Fläche, Bevölkerung und Postleitzahl am 31.12.2024"])
    ws.append([])
    ws.append(
        [
            "Satz-art",
            "Text-kenn-zeichen",
            "Amtlicher Regionalschlüssel (ARS)",
            None,
            None,
            None,
            None,
            "Gemeindename",
            "Fläche km2 1)",
            "Bevölkerung",
        ]
    )
    ws.append([None, None, "Land", "RB", "Kreis", "VB", "Gem", None, None, "insgesamt"])
    ws.append(
        [None, None, "Gebietsstand am 31.12.2024", None, None, None, None, None, "31.12.2023", "am 31.12.2023 (Jahr)"]
    )
    ws.append([])
    seen_kreis: set[str] = set()
    for row in rows:
        land, rb, kreis, gem = row.ags[:2], row.ags[2:3], row.ags[3:5], row.ags[5:]
        if land + rb + kreis not in seen_kreis:
            seen_kreis.add(land + rb + kreis)
            ws.append(["10", None, land] + [None] * 4 + ["Land"] + [None] * 12)
            ws.append(["40", "43", land, rb, kreis, None, None, f"Kreis {kreis}"] + [None] * 12)
            ws.append(["50", "50", land, rb, kreis, "5001", None, "Verband Eins"] + [None] * 12)
        ws.append(
            [
                "60",
                row.text_code,
                land,
                rb,
                kreis,
                "5001",
                gem,
                row.name,
                row.area,
                row.population,
                None,
                None,
                None,
                "12345",
                row.lon,
                row.lat,
                "F01",
                "Reisegebiet",
                row.urbanisation,
                "gering besiedelt",
            ]
        )
    ws.append([])
    ws.append(["Quelle: Gemeindeverzeichnis-Informationssytem GV-ISys"])
    wb.save(path)
    return path


DOCUMENTED_HEADER = "ags,name,state,district,population,area_km2,lat,lon"


def register_csv(path: Path, lines: list[str], *, header: str = DOCUMENTED_HEADER) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def municipality(ags: str = "15083040", name: str = "Barleben", population: int = 9238, **fields) -> Municipality:
    values = {
        "state": ags[:2],
        "district_name": "Börde",
        "lat": 52.2,
        "lon": 11.6,
        "area_km2": 29.85,
        **fields,
    }
    return Municipality.objects.create(
        ags=ags,
        name=name,
        official_name=fields.pop("official_name", name),
        population=population,
        **{k: v for k, v in values.items() if k != "official_name"},
        **derived_fields(name=name, official_name=name, population=population),
    )
