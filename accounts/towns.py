"""How a person names her town when she registers: „Hemmingen (Ludwigsburg, Baden-Württemberg)“.

Two towns may share a name (two „Hemmingen“, eleven „Neuenkirchen“); Landkreis and Land tell them apart,
and where even they are the same (two „Neuenkirchen“ in Vorpommern-Greifswald, two „Garding“ in
Nordfriesland) the official name or the Amt does."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from municipalities.models import Municipality
from municipalities.text import short_name

# A kreisfreie Stadt is its own district: the register names the district after the town
# („Kiel, Landeshauptstadt“, „Stuttgart, Stadtkreis“), which says nothing new.
_OWN_DISTRICT_TYPES = {"Kreisfreie Stadt", "Stadtkreis"}


def town_label(town: Municipality, *, name: str = "", association: bool = False) -> str:
    district = town.district_name
    if town.municipality_type in _OWN_DISTRICT_TYPES and (not district or short_name(district) == town.name):
        district = "kreisfreie Stadt"
    parts = (town.association_name if association else "", district, town.state_name)
    return f"{name or town.name} ({', '.join(part for part in parts if part)})"


def town_labels(towns: Sequence[Municipality]) -> list[str]:
    """Labels for a list to choose from, each different from the others."""
    plain = [town_label(town) for town in towns]
    twins = Counter(plain)
    labels = []
    for town, label in zip(towns, plain, strict=True):
        if twins[label] > 1:
            label = _told_apart(town, [other for other, same in zip(towns, plain, strict=True) if same == label])
        labels.append(label)
    return labels


def _told_apart(town: Municipality, group: list[Municipality]) -> str:
    if len({other.official_name for other in group}) == len(group):
        return town_label(town, name=town.official_name)  # „Garding, Stadt“ and „Garding, Kirchspiel“
    if len({other.association_name for other in group}) == len(group):
        return town_label(town, association=True)  # „Neuenkirchen (Landhagen, Vorpommern-Greifswald, …)“
    return f"{town_label(town)} – Gemeindeschlüssel {town.ags}"
