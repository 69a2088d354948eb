"""Facts about municipalities that the ``near=<AGS>`` boost compares."""

from __future__ import annotations

from municipalities.models import Municipality

_FIELDS = ("ags", "size_class", "population", "state")


def asking_municipality(ags: str | None) -> dict | None:
    return Municipality.objects.filter(ags=ags).values(*_FIELDS).first() if ags else None


def lead_profiles(ags: set[str]) -> dict[str, dict]:
    rows = Municipality.objects.filter(ags__in=[a for a in ags if a]).values(*_FIELDS)
    return {row["ags"]: row for row in rows}
