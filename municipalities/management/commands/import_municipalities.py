from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from municipalities.importers.base import RegisterFileError
from municipalities.importers.files import open_register_file
from municipalities.services import municipalities_import


class Command(BaseCommand):
    help = (
        "Liest das amtliche Gemeindeverzeichnis (GV-ISys-Arbeitsmappe AuszugGV…xlsx von destatis.de) "
        "oder eine CSV-Datei (ags,name,state,district,population,area_km2,lat,lon) und aktualisiert "
        "die Kommunen anhand der AGS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--population-date",
            type=dt.date.fromisoformat,
            help="Stichtag der Einwohnerzahlen (JJJJ-MM-TT), falls die Datei ihn nicht nennt.",
        )

    def handle(self, *args, file: Path, population_date: dt.date | None, verbosity: int, **options) -> None:
        try:
            source = open_register_file(file, population_date=population_date)
        except RegisterFileError as exc:
            raise CommandError(str(exc)) from None

        bar = tqdm(
            total=source.total_hint,
            unit=" Zeilen",
            desc="Gemeindeverzeichnis",
            file=self.stderr._out,
            disable=verbosity == 0,
            mininterval=0.5,
        )
        summary = municipalities_import(source, on_row=lambda line: bar.update(line - bar.n))
        bar.update(max(0, (source.total_hint or bar.n) - bar.n))
        bar.close()
        for error in summary.errors:
            self.stderr.write(str(error))
        self.stdout.write(
            f"Fertig: {summary.created} neu, {summary.updated} aktualisiert, {summary.unchanged} unverändert, "
            f"{summary.rejected} abgelehnt, {summary.skipped_unincorporated} gemeindefreie Gebiete übersprungen."
        )
        if summary.errors:
            raise CommandError(
                f"{summary.rejected} Zeile(n) wurden wegen Fehlern nicht übernommen (siehe oben); "
                "alle übrigen Zeilen sind gespeichert."
            )
