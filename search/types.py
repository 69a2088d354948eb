"""Backend-neutral query and result types of the search service. Views and the API only see these."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Mode(StrEnum):
    HYBRID = "hybrid"
    LEXICAL = "lexical"
    SEMANTIC = "semantic"


# "proven" („bewährt“) has the one value "1": a case one adopting town runs in operation (``TransferRecord.proven``).
# As a facet it filters and counts like the others, so the page can say how many hits are proven.
FACETS = ("topic", "size_class", "state", "status", "proven")
PROVEN = "1"


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    topics: tuple[str, ...] = ()  # topic slugs
    size_classes: tuple[str, ...] = ()  # size-class slugs
    states: tuple[str, ...] = ()  # two-digit Land codes
    statuses: tuple[str, ...] = ()
    proven: bool = False  # only cases that at least one adopting town runs in operation
    near: str | None = None  # AGS of the asking municipality
    mode: Mode = Mode.HYBRID
    page: int = 1
    page_size: int = 10

    def filters(self) -> dict[str, tuple[str, ...]]:
        return {
            "topic": self.topics,
            "size_class": self.size_classes,
            "state": self.states,
            "status": self.statuses,
            "proven": (PROVEN,) if self.proven else (),
        }


@dataclass
class Hit:
    page_id: int
    slug: str
    title: str
    summary: str
    url: str
    score: float
    topics: list[str]
    size_classes: list[str]
    municipality: dict | None  # {"ags", "name", "state", "population", "size_class", "size_class_label"}
    highlight: str = ""
    reasons: list[str] = field(default_factory=list)
    weak: bool = False  # a weak match, listed after the fitting hits (see ranking.WEAK_FLOOR)
    # how far the case travelled: {"count": adopting towns, "in_operation": of them in operation or completed}
    adoptions: dict = field(default_factory=lambda: {"count": 0, "in_operation": 0})


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResult:
    query: SearchQuery
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    backend: str  # "database" | "elasticsearch"
    degraded: bool = False  # Elasticsearch configured but unreachable
    fitting: int = 0  # how many of the ``total`` hits fit; the weak matches follow them
