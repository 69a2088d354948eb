"""Benchmark: import practice cases from JSON Lines (validate, upsert, publish).

    .venv/bin/python bench/import_solutions.py [N=1000]

Uses DATABASE_URL when set (e.g. PostgreSQL), otherwise a throwaway SQLite file. Generates N cases
on the demo register, imports them into an empty database, then imports the same file again
(all unchanged). Prints cases per second for both runs and the peak memory. Target: ≥ 50 cases/s.
"""

from __future__ import annotations

import json
import os
import random
import resource
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOPICS = ["digitale-verwaltung", "energie-klimaschutz", "mobilitaet", "strassen-infrastruktur", "jugend"]
STATUSES = ["planned", "pilot", "in_operation", "completed"]


def generate(path: Path, count: int, ags: list[str]) -> None:
    rng = random.Random(42)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            town = rng.choice(ags)
            record = {
                "slug": f"bench-fall-{i:05d}",
                "title": f"Praxisbeispiel {i}: {rng.choice(['Straßen', 'Heizung', 'Azubis', 'Kita'])} digital",
                "summary": "Eine Kommune löst ein Alltagsproblem mit einfachen Mitteln. " * 2,
                "problem": "Die Verwaltung hatte zu wenig Personal und keinen Überblick. " * 3,
                "solution": "Erst wurde geplant.\n\nDann wurde umgesetzt und ausgewertet. " * 3,
                "results": "Die Bearbeitungszeit sank deutlich. " * 2,
                "lessons_learned": "Früh mit dem Personalrat sprechen. " * 2,
                "topics": rng.sample(TOPICS, 2),
                "municipality_ags": town,
                "supplier": {"name": f"Anbieter {i % 40}", "website": "https://example.org"},
                "costs_eur": rng.randint(1000, 500000),
                "duration_months": rng.randint(1, 36),
                "status": rng.choice(STATUSES),
                "year": rng.randint(2015, 2025),
                "outcomes": [{"metric": "Zeitersparnis", "value": rng.randint(5, 60), "unit": "%"}],
                "adopters": [
                    {"ags": a, "year": 2024, "status": "pilot", "hosts_visits": rng.random() < 0.3}
                    for a in rng.sample([a for a in ags if a != town], 2)
                ],
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    tmpdir = Path(tempfile.mkdtemp())
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmpdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    from municipalities.models import Municipality
    from solutions.models import SolutionPage

    call_command("migrate", verbosity=0)
    SolutionPage.objects.all().delete()
    call_command(
        "import_municipalities", str(ROOT / "municipalities" / "demo" / "register.csv"), verbosity=0, stdout=StringIO()
    )
    path = tmpdir / "cases.jsonl"
    generate(path, count, list(Municipality.objects.values_list("ags", flat=True)))
    backend = django.db.connection.vendor
    for label in ("Erstimport", "Wiederholung"):
        out = StringIO()
        started = time.perf_counter()
        call_command("import_solutions", str(path), stdout=out, verbosity=0)
        elapsed = time.perf_counter() - started
        print(
            f"{label:12s} {backend:10s} {count} Fälle in {elapsed:6.1f} s = {count / elapsed:6.1f} Fälle/s  "
            f"{out.getvalue().strip()}"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Spitzenspeicher: {peak_mb:.0f} MB  (Ziel: ≥ 50 Fälle/s)")


if __name__ == "__main__":
    main()
