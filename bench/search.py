"""Search speed on 50,000 cases: our search service through the API (hybrid mode, query embedding
included) against Wagtail's default ``.search()`` on the same pages.

    .venv/bin/python bench/search.py [--cases 50000] [--rounds 3]

Uses DATABASE_URL (e.g. PostgreSQL) or a throwaway SQLite file, production settings (DEBUG off) and the
data set of bench/dataset.py (built on first use; embeddings are cached by content hash, so the
distinct texts are embedded once), and times every judged query. Prints p50/p95 per engine, the ratio, index build time
and peak memory. Targets: p95 ≤ 80 ms on PostgreSQL, ≤ 120 ms on SQLite.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dataset import ROOT, ensure_dataset, pct, setup_django

HERE = ROOT / "bench" / "relevance"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="time search_index rebuild even if the index exists")
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client

    from search.embeddings import query_vector
    from search.models import SearchEntry
    from solutions.models import SolutionPage

    vendor = connection.vendor
    timings = ensure_dataset(args.cases, rebuild=args.rebuild or None)
    for name, seconds in timings.items():
        print(f"Aufbau {name}: {seconds:.0f} s")
    if "index" in timings:
        print(f"Indexaufbau (search_index rebuild, {SearchEntry.objects.count()} Einträge): {timings['index']:.0f} s")

    queries = [json.loads(line) for line in (HERE / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    client = Client()
    client.get("/api/v1/solutions/", {"q": "Aufwärmen"})  # load the corpus and the model once
    ours, wagtail = [], []
    for _round in range(args.rounds):
        for q in queries:
            params = {"q": q["text"], "mode": "hybrid", **{k: ",".join(v) for k, v in q["filters"].items()}}
            query_vector.cache_clear()  # every timed search embeds its query (a repeated one would not)
            started = time.perf_counter()
            response = client.get("/api/v1/solutions/", params)
            ours.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content[:200]
            started = time.perf_counter()
            list(SolutionPage.objects.live().search(q["text"])[:10])
            wagtail.append((time.perf_counter() - started) * 1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'Suche':32s} {'p50':>8s} {'p95':>8s} {'n':>5s}")
    print(f"{'Baukasten-Suche (API, hybrid)':32s} {pct(ours, 50):6.1f}ms {pct(ours, 95):6.1f}ms {len(ours):5d}")
    print(f"{'Wagtail .search() (Standard)':32s} {pct(wagtail, 50):6.1f}ms {pct(wagtail, 95):6.1f}ms {len(wagtail):5d}")
    print(f"Verhältnis p50 Baukasten/Wagtail: {statistics.median(ours) / statistics.median(wagtail):.2f}")
    print(f"Datenbank: {vendor}; Spitzenspeicher: {peak:.0f} MB; Ziel p95 ≤ {80 if vendor == 'postgresql' else 120} ms")


if __name__ == "__main__":
    main()
