"""Reads from the register."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from municipalities.models import Municipality
from municipalities.text import fold

AGS_PATTERN = r"^\d{8}$"


def municipality_search(query: str) -> QuerySet[Municipality]:
    """Name search that ignores case and umlaut spelling ("Mulheim", "Muelheim", "Mülheim");
    names starting with the query first, then larger towns."""
    folded = fold(query)
    queryset = Municipality.objects.all()
    if not folded:
        return queryset.order_by("name", "ags")
    return (
        queryset.filter(name_search__contains=folded)
        .annotate(
            match_rank=Case(
                When(name_search__startswith=folded, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("match_rank", "-population", "ags")
    )


def municipality_get(ags: str) -> Municipality | None:
    return Municipality.objects.filter(ags=ags).first()
