from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from solutions.importers.jsonl import SolutionsFileError, invalid_lines_refusal, parse_solutions_file
from solutions.services import solutions_import


class Command(BaseCommand):
    help = (
        "Importiert Praxisbeispiele aus einer JSON-Lines-Datei (ein Fall pro Zeile), gleicht über den Slug ab "
        "und veröffentlicht sie. Alle Zeilen werden vorab geprüft; bei einem Fehler wird nichts importiert "
        "(außer mit --skip-invalid)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--skip-invalid", action="store_true", help="fehlerhafte Zeilen melden und die übrigen importieren"
        )

    def handle(self, *args, file: Path, skip_invalid: bool, verbosity: int, **options) -> None:
        try:
            parsed = parse_solutions_file(file)
        except SolutionsFileError as exc:
            raise CommandError(str(exc)) from None
        for error in parsed.errors:
            self.stderr.write(error)
        if parsed.errors and not skip_invalid:
            raise CommandError(invalid_lines_refusal(len(parsed.errors), parsed.lines))
        with tqdm(
            total=len(parsed.records),
            unit=" Fälle",
            desc="Praxisbeispiele",
            file=self.stderr._out,
            disable=verbosity == 0,
            mininterval=0.5,
        ) as bar:
            summary = solutions_import(parsed.records, on_record=bar.update)
        topics = f", neue Themen: {', '.join(summary.created_topics)}" if summary.created_topics else ""
        self.stdout.write(
            f"Fertig: {summary.created} neu, {summary.updated} aktualisiert, {summary.unchanged} unverändert, "
            f"{len(parsed.errors)} übersprungen{topics}."
        )
