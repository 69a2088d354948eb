"""Benchmark: „Kommunen wie wir“ on the full register (10,752 municipalities).

    .venv/bin/python bench/peers.py [PATH/gemeinden_de_2024.csv]

Uses DATABASE_URL when set (and its register as it is), otherwise imports the register into a
throwaway SQLite file. Prints the latency of single queries (features cached), the time of the
all-pairs top-20 precompute, the peak memory and the top-5 peers of a few known towns.
"""

from __future__ import annotations

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
DEFAULT_FILE = ROOT.parent / "shared" / "data" / "gemeinden_de_2024.csv"
QUERIES = 500
EXAMPLES = ("15083040", "08235085", "08135019", "15083245", "12072477")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FILE
    tmp = None
    if not os.environ.get("DATABASE_URL"):
        if not path.is_file():
            sys.exit(f"Datei fehlt: {path}")
        tmp = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    from matching.peers import peers_features, peers_list, peers_top_k_all
    from municipalities.models import Municipality

    if tmp is not None:
        call_command("migrate", verbosity=0)
        call_command("import_municipalities", str(path), stdout=StringIO(), verbosity=0)
    backend = django.db.connection.vendor

    started = time.perf_counter()
    features = peers_features()
    print(f"Kommunen: {len(features)}  ({backend}); Merkmale laden: {time.perf_counter() - started:.2f} s")

    sample = random.Random(42).sample(list(Municipality.objects.all()), min(QUERIES, len(features)))
    timings = []
    for municipality in sample:
        started = time.perf_counter()
        peers_list(municipality)
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"Einzelabfrage ({len(timings)} Kommunen, top-10): p50 {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms"
    )

    started = time.perf_counter()
    table = peers_top_k_all(features, k=20)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Vorberechnung top-20, alle Paare: {elapsed:.1f} s für {len(table)} Kommunen")
    print(f"Spitzenspeicher: {peak_mb:.0f} MB")
    print("Ziel: p95 ≤ 20 ms, Vorberechnung ≤ 60 s")

    for ags in EXAMPLES:
        municipality = Municipality.objects.filter(ags=ags).first()
        if municipality is None:
            print(f"\n{ags}: nicht im Register")
            continue
        population = f"{municipality.population:,}".replace(",", ".")
        print(f"\n{municipality.name} ({ags}, {population} Einwohner, {municipality.get_size_class_display()})")
        for rank, peer in enumerate(peers_list(municipality, limit=5), start=1):
            print(f"  {rank}. {peer.name} ({peer.state}) {peer.similarity:.3f} – {'; '.join(peer.reasons)}")

    if tmp is not None:
        tmp.unlink()


if __name__ == "__main__":
    main()
