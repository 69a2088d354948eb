"""python manage.py send_adoption_reminders [--dry-run] — from cron or the agency worker, as often as one likes."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext
from tqdm import tqdm

from adoption.reminders import adoption_reminders_send, plans_in_loop


class Command(BaseCommand):
    help = (
        "Fragt Kommunen mit einem Vorhaben („Wir setzen das auch um“) nach dem Stand: 3 und 6 Monate nach der "
        "Erklärung, danach halbjährlich, solange es geplant oder in der Pilotphase ist – per E-Mail mit einem "
        "Ein-Klick-Link und in den Benachrichtigungen. Mehrfach ausführbar: jede Erinnerung geht nur einmal."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Nur zeigen, welche Erinnerungen fällig sind; nichts senden."
        )

    def handle(self, *args, dry_run: bool, verbosity: int, **options) -> None:
        with tqdm(
            total=plans_in_loop().count(),
            unit=" Vorhaben",
            desc="Vorhaben prüfen",
            file=self.stderr._out,
            disable=verbosity == 0,
            mininterval=0.5,
        ) as bar:
            report = adoption_reminders_send(dry_run=dry_run, progress=bar.update)
        for line in report.lines:
            self.stdout.write(f"  {line}")
        plans = ngettext("%(n)s Vorhaben", "%(n)s Vorhaben", report.plans) % {"n": report.plans}
        if dry_run:
            self.stdout.write(f"Probelauf: Für {plans} ist eine Erinnerung fällig; nichts gesendet.")
            return
        mails = ngettext("%(n)s E-Mail", "%(n)s E-Mails", report.mails) % {"n": report.mails}
        refused = f", {report.refused} Adresse(n) abgelehnt" if report.refused else ""
        self.stdout.write(f"Erinnerungen gesendet: {plans}, {mails}, {report.notices} Benachrichtigungen{refused}.")
        if report.aborted:
            raise CommandError(
                f"Der Mailserver ist ausgefallen ({report.aborted}). Die übrigen Erinnerungen sind nicht gesendet; "
                "ein erneuter Lauf sendet genau diese."
            )
