"""Benchmark: import the national Destatis workbook (10,752 municipalities) into an empty database.

    .venv/bin/python bench/import_municipalities.py [PATH/AuszugGV4QAktuell_2024.xlsx]

Uses DATABASE_URL when set (e.g. PostgreSQL), otherwise a throwaway SQLite file. Prints the time
of the first import (all rows new), of a re-import (all unchanged) and the peak memory.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_FILE = ROOT.parent / "shared" / "data" / "AuszugGV4QAktuell_2024.xlsx"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FILE
    if not path.is_file():
        sys.exit(f"Datei fehlt: {path}")
    tmp = None
    if not os.environ.get("DATABASE_URL"):
        tmp = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    from municipalities.models import Municipality

    call_command("migrate", verbosity=0)
    Municipality.objects.all().delete()
    backend = django.db.connection.vendor
    for label in ("Erstimport", "Wiederholung"):
        out = StringIO()
        started = time.perf_counter()
        call_command("import_municipalities", str(path), stdout=out, verbosity=0)
        elapsed = time.perf_counter() - started
        print(f"{label:12s} {backend:10s} {elapsed:6.2f} s  {out.getvalue().strip()}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Kommunen: {Municipality.objects.count()}  Spitzenspeicher: {peak_mb:.0f} MB  (Ziel: ≤ 60 s)")
    if tmp is not None:
        tmp.unlink()


if __name__ == "__main__":
    main()
