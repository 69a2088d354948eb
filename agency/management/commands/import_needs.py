from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import ngettext
from tqdm import tqdm

from agency.importer import NeedsFileError, needs_file_parse, needs_import
from agency.services import need_introduce
from solutions.importers.jsonl import invalid_lines_refusal


class Command(BaseCommand):
    help = (
        "Importiert Gesuche aus einer JSON-Lines-Datei (ein Gesuch pro Zeile, z. B. aus einer Werkstatt), gleicht "
        "über „ref“ ab und veröffentlicht sie sofort. Alle Zeilen werden vorab geprüft; bei einem Fehler wird "
        "nichts importiert (außer mit --skip-invalid)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--skip-invalid", action="store_true", help="fehlerhafte Zeilen melden und die übrigen importieren"
        )

    def handle(self, *args, file: Path, skip_invalid: bool, verbosity: int, **options) -> None:
        try:
            parsed = needs_file_parse(file)
        except NeedsFileError as exc:
            raise CommandError(str(exc)) from None
        for error in parsed.errors:
            self.stderr.write(error)
        if not parsed.lines:
            raise CommandError("Es wurde nichts importiert.")
        if parsed.errors and (not skip_invalid or not parsed.records):
            raise CommandError(invalid_lines_refusal(len(parsed.errors), parsed.lines))
        progress = {"file": self.stderr._out, "disable": verbosity == 0, "mininterval": 0.5}
        with tqdm(total=len(parsed.records), unit=" Gesuche", desc="Gesuche", **progress) as bar:
            summary = needs_import(parsed.records, on_record=bar.update)
        # After the commit: the introductions tell other towns, which must never happen for a rolled-back need.
        introduced = 0
        for need in tqdm(summary.needs, unit=" Gesuche", desc="Abgleich", **progress):
            introduced += len(need_introduce(need))
        made = ngettext("%(n)s Vorstellung gemacht", "%(n)s Vorstellungen gemacht", introduced) % {"n": introduced}
        self.stdout.write(
            f"Fertig: {summary.created} neu, {summary.updated} aktualisiert, {len(parsed.errors)} übersprungen; {made}."
        )
