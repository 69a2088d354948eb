from __future__ import annotations

from django.core.management.base import BaseCommand

from agency.services import needs_rematch


class Command(BaseCommand):
    help = (
        "Gleicht offene Gesuche neu ab, deren Treffer auf einem älteren Stand der Praxisbeispiele und Gesuche "
        "beruhen: stellt neu passende Kommunen vor und benachrichtigt die Kommunen der Gesuche (idempotent; für "
        "Cron oder den Worker)."
    )

    def handle(self, *args, **options) -> None:
        done = needs_rematch()
        self.stdout.write(f"{done} {'Gesuch' if done == 1 else 'Gesuche'} neu abgeglichen.")
