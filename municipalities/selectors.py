"""Reads from the register."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.functions import Concat

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


@dataclass(frozen=True)
class NameMatches:
    towns: list[Municipality]  # the best ones, at most the limit asked for
    total: int  # how many match in all


def municipality_name_matches(query: str, *, limit: int) -> NameMatches:
    """The towns a person may mean by a typed name, for picking her own: the same name first (there are
    two „Hemmingen“, eleven „Neuenkirchen“), then names starting with it, then names containing it;
    larger towns first within each. A part after a comma or parenthesis narrows by Landkreis or Land
    („Hemmingen, Ludwigsburg“, „Hemmingen (Region Hannover, Niedersachsen)“)."""
    name, region = re.fullmatch(r"([^,(]*)[,(]?(.*)", query, flags=re.DOTALL).groups()
    folded, region_words = fold(name), fold(region).split()
    if not folded:
        return NameMatches([], 0)
    # name_search holds every spelling of the name, separated by " | "; padded, a whole spelling is
    # "| hemmingen |" and a spelling's start "| hemm".
    ranked = (
        Municipality.objects.filter(name_search__contains=folded)
        .annotate(spellings=Concat(Value("| "), "name_search", Value(" |")))
        .annotate(
            match_rank=Case(
                When(spellings__contains=f"| {folded} |", then=Value(0)),
                When(spellings__contains=f"| {folded}", then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("match_rank", "-population", "ags")
    )
    if not region_words:
        return NameMatches(list(ranked[:limit]), ranked.count())
    narrowed = [m for m in ranked if all(word in fold(f"{m.district_name} {m.state_name}") for word in region_words)]
    if not narrowed:  # the comma was part of the name („Hemmingen, Stadt“ is the official name)
        return municipality_name_matches(re.sub(r"[,()]", " ", query), limit=limit)
    return NameMatches(narrowed[:limit], len(narrowed))


def municipality_get(ags: str) -> Municipality | None:
    return Municipality.objects.filter(ags=ags).first()
