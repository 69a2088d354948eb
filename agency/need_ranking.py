"""The arithmetic of matching a need (agency.matches), on plain values and arrays: no ORM, so that every
weight can be tested with hand-made inputs. ``agency.matches`` reads the database around it."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

KM_PER_DEGREE = 111.32  # one degree of latitude; a degree of longitude shrinks with cos(latitude)

# A case's fit: its search score relative to the best fitting hit, a fifth more when it shares the need's topics.
TOPIC_BONUS = 0.2
# A town's score = fit × similarity factor × distance factor. Neither factor may zero a town that has solved
# the problem: an unlike town far away is still worth showing after the like ones close by.
SIMILARITY_FLOOR = 0.3
DISTANCE_FLOOR = 0.5
DISTANCE_SCALE_KM = 150.0  # closeness e^(-d/150): 38 km → 0.78, 150 km → 0.37, 500 km → 0.04
UNKNOWN_CLOSENESS = 0.5  # a town without coordinates: neither near nor far
MORE_CASES_BONUS = 0.1  # per further matching case a town runs, at most three
# Partners: closer and more shared topics first; at the edge of the radius a partner keeps half its score.
PARTNER_EDGE = 0.5


def topic_share(need_topics: set[str] | frozenset[str], other_topics: Sequence[str] | set[str]) -> float:
    """Which share of the need's topics the other thing (case, need) shares, 0 … 1."""
    if not need_topics:
        return 0.0
    return len(need_topics.intersection(other_topics)) / len(need_topics)


def case_fits(scores: Sequence[float], shares: Sequence[float]) -> np.ndarray:
    """Fit of each fitting search hit, 0 … 1: its score relative to the best hit's, raised by the share of the
    need's topics it carries (the search ranks by words; the topics the town chose confirm the reading)."""
    s = np.asarray(scores, dtype=float)
    if s.size == 0:
        return s
    top = float(s.max())
    relative = s / top if top > 0 else np.ones_like(s)
    raised = relative * (1.0 + TOPIC_BONUS * np.asarray(shares, dtype=float))
    return raised / (1.0 + TOPIC_BONUS)


def closeness(distances_km: Sequence[float | None]) -> np.ndarray:
    """e^(-d/scale) per distance; unknown distances (None, NaN) count as UNKNOWN_CLOSENESS."""
    d = np.array([np.nan if x is None else x for x in distances_km], dtype=float)
    near = np.exp(-np.nan_to_num(d, nan=0.0) / DISTANCE_SCALE_KM)
    return np.where(np.isnan(d), UNKNOWN_CLOSENESS, near)


def town_fit(case_fits_of_town: Sequence[float]) -> float:
    """A town's fit: its best matching case, a little more for each further one it runs (at most three)."""
    if not case_fits_of_town:
        return 0.0
    more = min(len(case_fits_of_town) - 1, 3)
    return max(case_fits_of_town) * (1.0 + MORE_CASES_BONUS * more)


def town_scores(
    fits: Sequence[float], similarities: Sequence[float], distances_km: Sequence[float | None]
) -> np.ndarray:
    """fit × (floor + (1 − floor) · similarity) × (floor + (1 − floor) · closeness), per town."""
    f = np.asarray(fits, dtype=float)
    sim = np.clip(np.asarray(similarities, dtype=float), 0.0, 1.0)
    near = closeness(distances_km)
    return f * (SIMILARITY_FLOOR + (1 - SIMILARITY_FLOOR) * sim) * (DISTANCE_FLOOR + (1 - DISTANCE_FLOOR) * near)


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(lat_min, lat_max, lon_min, lon_max) of a box holding the circle: a cheap prefilter, narrowed exactly
    afterwards."""
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / (KM_PER_DEGREE * max(0.1, math.cos(math.radians(lat))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def partner_scores(
    shares: Sequence[float],
    distances_km: Sequence[float],
    own_radius_km: float,
    other_radii_km: Sequence[float | None],
) -> np.ndarray:
    """Score per other need; 0 where it is out of reach: farther than the need's radius, or than the other
    need's own radius when it set one (both towns must want to go that far), or without shared topics."""
    share = np.asarray(shares, dtype=float)
    d = np.asarray(distances_km, dtype=float)
    other = np.array([np.inf if r is None else r for r in other_radii_km], dtype=float)
    reach = np.minimum(float(own_radius_km), other)
    inside = (d <= reach) & (share > 0) & ~np.isnan(d)
    with np.errstate(divide="ignore", invalid="ignore"):
        edge = 1.0 - (1.0 - PARTNER_EDGE) * np.where(reach > 0, d / reach, 0.0)
    return np.where(inside, share * edge, 0.0)


def format_km(distance_km: float) -> str:
    """„38 km“, „unter 1 km“: German, whole kilometres."""
    if distance_km < 1:
        return "unter 1 km"
    return f"{distance_km:,.0f} km".replace(",", ".")


def format_count(value: int) -> str:
    """4200 → „4.200“."""
    return f"{value:,}".replace(",", ".")
