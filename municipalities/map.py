"""Draws positions on a map of Germany without external tiles.

The base map (static/img/deutschland.svg) is a dot grid of all municipality centres, built once by
``scripts/make_germany_map.py`` with the projection below; pages overlay one marker with the same
projection. An equirectangular projection scaled by cos(51°) is accurate enough at this size.
"""

from __future__ import annotations

import math

LON_MIN, LON_MAX = 5.8, 15.1
LAT_MIN, LAT_MAX = 47.2, 55.1
WIDTH = 400
_X_SCALE = WIDTH / ((LON_MAX - LON_MIN) * math.cos(math.radians(51.0)))
HEIGHT = round((LAT_MAX - LAT_MIN) * _X_SCALE)


def project(lat: float, lon: float) -> tuple[float, float]:
    """(x, y) in the viewBox ``0 0 WIDTH HEIGHT`` of the base map."""
    x = (lon - LON_MIN) * _X_SCALE * math.cos(math.radians(51.0))
    y = (LAT_MAX - lat) * _X_SCALE
    return round(x, 1), round(y, 1)
