"""Benchmark: the adoption loop (issue 18) on a national data set.

    DATABASE_URL=postgres://…/baukasten_bench_adoption .venv/bin/python bench/adoption.py [--cases 10000]

The full register, ``--cases`` live cases (imported + SQL copies, bench/dataset.py; no search index: nothing
here searches) and, on every third case, 1–6 adopting towns with every status and chains of „gelernt von“
(made in bulk: the benchmark measures reading and one declaration, not building data). Prints:

1. the impact figures (/wirkung/): computing them (time, queries, peak memory) — what a request would pay
   without the snapshot — against serving the stored snapshot (p50/p95 over 200 reads), in one run;
2. the case API (`/api/v1/solutions/<slug>/`) with its ``adoption`` block for cases with 0 and with 6
   adopters (p50/p95);
3. one declaration step (``solution_adopter_save``: a published revision) on a case with 6 adopters
   (p50/p95 over 30 writes).

Uses DATABASE_URL when set, else a throwaway SQLite.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dataset import clone_cases, generate, pct, register_ags, setup_django  # noqa: E402

STATUSES = ["planned", "pilot", "in_operation", "in_operation", "completed", "stopped"]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(cases: int) -> None:
    import tempfile
    from io import StringIO

    from django.core.management import call_command

    from municipalities.models import Municipality
    from solutions.models import SolutionAdopter, SolutionPage

    call_command("migrate", verbosity=0)
    if Municipality.objects.count() < 10_000:
        print("Gemeindeverzeichnis importieren …", flush=True)
        call_command(
            "import_municipalities",
            str(ROOT.parent / "shared/data/gemeinden_de_2024.csv"),
            verbosity=0,
            stdout=StringIO(),
        )
    have = SolutionPage.objects.live().count()
    if have < 178:
        path = Path(tempfile.mkdtemp()) / "cases.jsonl"
        generate(path, 178, register_ags())
        print("178 Fälle importieren …", flush=True)
        call_command("import_solutions", str(path), verbosity=0, stdout=StringIO())
    if SolutionPage.objects.live().count() < cases:
        clone_cases(cases - SolutionPage.objects.live().count())
    if SolutionAdopter.objects.exists():
        return
    rng = random.Random(5)
    towns = list(Municipality.objects.values_list("id", flat=True))
    rows = []
    pages = list(SolutionPage.objects.live().order_by("pk").values_list("pk", "lead_municipality_id"))
    for n, (page_id, lead_id) in enumerate(pages):
        if n % 3:
            continue
        chosen = rng.sample(towns, rng.randint(1, 6))
        previous = lead_id
        for town in chosen:
            if town == lead_id:
                continue
            rows.append(
                SolutionAdopter(
                    page_id=page_id,
                    municipality_id=town,
                    since_year=rng.randint(2019, 2026),
                    status=rng.choice(STATUSES),
                    stopped_reason="Zu wenig Personal im Bauhof.",
                    learned_from_id=previous if rng.random() < 0.7 else None,
                )
            )
            previous = town
    print(f"{len(rows)} Übernahmen anlegen …", flush=True)
    SolutionAdopter.objects.bulk_create(rows, batch_size=2000)
    SolutionAdopter.objects.exclude(status="stopped").update(stopped_reason="")


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def line(label: str, values: list[float]) -> str:
    return f"  {label:<46} p50 {pct(values, 50):8.1f} ms   p95 {pct(values, 95):8.1f} ms   (n={len(values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    args = parser.parse_args()
    setup_django()
    warnings.filterwarnings("ignore", message="No directory at")  # static files are not served here
    build(args.cases)

    from django.db import connection, reset_queries
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from municipalities.models import Municipality
    from pages.impact import impact_current, impact_figures, impact_snapshot_refresh
    from solutions.models import SolutionAdopter, SolutionPage
    from solutions.services import solution_adopter_save

    live = SolutionPage.objects.live()
    print(
        f"Daten: {live.count()} Fälle, {SolutionAdopter.objects.count()} Übernahmen, "
        f"{Municipality.objects.count()} Kommunen; {connection.vendor}; {os.cpu_count()} Kerne, "
        f"Last vor dem Lauf {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    print("\n1. Zahlen für /wirkung/")
    # Before: every case's transfer record from model instances (how the page first counted); after: the
    # same rule over plain value rows (pages.impact). Same data, same process, one after the other.
    from solutions.selectors import ADOPTERS_PREFETCH
    from solutions.transfer import transfer_record

    started = time.perf_counter()
    cases = (
        live.public()
        .filter(pk__in=SolutionAdopter.objects.values("page_id"))
        .select_related("lead_municipality")
        .prefetch_related(ADOPTERS_PREFETCH, "tagged_topics__tag")
    )
    before_total = sum(transfer_record(page).count for page in cases.iterator(chunk_size=500))
    print(
        f"  vorher: Modellinstanzen je Übernahme:          {(time.perf_counter() - started) * 1000:8.0f} ms "
        f"({before_total} Übernahmen)"
    )
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        figures = impact_figures()
        seconds = time.perf_counter() - started
    tracemalloc.start()  # a second run for the memory: tracing slows Python down severalfold
    impact_figures()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(
        f"  nachher: impact_figures (Wertzeilen):          {seconds * 1000:8.0f} ms, {len(queries)} Abfragen, "
        f"{peak:.0f} MB Python-Speicher (Spitze); {figures.solutions_travelled} Lösungen gereist, "
        f"{figures.adoptions} Übernahmen, {figures.operation_percent} % im Betrieb"
    )
    impact_snapshot_refresh()
    reset_queries()
    print(line("mit Schnappschuss (impact_current)", timed(impact_current, 200)))

    print("\n2. Fall-API mit adoption-Block")
    client = Client()
    counts = dict(SolutionAdopter.objects.values_list("page_id").annotate(n=Count("pk")))
    six = [pk for pk, n in counts.items() if n >= 6][:20] or [max(counts, key=counts.get)]
    none = list(live.exclude(pk__in=list(counts)).values_list("slug", flat=True)[:20])
    many = list(SolutionPage.objects.filter(pk__in=six).values_list("slug", flat=True))
    for label, slugs in (("0 Übernahmen", none), (f"{counts[six[0]]} Übernahmen", many)):
        samples = []
        for _ in range(5):
            for slug in slugs:
                started = time.perf_counter()
                response = client.get(f"/api/v1/solutions/{slug}/")
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
        print(line(f"GET /api/v1/solutions/<slug>/, {label}", samples))

    print("\n3. Ein Schritt einer Übernahme (solution_adopter_save, veröffentlichte Revision)")
    page = SolutionPage.objects.get(pk=six[0])
    row = SolutionAdopter.objects.filter(page=page).select_related("municipality").first()
    statuses = ["planned", "pilot", "in_operation"]
    samples = []
    for i in range(30):
        started = time.perf_counter()
        solution_adopter_save(page.pk, row.municipality, status=statuses[i % 3], notes=f"Schritt {i} – Größe „ß“")
        samples.append((time.perf_counter() - started) * 1000)
    print(line(f"Stand ändern ({counts[six[0]]} Übernahmen am Fall)", samples))
    print(f"\nSpitzenspeicher des Prozesses: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
