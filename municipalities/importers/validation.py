"""Turns a ``SourceRow`` into clean model values or a list of reasons, in German."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from municipalities.importers.base import SourceRow
from municipalities.models import Urbanisation
from municipalities.states import State, state_from_input
from municipalities.text import short_name

_AGS = re.compile(r"^\d{8}$")
# Generous bounding box of Germany: catches swapped or misplaced coordinates.
_LAT_RANGE = (47.0, 55.2)
_LON_RANGE = (5.5, 15.3)


@dataclass(frozen=True)
class RowError:
    line: int
    ags: str
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        where = f"Zeile {self.line}" + (f" (AGS {self.ags})" if self.ags else "")
        return f"{where}: {'; '.join(self.reasons)}"


def _number(raw: object, label: str, errors: list[str], *, integer: bool = False):
    if raw is None or (isinstance(raw, str) and raw.strip() in {"", "-", "."}):
        return None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = Decimal(str(raw))
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
        if "," in text:  # German notation: 1.234,5
            text = text.replace(".", "").replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            errors.append(f"{label} „{raw}“ ist keine Zahl")
            return None
    if not value.is_finite():
        errors.append(f"{label} „{raw}“ ist keine Zahl")
        return None
    if integer:
        if value != value.to_integral_value():
            errors.append(f"{label} „{raw}“ ist keine ganze Zahl")
            return None
        return int(value)
    return value


def clean_row(row: SourceRow) -> tuple[dict[str, object] | None, RowError | None]:
    values = row.values
    ags = str(values.get("ags") or "").strip()
    if "_error" in values:
        return None, RowError(row.line, ags, (str(values["_error"]),))
    errors: list[str] = []

    if not _AGS.match(ags):
        errors.append(f"AGS „{ags}“ hat nicht genau 8 Ziffern")
    elif ags[:2] not in State.values:
        errors.append(f"Landesschlüssel „{ags[:2]}“ der AGS liegt nicht zwischen 01 und 16")
    state_raw = str(values.get("state") or "").strip()
    if state_raw and _AGS.match(ags):
        state = state_from_input(state_raw)
        if state is None:
            errors.append(f"Bundesland „{state_raw}“ ist unbekannt")
        elif state.value != ags[:2]:
            errors.append(f"Bundesland „{state_raw}“ passt nicht zur AGS (Land {ags[:2]})")

    official_name = str(values.get("name") or "").strip()
    if not official_name:
        errors.append("Name fehlt")

    population = _number(values.get("population"), "Einwohnerzahl", errors, integer=True)
    if population is None and not any(e.startswith("Einwohnerzahl") for e in errors):
        errors.append("Einwohnerzahl fehlt")
    elif population is not None and population < 0:
        errors.append(f"Einwohnerzahl {population} ist negativ")

    area = _number(values.get("area_km2"), "Fläche", errors)
    if area is not None and area < 0:
        errors.append(f"Fläche {area} ist negativ")
    lat = _number(values.get("lat"), "Breitengrad", errors)
    lon = _number(values.get("lon"), "Längengrad", errors)
    if (lat is None) != (lon is None):
        errors.append("Koordinaten unvollständig: Breiten- und Längengrad gehören zusammen")
    if lat is not None and not _LAT_RANGE[0] <= lat <= _LAT_RANGE[1]:
        errors.append(f"Breitengrad {lat} liegt nicht in Deutschland")
    if lon is not None and not _LON_RANGE[0] <= lon <= _LON_RANGE[1]:
        errors.append(f"Längengrad {lon} liegt nicht in Deutschland")
    ortsteile = _number(values.get("ortsteile_count"), "Zahl der Ortsteile", errors, integer=True)
    if ortsteile is not None and ortsteile < 0:
        errors.append(f"Zahl der Ortsteile {ortsteile} ist negativ")

    urbanisation = str(values.get("urbanisation") or "").strip().lstrip("0")
    if urbanisation and urbanisation not in Urbanisation.values:
        errors.append(f"Verstädterungsgrad „{values.get('urbanisation')}“ ist unbekannt")

    if errors:
        return None, RowError(row.line, ags, tuple(errors))

    district_code = str(values.get("district_code") or ags[:5])
    cleaned = {
        "ags": ags,
        "name": str(values.get("short_name") or "").strip() or short_name(official_name),
        "official_name": official_name,
        "municipality_type": str(values.get("municipality_type") or "").strip(),
        "state": ags[:2],
        "district_code": district_code,
        "district_name": str(values.get("district_name") or "").strip(),
        "association_code": str(values.get("association_code") or "").strip(),
        "association_name": str(values.get("association_name") or "").strip(),
        "population": population,
        "area_km2": area.quantize(Decimal("0.01")) if area is not None else None,
        "lat": float(lat) if lat is not None else None,
        "lon": float(lon) if lon is not None else None,
        "postal_code": str(values.get("postal_code") or "").strip()[:5],
        "urbanisation": urbanisation,
        "ortsteile_count": ortsteile,
    }
    # A file that lacks a column must not wipe what another source (or an editor) filled in.
    for field in OPTIONAL_FIELDS:
        if field not in values:
            del cleaned[field]
    return cleaned, None


OPTIONAL_FIELDS = (
    "municipality_type",
    "district_name",
    "association_code",
    "association_name",
    "area_km2",
    "lat",
    "lon",
    "postal_code",
    "urbanisation",
    "ortsteile_count",
)
