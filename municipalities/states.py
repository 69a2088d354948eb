"""The 16 Länder with their two-digit codes (the first two digits of every AGS)."""

from __future__ import annotations

from django.db import models

from municipalities.text import fold


class State(models.TextChoices):
    SH = "01", "Schleswig-Holstein"
    HH = "02", "Hamburg"
    NI = "03", "Niedersachsen"
    HB = "04", "Bremen"
    NW = "05", "Nordrhein-Westfalen"
    HE = "06", "Hessen"
    RP = "07", "Rheinland-Pfalz"
    BW = "08", "Baden-Württemberg"
    BY = "09", "Bayern"
    SL = "10", "Saarland"
    BE = "11", "Berlin"
    BB = "12", "Brandenburg"
    MV = "13", "Mecklenburg-Vorpommern"
    SN = "14", "Sachsen"
    ST = "15", "Sachsen-Anhalt"
    TH = "16", "Thüringen"


_BY_FOLDED_NAME = {fold(state.label): state for state in State}


def state_from_input(value: str) -> State | None:
    """Accepts the two-digit code or the name (case and umlaut spelling do not matter)."""
    value = (value or "").strip()
    if value in State.values:
        return State(value)
    return _BY_FOLDED_NAME.get(fold(value))
