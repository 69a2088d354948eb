"""Turns request parameters into a ``SearchQuery`` – one parser for the search page and the API,
so both accept the same spellings and give the same reasons for a 400."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.api_schema import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE
from municipalities.size_classes import SizeClass
from municipalities.states import State, state_from_input
from municipalities.text import fold
from search.types import Mode, SearchQuery
from solutions.choices import SolutionStatus
from solutions.models import Topic

MAX_QUERY_LENGTH = 499
# „bewährt“ as API clients write a yes/no (compared lower-case); empty means no filter. The page's checkbox
# sends 1. Anything else is a 400 rather than a silent „no filter“.
PROVEN_YES = ("1", "true", "ja")
PROVEN_NO = ("", "0", "false", "nein")


@dataclass
class ParamError(Exception):
    error: str
    detail: str
    valid: list[str] | None = None


def _values(raw: Sequence[str]) -> list[str]:
    """Accepts repeated parameters and comma-separated lists. An empty item means "no filter"; an item of
    only blanks is kept (as "") so that it is refused like any other unknown value."""
    return [v.strip() for item in raw for v in item.split(",") if v]


def parse_search_params(
    params: Mapping[str, Sequence[str]], *, default_page_size: int = DEFAULT_PAGE_SIZE
) -> SearchQuery:
    text = " ".join(params.get("q", [])).strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise ParamError("query_too_long", f"Der Suchtext darf höchstens {MAX_QUERY_LENGTH} Zeichen lang sein.")
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
        raise ParamError("invalid_query", "Der Suchtext enthält Steuerzeichen.")

    topics_by_key: dict[str, str] = {}
    for slug, name in Topic.objects.values_list("slug", "name"):
        topics_by_key[slug] = slug
        topics_by_key[fold(name)] = slug
    topics = []
    for value in _values(params.get("topic", [])):
        slug = topics_by_key.get(value) or topics_by_key.get(fold(value))
        if slug is None:
            raise ParamError("unknown_topic", f"Unbekanntes Thema „{value[:60]}“.", sorted(set(topics_by_key.values())))
        topics.append(slug)

    size_classes = []
    for value in _values(params.get("size_class", [])):
        if value not in SizeClass.values:
            raise ParamError("unknown_size_class", f"Unbekannte Größenklasse „{value[:60]}“.", list(SizeClass.values))
        size_classes.append(value)

    states = []
    for value in _values(params.get("state", [])):
        state = state_from_input(value)
        if state is None:
            raise ParamError(
                "unknown_state", f"Unbekanntes Bundesland „{value[:60]}“.", [f"{s.value} {s.label}" for s in State]
            )
        states.append(state.value)

    statuses = []
    for value in _values(params.get("status", [])):
        if value not in SolutionStatus.values:
            raise ParamError("unknown_status", f"Unbekannter Stand „{value[:60]}“.", list(SolutionStatus.values))
        statuses.append(value)

    proven_raw = (params.get("proven") or [""])[-1].strip().lower()
    if proven_raw not in PROVEN_YES + PROVEN_NO:
        raise ParamError(
            "invalid_proven",
            "„proven“ muss 1 (nur bewährte Praxisbeispiele) oder 0 sein.",
            ["1", "0", "true", "false", "ja", "nein"],
        )

    mode_raw = (params.get("mode") or ["hybrid"])[-1] or "hybrid"
    if mode_raw not in Mode.__members__.values():
        raise ParamError("unknown_mode", f"Unbekannter Modus „{mode_raw[:30]}“.", [m.value for m in Mode])

    near = (params.get("near") or [""])[-1].strip() or None
    if near is not None and not re.fullmatch(r"\d{8}", near):
        raise ParamError("invalid_near", "„near“ muss ein Gemeindeschlüssel aus 8 Ziffern sein.")

    page = _int(params, "page", 1, 1, MAX_PAGE)
    page_size = _int(params, "page_size", default_page_size, 1, MAX_PAGE_SIZE)
    return SearchQuery(
        text=text,
        topics=tuple(dict.fromkeys(topics)),
        size_classes=tuple(dict.fromkeys(size_classes)),
        states=tuple(dict.fromkeys(states)),
        statuses=tuple(dict.fromkeys(statuses)),
        proven=proven_raw in PROVEN_YES,
        near=near,
        mode=Mode(mode_raw),
        page=page,
        page_size=page_size,
    )


def _int(params: Mapping[str, Sequence[str]], name: str, default: int, low: int, high: int) -> int:
    raw = (params.get(name) or [""])[-1].strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ParamError(f"invalid_{name}", f"„{name}“ muss eine ganze Zahl von {low} bis {high} sein.")
    return int(raw)
