from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from solutions.exchange import solution_to_record
from solutions.selectors import solution_detail_queryset


class Command(BaseCommand):
    help = "Schreibt alle veröffentlichten Praxisbeispiele im Format von import_solutions (JSON Lines)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, verbosity: int, **options) -> None:
        pages = solution_detail_queryset().live().order_by("path").prefetch_related("adopters__municipality")
        count = 0
        with file.open("w", encoding="utf-8") as handle:
            for page in tqdm(
                pages, total=pages.count(), unit=" Fälle", desc="Export", file=self.stderr._out, disable=verbosity == 0
            ):
                handle.write(json.dumps(solution_to_record(page), ensure_ascii=False) + "\n")
                count += 1
        self.stdout.write(f"{count} Praxisbeispiele nach {file} geschrieben.")
