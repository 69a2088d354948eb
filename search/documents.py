"""What the search knows about a case, built from the re-read *live* page by small ``prepare_*``
functions (testable without any engine). Both backends index this one document."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from solutions.models import SolutionPage
from solutions.selectors import solution_all_size_classes, solution_detail_queryset
from solutions.stream import html_to_text
from solutions.transfer import transfer_record


@dataclass(frozen=True)
class CaseDocument:
    page_id: int
    slug: str
    url: str
    title: str
    summary: str
    body: str
    topics: tuple[str, ...]
    topic_names: tuple[str, ...]
    size_classes: tuple[str, ...]
    state: str
    status: str
    lead_ags: str
    lead_name: str
    last_confirmed: dt.date | None
    # the lead town's population, shown on every hit with its size class („Kleinstadt · 4.213 Einwohner“)
    # without a query per hit; kept current like lead_name (a changed town re-indexes its cases)
    lead_population: int | None = None
    # how far the case travelled (``solutions.transfer``): adopting towns, and of them those in operation;
    # „bewährt“ (the search filter ``proven``) is ``adoptions_in_operation > 0``
    adoptions: int = 0
    adoptions_in_operation: int = 0

    @property
    def proven(self) -> bool:
        return self.adoptions_in_operation > 0

    def embedding_text(self) -> str:
        """Title, summary and the start of the body: what e5 sees (it reads ~512 tokens)."""
        return f"{self.title}. {self.summary}\n{' '.join(self.topic_names)}\n{self.body}"


def prepare_body(page: SolutionPage) -> str:
    parts = [page.problem]
    for block in page.solution:
        if block.block_type == "text":
            parts.append(html_to_text(block.value.source))
        elif block.block_type == "steps":
            parts.extend(str(step) for step in block.value)
        elif block.block_type == "quote":
            parts.append(block.value["text"])
        elif block.block_type == "outcome":
            parts.append(f"{block.value['metric']} {block.value['value']} {block.value['unit']}")
    parts.append(page.results)
    parts.extend(f"{o.metric} {o.value:g} {o.unit}".strip() for o in page.outcomes.all())
    parts.extend([page.lessons_learned, page.transferability])
    return "\n".join(part.strip() for part in parts if part and part.strip())


def prepare_topics(page: SolutionPage) -> tuple[tuple[str, ...], tuple[str, ...]]:
    tags = sorted((t.tag for t in page.tagged_topics.all()), key=lambda tag: tag.slug)
    return tuple(t.slug for t in tags), tuple(t.name for t in tags)


def prepare_adoptions(page: SolutionPage) -> tuple[int, int]:
    """(adopting towns, of them in operation or completed), as the case page and API count them."""
    record = transfer_record(page)
    return record.count, record.in_operation


def prepare_document(page: SolutionPage) -> CaseDocument:
    topics, topic_names = prepare_topics(page)
    adoptions, in_operation = prepare_adoptions(page)
    lead = page.lead_municipality
    return CaseDocument(
        page_id=page.pk,
        slug=page.slug,
        url=page.url or "",
        title=page.title,
        summary=page.teaser,
        body=prepare_body(page),
        topics=topics,
        topic_names=topic_names,
        size_classes=tuple(solution_all_size_classes(page)),
        state=lead.state if lead else "",
        status=page.status,
        lead_ags=lead.ags if lead else "",
        lead_name=lead.name if lead else "",
        last_confirmed=page.last_confirmed,
        lead_population=lead.population if lead else None,
        adoptions=adoptions,
        adoptions_in_operation=in_operation,
    )


def live_page(page_id: int) -> SolutionPage | None:
    """The published version, freshly read; drafts never reach the index."""
    return solution_detail_queryset().live().public().filter(pk=page_id).first()
