"""What fits a need: cases, towns that have solved it, partners nearby and suppliers, each with German
reasons. Read-only; ``agency.services`` turns towns and partners into introductions.

(Interface fixed first so that pages, API and introductions can be built in parallel; the ranking itself
is filled in by the matching work.)"""

from __future__ import annotations

from dataclasses import dataclass, field

from agency.models import Need
from municipalities.models import Municipality


@dataclass(frozen=True)
class CaseMatch:
    slug: str
    title: str
    url: str
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class TownMatch:
    municipality: Municipality
    similarity: float  # peer similarity to the need's town, 0..1
    distance_km: float | None
    cases: list[CaseMatch]  # the matching cases it leads or has adopted
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class PartnerMatch:
    need: Need  # the other town's open need
    distance_km: float
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class SupplierFit:
    name: str
    slug: str
    references: list[str]  # case slugs
    reasons: list[str]


@dataclass(frozen=True)
class NeedMatches:
    cases: list[CaseMatch] = field(default_factory=list)
    towns: list[TownMatch] = field(default_factory=list)
    partners: list[PartnerMatch] = field(default_factory=list)
    suppliers: list[SupplierFit] = field(default_factory=list)


def matches_version() -> str:
    """Changes whenever a case or a need changes: introductions are re-made for needs matched earlier."""
    raise NotImplementedError


def need_matches(need: Need) -> NeedMatches:
    raise NotImplementedError
