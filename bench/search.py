"""Search speed on 50,000 cases: our search service through the API (hybrid mode, query embedding
included) against Wagtail's default ``.search()`` on the same pages.

    .venv/bin/python bench/search.py [--cases 50000] [--rounds 3]

Uses DATABASE_URL (e.g. PostgreSQL) or a throwaway SQLite file. Generates realistic cases from the
judged collection in bench/relevance/ (each with one of twelve extra sentences and a random real
municipality), imports them with ``import_solutions``, builds the search index with
``search_index rebuild`` (embeddings are cached by content hash, so the ~2,100 distinct texts are
embedded once) and times every judged query. Prints p50/p95 per engine, the ratio, index build time
and peak memory. Targets: p95 ≤ 80 ms on PostgreSQL, ≤ 120 ms on SQLite.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HERE = ROOT / "bench" / "relevance"
REGISTER = ROOT.parent / "shared" / "data" / "gemeinden_de_2024.csv"
EXTRA = [
    "Der Gemeinderat hat das Vorhaben einstimmig beschlossen.",
    "Die Verwaltung hat dafür keine zusätzliche Stelle geschaffen.",
    "Nach einem Jahr wurde das Vorgehen ausgewertet und angepasst.",
    "Die Nachbargemeinden haben bereits Interesse angemeldet.",
    "Die Bürgerinnen und Bürger wurden früh informiert.",
    "Ein Förderprogramm des Landes hat einen Teil der Kosten getragen.",
    "Der Bauhof war von Anfang an beteiligt.",
    "Die Ergebnisse werden jährlich im Amtsblatt veröffentlicht.",
    "Die Umsetzung dauerte länger als geplant.",
    "Das Projekt wurde ohne externe Beratung umgesetzt.",
    "Die Kosten lagen unter dem ursprünglichen Ansatz.",
    "Die Lösung wird inzwischen in allen Ortsteilen genutzt.",
]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def generate(path: Path, count: int, ags: list[str]) -> None:
    rng = random.Random(7)
    base = [json.loads(line) for line in (HERE / "collection.jsonl").read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            case = dict(base[i % len(base)])
            case["slug"] = f"bench-{i:06d}"
            case["problem"] = f"{case['problem']} {EXTRA[(i // len(base)) % len(EXTRA)]}"
            case["municipality_ags"] = rng.choice(ags)
            case["adopters"] = []
            case["supplier"] = None
            handle.write(json.dumps(case, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'search-bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from search.models import SearchEntry, SynonymGroup
    from solutions.models import SolutionPage

    vendor = connection.vendor
    call_command("migrate", verbosity=0)
    if SolutionPage.objects.live().count() < args.cases:
        with REGISTER.open(encoding="utf-8-sig") as handle:
            ags = [row["ags"] for row in csv.DictReader(handle) if row["gemeinde_typ_code"] not in ("65", "66")]
        call_command("import_municipalities", str(REGISTER), verbosity=0, stdout=StringIO())
        if not SynonymGroup.objects.exists():
            for line in (ROOT / "search" / "demo" / "synonyms.txt").read_text(encoding="utf-8").splitlines():
                if line.strip() and not line.startswith("#"):
                    SynonymGroup.objects.create(terms=line.strip())
        cases = tmp / "cases.jsonl"
        generate(cases, args.cases, ags)
        started = time.perf_counter()
        call_command("import_solutions", str(cases), verbosity=1, stdout=StringIO())
        print(f"Import {args.cases} Fälle ({vendor}): {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    call_command("search_index", "rebuild", verbosity=1, stdout=StringIO())
    build = time.perf_counter() - started
    print(f"Indexaufbau (search_index rebuild, {SearchEntry.objects.count()} Einträge): {build:.0f} s")

    queries = [json.loads(line) for line in (HERE / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    client = Client()
    client.get("/api/v1/solutions/", {"q": "Aufwärmen"})  # load the corpus and the model once
    ours, wagtail = [], []
    for _round in range(args.rounds):
        for q in queries:
            params = {"q": q["text"], "mode": "hybrid", **{k: ",".join(v) for k, v in q["filters"].items()}}
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
