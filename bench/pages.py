"""Server time of the public pages with 50,000 cases: case page, municipality profile, the register's
landing page, search page, topic page and home page, and the API's suppliers and hospitation hosts of a
town, rendered through Django's full request stack
(middleware, templates, database) with production settings (DEBUG off), measured in-process so network
and client do not count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/baukasten_bench .venv/bin/python bench/pages.py

Builds the data set first if needed (bench/dataset.py); one case in ten gets a lead town that receives
visits and one in twenty a supplier, so that the profile's sections (hosts nearby, suppliers with
references, peers with cases) have something to show. ``--only Kommunenprofil`` measures one kind.
Each run uses a cache directory of its own, so that a profile cached by an earlier run (production keeps
parts of it for minutes in a file cache) does not flatter the next one.
Targets: p95 ≤ 100 ms for case and profile
pages, ≤ 150 ms for the search page.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dataset import ROOT, ensure_dataset, pct, setup_django

TARGETS = {"Praxisbeispiel": 100, "Kommunenprofil": 100, "Suche": 150, "Anbieter-API": 100, "Gastgeber-API": 100}


def ensure_hosts_and_suppliers() -> None:
    """Every tenth live case hosts visits at its lead town, every twentieth names one of 40 suppliers.
    Written to the case table directly (the profile reads it there), once per database."""
    from solutions.models import SolutionPage, Supplier

    live = SolutionPage.objects.live().order_by("pk")
    if live.filter(lead_hosts_visits=True).exists():
        return
    ids = list(live.values_list("pk", flat=True))
    SolutionPage.objects.filter(pk__in=ids[::10]).update(lead_hosts_visits=True, lead_visits_per_year=4)
    suppliers = [Supplier.objects.get_or_create(name=f"Anbieter {k}", slug=f"anbieter-{k}")[0] for k in range(40)]
    links = SolutionPage.suppliers.through
    links.objects.bulk_create(
        [links(solutionpage_id=pk, supplier_id=suppliers[k % 40].pk) for k, pk in enumerate(ids[5::20])],
        ignore_conflicts=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=200, help="pages per kind")
    parser.add_argument("--only", action="append", default=[], help="measure only this kind (repeatable)")
    args = parser.parse_args()
    os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp())  # production serves hashed static files
    setup_django()
    ensure_dataset(args.cases)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    ensure_hosts_and_suppliers()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    cache_dir = tempfile.mkdtemp(prefix="bench-pages-cache-")
    backend = "django.core.cache.backends.filebased.FileBasedCache"
    override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": cache_dir}}).enable()

    from municipalities.models import Municipality
    from solutions.models import SolutionPage, Topic

    rng = random.Random(5)
    ids = list(SolutionPage.objects.live().values_list("id", flat=True))
    cases = [p.url for p in SolutionPage.objects.filter(id__in=rng.sample(ids, args.samples))]
    towns = list(Municipality.objects.filter(led_solutions__live=True).distinct().values_list("ags", "slug")[:5000])
    towns_sampled = rng.sample(towns, min(args.samples, len(towns)))
    profiles = [f"/kommunen/{ags}-{slug}/" for ags, slug in towns_sampled]
    queries = [json.loads(line) for line in (ROOT / "bench" / "relevance" / "queries.jsonl").read_text().splitlines()]
    searches = []
    for q in queries:
        params = [("q", q["text"]), *((k, v) for k, values in q["filters"].items() for v in values)]
        searches.append("/suche/?" + urlencode(params))
    topics = [t.get_absolute_url() for t in Topic.objects.all()]
    kinds = {
        "Praxisbeispiel": cases,
        "Kommunenprofil": profiles,
        "Suche": searches * max(1, args.samples // len(searches)),
        "Themenseite": topics * max(1, args.samples // (4 * len(topics))),
        "Startseite": ["/"] * 20,
        "Kommunenliste": ["/kommunen/"] * 20,
        "Anbieter-API": [f"/api/v1/municipalities/{ags}/suppliers/" for ags, _ in towns_sampled],
        "Gastgeber-API": [f"/api/v1/municipalities/{ags}/hospitation-hosts/" for ags, _ in towns_sampled],
    }
    if args.only:
        kinds = {kind: urls for kind, urls in kinds.items() if kind in args.only}
    client = Client()
    for urls in kinds.values():  # warm caches (corpus, model, peers) once, as a running server has them
        client.get(urls[0])
    print(f"{len(ids)} Fälle, Datenbank {connection.vendor}, Einstellungen production (DEBUG aus)")
    print(f"{'Seite':16s} {'n':>5s} {'p50':>8s} {'p95':>8s} {'max':>8s} {'Abfragen':>9s} {'Ziel p95':>9s}")
    for kind, urls in kinds.items():
        times, queries_per_page = [], []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries_per_page.append(len(captured))
        target = TARGETS.get(kind)
        verdict = "" if target is None else f"≤{target} ms {'ok' if pct(times, 95) <= target else 'VERFEHLT'}"
        print(
            f"{kind:16s} {len(times):5d} {pct(times, 50):6.1f}ms {pct(times, 95):6.1f}ms {max(times):6.1f}ms "
            f"{max(queries_per_page):9d} {verdict:>9s}"
        )
    print(f"Spitzenspeicher: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
