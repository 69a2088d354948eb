"""Matching-Agentur: what fits one need, on the full register, 50,000 cases and 5,000 open needs.

    DATABASE_URL=postgres://…/baukasten_bench .venv/bin/python bench/agency.py [--cases 50000] [--needs 5000]

Uses the data set of bench/dataset.py (register and cases, built on first use) and adds ``--needs`` open
needs (bulk-created once: random towns of the register, the collection's case titles as the words a town
would use, one or two of the case's topics, all three kinds, a radius for partner searches). Then, for
``--sample`` needs:

- cold: ``need_matches`` with an empty matches cache and an empty query-embedding cache (every need's text
  is embedded, searched, its towns, partners and suppliers ranked), with the time of each part;
- cached: the same needs again (what every further read of a need page or the API costs until a case or
  a need changes), once from Django's cache (a web process reading what the agency worker computed) and
  once from the process's own cache: the optimisation this module adds on top of the search.

Prints p50/p95 per step, the peak memory and one need's matches with their reasons. Target: p95 ≤ 150 ms.
When bench/digests.py exists (the digest benchmark), it runs afterwards on the same data.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dataset import COLLECTION, ROOT, ensure_dataset, pct, setup_django

NEED_PREFIX = "bench-need-"


def ensure_needs(count: int) -> float:
    """``count`` open needs with refs bench-need-…; returns the seconds it took (0 when they were there)."""
    import datetime as dt
    import json

    from django.db import transaction
    from django.utils import timezone

    from agency.models import Need, NeedKind, NeedSource, NeedState
    from municipalities.models import Municipality
    from solutions.models import Topic

    have = Need.objects.filter(ref__startswith=NEED_PREFIX, state=NeedState.OPEN).count()
    if have >= count:
        return 0.0
    started = time.perf_counter()
    Need.objects.filter(ref__startswith=NEED_PREFIX).delete()
    rng = random.Random(17)
    base = [json.loads(line) for line in COLLECTION.read_text(encoding="utf-8").splitlines()]
    towns = list(Municipality.objects.values_list("pk", flat=True))
    topics = dict(Topic.objects.values_list("slug", "pk"))
    kinds = list(NeedKind.values)
    today, now = timezone.localdate(), timezone.now()
    needs, links = [], []
    for i in range(count):
        case = base[i % len(base)]
        kind = kinds[i % len(kinds)]
        needs.append(
            Need(
                ref=f"{NEED_PREFIX}{i:05d}",
                kind=kind,
                municipality_id=rng.choice(towns),
                title=case["title"][:200],
                description=case["problem"][:5000],
                radius_km=rng.choice((10, 20, 30, 50)) if kind == NeedKind.PARTNER else None,
                expires=today + dt.timedelta(days=rng.randint(30, 180)),
                state=NeedState.OPEN,
                source=NeedSource.IMPORT,
                published_at=now,
            )
        )
        links.append([topics[s] for s in case["topics"][: rng.choice((1, 2))] if s in topics])
    with transaction.atomic():
        created = Need.objects.bulk_create(needs, batch_size=1000)
        through = Need.topics.through
        through.objects.bulk_create(
            [through(need_id=n.pk, topic_id=t) for n, ts in zip(created, links, strict=True) for t in ts],
            batch_size=5000,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would gather them in production
    return time.perf_counter() - started


def timed(function, *args):
    started = time.perf_counter()
    value = function(*args)
    return value, (time.perf_counter() - started) * 1000


def line(label: str, values: list[float]) -> str:
    return f"{label:38s} p50 {pct(values, 50):7.1f} ms   p95 {pct(values, 95):7.1f} ms   max {max(values):7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--needs", type=int, default=5_000)
    parser.add_argument("--sample", type=int, default=200, help="needs timed")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection

    from agency import matches as m
    from agency.models import Need, NeedKind
    from agency.selectors import needs_public
    from municipalities.models import Municipality
    from search.embeddings import query_vector
    from solutions.models import SolutionPage

    for name, seconds in ensure_dataset(args.cases).items():
        print(f"Aufbau {name}: {seconds:.0f} s")
    seconds = ensure_needs(args.needs)
    if seconds:
        print(f"Aufbau Gesuche: {seconds:.0f} s")
    print(
        f"Datenbank: {connection.vendor}; Kommunen: {Municipality.objects.count()}, "
        f"Praxisbeispiele: {SolutionPage.objects.live().count()}, offene Gesuche: {needs_public().count()}"
    )

    refs = list(Need.objects.filter(ref__startswith=NEED_PREFIX).values_list("ref", flat=True))
    sample = random.Random(5).sample(refs, min(args.sample, len(refs)))
    needs = [Need.objects.select_related("municipality").get(ref=ref) for ref in sample]

    _, first = timed(m.need_matches, needs[0])  # loads the model, the corpus, the register, the references
    print(f"Erster Abgleich im frischen Prozess (Modell, Korpus, Register laden): {first:.0f} ms")
    m.need_matches_cache_clear()

    parts: dict[str, list[float]] = {k: [] for k in ("version", "cases", "towns", "partners", "suppliers")}
    cold, shared, cached = [], [], []
    m.need_matches_cache_clear()
    version = m.matches_version()
    cache.delete_many([m.need_matches_cache_key(n.pk, version) for n in needs])  # left by an earlier run
    for need in needs:  # distinct needs: none is in a cache yet
        query_vector.cache_clear()
        _, ms = timed(m.need_matches, need)
        cold.append(ms)
    m.need_matches_cache_clear()  # as a web process finds what the worker computed: in Django's cache only
    for need in needs:
        _, ms = timed(m.need_matches, need)
        shared.append(ms)
    for need in needs:
        _, ms = timed(m.need_matches, need)
        cached.append(ms)
    for need in needs[: min(50, len(needs))]:  # where the cold time goes
        query_vector.cache_clear()
        _, ms = timed(m.matches_version)
        parts["version"].append(ms)
        topics = {t.slug: t.name for t in need.topics.all()}
        found, ms = timed(m._case_matches, need, topics)
        parts["cases"].append(ms)
        parts["towns"].append(timed(m._town_matches, need, found)[1])
        if need.kind == NeedKind.PARTNER:
            parts["partners"].append(timed(m._partner_matches, need, topics)[1])
        parts["suppliers"].append(timed(m._supplier_fits, need, topics, found)[1])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"\nAbgleich eines Gesuchs ({len(needs)} Gesuche, je Art ein Drittel):")
    print(line("vorher: ohne Cache (kalt)", cold))
    print(line(f"nachher: aus Djangos Cache ({settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]})", shared))
    print(line("nachher: aus dem Prozess-Cache", cached))
    print("davon (kalt, 50 Gesuche):")
    for name, values in parts.items():
        if values:
            print(line(f"  {name}", values))
    print(f"Spitzenspeicher: {peak:.0f} MB; Ziel: p95 ≤ 150 ms (kalt)")

    example = next((n for n in needs if n.kind == NeedKind.PARTNER), needs[0])
    result = m.need_matches(example)
    print(f"\nBeispiel: „{example.title}“ ({example.municipality.name}, {example.get_kind_display()})")
    for case in result.cases[:3]:
        print(f"  Fall {case.slug} {case.score:.2f}: {'; '.join(case.reasons)}")
    for town in result.towns[:3]:
        print(f"  Kommune {town.municipality.name} {town.score:.2f}: {'; '.join(town.reasons)}")
    for partner in result.partners[:3]:
        print(f"  Partner {partner.need.ref}: {'; '.join(partner.reasons)}")
    for supplier in result.suppliers[:3]:
        print(f"  Anbieter {supplier.name}: {'; '.join(supplier.reasons)}")

    if importlib.util.find_spec("digests") is not None and (ROOT / "bench" / "digests.py").is_file():
        import digests

        print("\nbench/digests.py:")
        sys.argv = [sys.argv[0]]
        digests.main()


if __name__ == "__main__":
    main()
