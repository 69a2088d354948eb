"""Needs (Gesuche) for tests: open and public unless told otherwise, with topics given by slug."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.utils import timezone

from agency.models import Need, NeedKind, NeedSource, NeedState
from municipalities.models import Municipality
from solutions.models import Topic

ROOT = Path(__file__).resolve().parents[2]
DEMO_CASES = ROOT / "solutions" / "demo" / "cases.jsonl"
DEMO_REGISTER = ROOT / "municipalities" / "demo" / "register.csv"


def need(
    municipality: Municipality,
    ref: str,
    title: str,
    description: str = "",
    *,
    topics: tuple[str, ...] = (),
    kind: str = NeedKind.SOLUTION,
    state: str = NeedState.OPEN,
    radius_km: int | None = None,
    expires: dt.date | None = None,
    author=None,
) -> Need:
    created = Need.objects.create(
        ref=ref,
        kind=kind,
        municipality=municipality,
        title=title,
        description=description or title,
        radius_km=radius_km,
        expires=expires or timezone.localdate() + dt.timedelta(days=90),
        state=state,
        source=NeedSource.MEMBER,
        author=author,
        published_at=timezone.now() if state == NeedState.OPEN else None,
    )
    created.topics.set(Topic.objects.filter(slug__in=topics))
    return created


def demo_cases(tmp_path: Path) -> dict:
    """The 25 cases ``setup_demo`` publishes, with the lead towns and adopters of the demo register and the
    starter thesaurus (as tests/search/test_nothing_fits.py builds them)."""
    import csv

    from search.indexing import process_outbox
    from search.synonyms import load_starter_thesaurus
    from tests.factories.register import municipality
    from tests.factories.solutions import publish_cases

    load_starter_thesaurus()
    lines = [json.loads(line) for line in DEMO_CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    with DEMO_REGISTER.open(encoding="utf-8-sig", newline="") as source:
        for row in csv.DictReader(source):
            if row["population_31122023"] and not Municipality.objects.filter(ags=row["ags"]).exists():
                municipality(
                    row["ags"],
                    row["name_short"],
                    int(row["population_31122023"]),
                    district_name=row["kreis_name"],
                    **_coordinates(row),
                )
    pages = publish_cases(tmp_path, *lines)
    process_outbox()
    return {page.slug: page for page in pages}


def _coordinates(row: dict) -> dict:
    try:
        return {"lat": float(row["lat"].replace(",", ".")), "lon": float(row["lon"].replace(",", "."))}
    except (KeyError, ValueError, AttributeError):
        return {}
