"""One way to turn a stored document (database entry or ES source) into a ``Hit``."""

from __future__ import annotations

from collections.abc import Mapping

from municipalities.size_classes import size_class_for
from municipalities.states import State
from search.highlight import snippet
from search.types import Hit


def _list(value) -> list[str]:
    return value.split() if isinstance(value, str) else list(value or [])


def make_hit(page_id: int, doc: Mapping, score: float, reasons: list[str], body: str, terms: frozenset[str]) -> Hit:
    """``doc`` holds slug, title, summary, url, topics, size_classes, state, lead_ags, lead_name,
    lead_population, adoptions, adoptions_in_operation (None in an entry indexed before they were stored)."""
    state = doc.get("state") or ""
    municipality = None
    if doc.get("lead_ags"):
        population = doc.get("lead_population")
        size_class = size_class_for(population) if population is not None else None
        municipality = {
            "ags": doc["lead_ags"],
            "name": doc.get("lead_name", ""),
            "state": State(state).label if state in State.values else "",
            "population": population,
            "size_class": size_class.value if size_class else None,
            "size_class_label": str(size_class.label) if size_class else None,
        }
    return Hit(
        page_id=page_id,
        slug=doc.get("slug", ""),
        title=doc.get("title", ""),
        summary=doc.get("summary", ""),
        url=doc.get("url", ""),
        score=round(score, 6),
        topics=_list(doc.get("topics")),
        size_classes=_list(doc.get("size_classes")),
        municipality=municipality,
        highlight=snippet(f"{doc.get('summary', '')}\n{body}", terms) if terms else "",
        reasons=reasons,
        adoptions={"count": doc.get("adoptions") or 0, "in_operation": doc.get("adoptions_in_operation") or 0},
    )
