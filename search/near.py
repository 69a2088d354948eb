"""Facts about municipalities that the ``near=<AGS>`` boost compares."""

from __future__ import annotations

from municipalities.models import Municipality, MunicipalityMember

_FIELDS = ("ags", "size_class", "population", "state")


def asking_municipality(ags: str | None) -> dict | None:
    return Municipality.objects.filter(ags=ags).values(*_FIELDS).first() if ags else None


def lead_profiles(ags: set[str]) -> dict[str, dict]:
    rows = Municipality.objects.filter(ags__in=[a for a in ags if a]).values(*_FIELDS)
    return {row["ags"]: row for row in rows}


def member_town(user) -> Municipality | None:
    """The town a signed-in, approved member acts for; its cases' neighbours are what the member searches
    for by default („Kommunen wie meine“). None for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return None
    member = MunicipalityMember.objects.filter(user=user, approved=True).select_related("municipality").first()
    return member.municipality if member else None


def town_name(ags: str | None) -> str:
    """The name of the town a ``near=`` AGS points to; "" if it is unknown."""
    return Municipality.objects.filter(ags=ags).values_list("name", flat=True).first() or "" if ags else ""
