"""Relevance benchmark: nDCG@10 and recall@10 per backend, ranking mode and query kind on the judged
collection in bench/relevance/ (fictional cases, graded mayor queries), the mean number of hits the judged
queries report, and how many of the deliberately unrelated queries (bench/relevance/unrelated.jsonl:
nonsense, English, topics no municipality case is about) answer with no hit at all.

    .venv/bin/python bench/relevance.py [--register PATH]

Loads the municipalities the collection needs (from ../shared/data/gemeinden_de_2024.csv by default),
imports the cases into a throwaway database (or DATABASE_URL), indexes them like production (German
analysis, the starter synonyms, e5 embeddings) and runs every query in every mode. With
ELASTICSEARCH_URL set, the Elasticsearch backend is measured as well.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from collections import defaultdict
from functools import partial
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HERE = ROOT / "bench" / "relevance"
DEFAULT_REGISTER = ROOT.parent / "shared" / "data" / "gemeinden_de_2024.csv"
K = 10


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def ndcg_at_k(ranked: list[str], judgments: dict[str, int], k: int = K) -> float:
    ideal = dcg(sorted(judgments.values(), reverse=True)[:k])
    return dcg([judgments.get(slug, 0) for slug in ranked[:k]]) / ideal if ideal else 0.0


def recall_at_k(ranked: list[str], judgments: dict[str, int], k: int = K) -> float:
    relevant = {slug for slug, grade in judgments.items() if grade >= 1}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def setup(register: Path) -> None:
    tmp = Path(tempfile.mkdtemp())
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'relevance.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    import csv

    from django.core.management import call_command

    from search.synonyms import load_starter_thesaurus
    from solutions.models import SolutionPage

    call_command("migrate", verbosity=0)
    cases = [json.loads(line) for line in (HERE / "collection.jsonl").read_text(encoding="utf-8").splitlines()]
    needed = {c["municipality_ags"] for c in cases if c.get("municipality_ags")}
    subset = tmp / "register.csv"
    with register.open(encoding="utf-8-sig", newline="") as source, subset.open("w", encoding="utf-8") as target:
        reader = csv.DictReader(source)
        writer = csv.DictWriter(target, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows(row for row in reader if row["ags"] in needed)
    call_command("import_municipalities", str(subset), verbosity=0, stdout=StringIO())
    load_starter_thesaurus()
    SolutionPage.objects.all().delete()
    call_command("import_solutions", str(HERE / "collection.jsonl"), verbosity=0, stdout=StringIO())
    call_command("search_index", "sync", verbosity=0, stdout=StringIO())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--register", type=Path, default=DEFAULT_REGISTER)
    args = parser.parse_args()
    if not args.register.is_file():
        sys.exit(f"Gemeindeverzeichnis fehlt: {args.register}")
    setup(args.register)

    from search.backends import configured_external_backends, database_backend
    from search.params import parse_search_params
    from search.service import search_with
    from search.types import Mode

    queries = [json.loads(line) for line in (HERE / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    unrelated = [json.loads(line) for line in (HERE / "unrelated.jsonl").read_text(encoding="utf-8").splitlines()]
    runners = {
        backend.name: partial(search_with, backend) for backend in [database_backend(), *configured_external_backends()]
    }

    print(f"{len(queries)} Anfragen, nDCG@{K} / recall@{K}")
    print("Treffer: mittlere Trefferzahl (count), passend: davon passende (ohne schwache Treffer)")
    columns = ["nDCG@10", "recall@10", "Treffer", "passend"]
    header = f"{'Backend':14s} {'Modus':9s} {'Art':9s} {'n':>3s} " + " ".join(f"{c:>9s}" for c in columns)
    print(header)
    print("-" * len(header))
    for backend_name, run in runners.items():
        for mode in (Mode.LEXICAL, Mode.SEMANTIC, Mode.HYBRID):
            per_kind: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
            fitting: dict[str, list[int]] = defaultdict(list)  # hits that fit (the rest: weak matches)
            for q in queries:
                params = {"q": [q["text"]], "mode": [mode.value], "page_size": ["10"]}
                for key, values in q["filters"].items():
                    params[key] = list(values)
                result = run(parse_search_params(params))
                ranked = [hit.slug for hit in result.hits]
                scores = (ndcg_at_k(ranked, q["judgments"]), recall_at_k(ranked, q["judgments"]), result.total)
                fitting[q["kind"]].append(getattr(result, "fitting", result.total))
                fitting["alle"].append(fitting[q["kind"]][-1])
                per_kind[q["kind"]].append(scores)
                per_kind["alle"].append(scores)
            for kind in sorted(per_kind, key=lambda k: (k == "alle", k)):
                values = per_kind[kind]
                ndcg = sum(v[0] for v in values) / len(values)
                recall = sum(v[1] for v in values) / len(values)
                hits = sum(v[2] for v in values) / len(values)
                fit = sum(fitting[kind]) / len(values)
                row = f"{backend_name:14s} {mode.value:9s} {kind:9s} {len(values):3d}"
                print(f"{row} {ndcg:9.3f} {recall:9.3f} {hits:9.1f} {fit:9.1f}")
            answered = [run(parse_search_params({"q": [q["text"]], "mode": [mode.value]})).total for q in unrelated]
            empty = sum(1 for total in answered if total == 0)
            print(
                f"{backend_name:14s} {mode.value:9s} fremde Anfragen ohne Treffer: {empty}/{len(unrelated)}"
                f" (Treffer Ø {sum(answered) / len(answered):.1f})"
            )
            print()


if __name__ == "__main__":
    main()
