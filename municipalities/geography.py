"""Distances between municipalities, on the register's coordinates (one point per municipality).

Great-circle distance by the haversine formula on a sphere of the mean Earth radius: for towns in
Germany it is within a fraction of a percent of the ellipsoidal distance, which is plenty for "how far
is a visit". The scalar and the vectorised form compute the same expression, so they agree to
rounding and rankings built on either break ties the same way.
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


class Located(Protocol):
    """Anything with the register's coordinates: a Municipality, a tandem applicant, …"""

    lat: float | None
    lon: float | None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, math.radians(lon2) - math.radians(lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    # Rounding can push a a hair outside [0, 1] for (nearly) antipodal or identical points.
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, a))))


def haversine_km_matrix(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Distance from every point of the first set (rows) to every point of the second (columns);
    NaN where a coordinate is unknown (NaN)."""
    p1, p2 = np.radians(lat1)[:, None], np.radians(lat2)[None, :]
    dlat = p2 - p1
    dlon = np.radians(lon2)[None, :] - np.radians(lon1)[:, None]
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def distance_km(a: Located, b: Located) -> float | None:
    """Distance between two places in km, or None if either has no coordinates."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    return haversine_km(a.lat, a.lon, b.lat, b.lon)
