from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from pages.impact import impact_snapshot_refresh


class Command(BaseCommand):
    help = (
        "Berechnet die Zahlen der Seite „Wirkung“ (/wirkung/ und /api/v1/impact/) neu. Idempotent; der Worker "
        "ruft es stündlich auf, die Seite selbst frischt Zahlen auf, die älter als einen Tag sind."
    )

    def handle(self, *args, verbosity: int, **options) -> None:
        if verbosity:
            self.stdout.write("Wirkungszahlen werden aus den veröffentlichten Praxisbeispielen berechnet …")
        started = time.monotonic()
        figures = impact_snapshot_refresh()
        if verbosity:
            percent = "–" if figures.operation_percent is None else f"{figures.operation_percent} %"
            self.stdout.write(
                self.style.SUCCESS(
                    f"Fertig in {time.monotonic() - started:.1f} s: {figures.solutions_travelled} von "
                    f"{figures.solutions_total} Lösungen gereist, {figures.adoptions} Übernahmen, davon "
                    f"{figures.reached_operation} im Betrieb oder abgeschlossen ({percent})"
                    + (f"; {figures.sample_adoptions} Beispieldaten." if figures.sample_adoptions else ".")
                )
            )
