"""The benchmark data set shared by bench/search.py, bench/pages.py and bench/load.py: the national
register and N realistic cases, built once per database and reused.

    DATABASE_URL=postgres://…/baukasten_bench .venv/bin/python bench/dataset.py --cases 50000

Cases come from the judged collection in bench/relevance/ (each with one of twelve extra sentences and
a random real municipality). The first ``--imported`` of them (default 178, the collection once) go through the
real ``import_solutions``; the rest are copies of those made in SQL (page, case, topics, outcomes and the
Wagtail admin search entry, each with its own slug, path and lead municipality), because importing 50,000
pages one by one takes well over an hour on this 2-core machine, and the benchmarks measure reading, not
importing (bench/import_solutions.py measures that). The search index is then built with
``search_index rebuild`` and timed.
"""

from __future__ import annotations

import csv
import json
import os
import random
import sys
import tempfile
import time
import uuid
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
COLLECTION = ROOT / "bench" / "relevance" / "collection.jsonl"
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
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's path alphabet, 4 characters per level


def setup_django(default_settings: str = "config.settings.production") -> None:
    """Production settings by default (DEBUG off, as deployed), with a throwaway key and no HTTPS redirect."""
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # one log line per request would time the terminal
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")  # as config/wsgi.py sets it for the web process
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def register_ags() -> list[str]:
    with REGISTER.open(encoding="utf-8-sig") as handle:
        return [row["ags"] for row in csv.DictReader(handle) if row["gemeinde_typ_code"] not in ("65", "66")]


def generate(path: Path, count: int, ags: list[str]) -> None:
    rng = random.Random(7)
    base = [json.loads(line) for line in COLLECTION.read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            case = dict(base[i % len(base)])
            case["slug"] = f"bench-{i:06d}"
            case["problem"] = f"{case['problem']} {EXTRA[(i // len(base)) % len(EXTRA)]}"
            case["municipality_ags"] = rng.choice(ags)
            case["adopters"] = []
            case["supplier"] = None
            handle.write(json.dumps(case, ensure_ascii=False) + "\n")


def ensure_dataset(cases: int, imported: int = 178, rebuild: bool | None = None) -> dict[str, float]:
    """Makes sure the database holds the register and ``cases`` live cases with a built search index.
    Returns timings of what it had to do."""
    from django.core.management import call_command

    from municipalities.models import Municipality
    from search.models import SearchEntry
    from search.synonyms import load_starter_thesaurus
    from solutions.models import SolutionPage

    timings: dict[str, float] = {}
    call_command("migrate", verbosity=0)
    if Municipality.objects.count() < 10_000:
        started = time.perf_counter()
        call_command("import_municipalities", str(REGISTER), verbosity=0, stdout=StringIO())
        timings["register"] = time.perf_counter() - started
    load_starter_thesaurus()
    have = SolutionPage.objects.live().count()
    if have >= cases and rebuild is not True and SearchEntry.objects.count() >= cases:
        return timings
    if have < cases:
        to_import = min(cases, imported)
        if have < to_import:
            path = Path(tempfile.mkdtemp()) / "cases.jsonl"
            generate(path, to_import, register_ags())
            started = time.perf_counter()
            print(f"Importiere {to_import} Fälle …", flush=True)
            call_command("import_solutions", str(path), verbosity=1, stdout=StringIO())
            timings["import"] = time.perf_counter() - started
        if cases > to_import:
            started = time.perf_counter()
            clone_cases(cases - SolutionPage.objects.live().count())
            timings["clone"] = time.perf_counter() - started
    started = time.perf_counter()
    call_command("search_index", "rebuild", verbosity=1, stdout=StringIO())
    timings["index"] = time.perf_counter() - started
    return timings


def _path(parent: str, position: int) -> str:
    code = ""
    for _ in range(4):
        position, digit = divmod(position, 36)
        code = ALPHABET[digit] + code
    return parent + code


def _columns(cursor, table: str, skip: set[str]) -> list[str]:
    from django.db import connection

    return [
        column.name
        for column in connection.introspection.get_table_description(cursor, table)
        if column.name not in skip
    ]


def clone_cases(count: int, batch: int = 2000) -> None:
    """``count`` more live cases as SQL copies of the imported ones (see module doc)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from tqdm import tqdm

    from municipalities.models import Municipality
    from solutions.models import SolutionIndexPage, SolutionPage

    index = SolutionIndexPage.objects.get()
    sources = list(SolutionPage.objects.child_of(index).live().order_by("id").values_list("id", "slug"))
    municipality_ids = list(Municipality.objects.values_list("id", flat=True))
    case_type = ContentType.objects.get_for_model(SolutionPage).id
    rng = random.Random(11)
    with connection.cursor() as cursor:
        page_cols = _columns(
            cursor,
            "wagtailcore_page",
            {"id", "path", "slug", "url_path", "translation_key", "latest_revision_id", "live_revision_id", "numchild"},
        )
        case_cols = _columns(cursor, "solutions_solutionpage", {"page_ptr_id", "lead_municipality_id"})
        outcome_cols = _columns(cursor, "solutions_solutionoutcome", {"id", "page_id"})
        entry_cols = _columns(cursor, "wagtailsearch_indexentry", {"id", "object_id"})
        cursor.execute("SELECT max(id) FROM wagtailcore_page")
        next_id = cursor.fetchone()[0] + 1
        cursor.execute(
            "SELECT count(*) FROM wagtailcore_page WHERE path LIKE %s AND depth = %s",
            [index.path + "%", index.depth + 1],
        )
        position = cursor.fetchone()[0] + 1
        q = lambda cols: ", ".join(f'"{c}"' for c in cols)  # noqa: E731
        insert_page = (
            f"INSERT INTO wagtailcore_page (id, path, slug, url_path, translation_key, numchild, {q(page_cols)}) "  # noqa: S608
            f"SELECT %s, %s, %s, %s, %s, 0, {q(page_cols)} FROM wagtailcore_page WHERE id = %s"
        )
        insert_case = (
            f"INSERT INTO solutions_solutionpage (page_ptr_id, lead_municipality_id, {q(case_cols)}) "  # noqa: S608
            f"SELECT %s, %s, {q(case_cols)} FROM solutions_solutionpage WHERE page_ptr_id = %s"
        )
        insert_topics = (
            "INSERT INTO solutions_taggedsolution (tag_id, content_object_id) "
            "SELECT tag_id, %s FROM solutions_taggedsolution WHERE content_object_id = %s"
        )
        insert_outcomes = (
            f"INSERT INTO solutions_solutionoutcome (page_id, {q(outcome_cols)}) "  # noqa: S608
            f"SELECT %s, {q(outcome_cols)} FROM solutions_solutionoutcome WHERE page_id = %s"
        )
        insert_entry = (
            f"INSERT INTO wagtailsearch_indexentry (object_id, {q(entry_cols)}) "  # noqa: S608
            f"SELECT %s, {q(entry_cols)} FROM wagtailsearch_indexentry WHERE object_id = %s AND content_type_id = %s"
        )
        progress = tqdm(total=count, desc="Kopien", unit=" Fälle")
        done = 0
        while done < count:
            rows = []
            for _ in range(min(batch, count - done)):
                source_id, source_slug = sources[done % len(sources)]
                slug = f"{source_slug}-k{next_id}"
                rows.append((next_id, source_id, slug, _path(index.path, position)))
                next_id += 1
                position += 1
                done += 1
            with transaction.atomic():
                cursor.executemany(
                    insert_page,
                    [
                        (pid, path, slug, f"{index.url_path}{slug}/", str(uuid.uuid4()), src)
                        for pid, src, slug, path in rows
                    ],
                )
                cursor.executemany(insert_case, [(pid, rng.choice(municipality_ids), src) for pid, src, _, _ in rows])
                cursor.executemany(insert_topics, [(pid, src) for pid, src, _, _ in rows])
                cursor.executemany(insert_outcomes, [(pid, src) for pid, src, _, _ in rows])
                cursor.executemany(insert_entry, [(str(pid), str(src), case_type) for pid, src, _, _ in rows])
                cursor.execute(
                    "UPDATE wagtailcore_page SET numchild = (SELECT count(*) FROM wagtailcore_page c "
                    "WHERE c.path LIKE %s AND c.depth = %s) WHERE id = %s",
                    [index.path + "%", index.depth + 1, index.id],
                )
            progress.update(len(rows))
        progress.close()
        if connection.vendor == "postgresql":  # SQLite takes the next id from max(id) itself
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('wagtailcore_page', 'id'), max(id)) FROM wagtailcore_page"
            )
        cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would gather them in production


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--imported", type=int, default=178)
    parser.add_argument("--rebuild", action="store_true", help="search_index rebuild even if the index is complete")
    args = parser.parse_args()
    setup_django()
    timings = ensure_dataset(args.cases, args.imported, rebuild=args.rebuild or None)
    for name, seconds in timings.items():
        print(f"{name}: {seconds:.0f} s")


if __name__ == "__main__":
    main()
