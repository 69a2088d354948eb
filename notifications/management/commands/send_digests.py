"""python manage.py send_digests [--dry-run] [--ags AGS] — weekly, from cron or the worker."""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import ngettext
from tqdm import tqdm

from municipalities.models import Municipality
from notifications.collect import collect_pulled
from notifications.digests import digests_send
from notifications.models import NoticeKind, Notification
from notifications.services import notifications_mail_immediate, notifications_pending_immediate


class Command(BaseCommand):
    help = (
        "Sendet ausstehende Sofort-E-Mails erneut, sammelt neue Ereignisse (neue Praxisbeispiele, Treffer "
        "gespeicherter Suchen, Tandem-Runden, Gastgeber in der Nähe) und verschickt die Wochenübersichten. "
        "Mehrfach ausführbar: niemand erhält etwas doppelt."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Nur zeigen, was jede Person erhielte; nichts speichern, nichts senden.",
        )
        parser.add_argument("--ags", help="Nur für die Mitglieder dieser Kommune (Gemeindeschlüssel, 8 Ziffern).")

    def handle(self, *args, dry_run: bool, ags: str | None, verbosity: int, **options) -> None:
        if ags is not None:
            ags = ags.strip()
            if not re.fullmatch(r"\d{8}", ags):
                raise CommandError(f"„{ags[:20]}“ ist kein Gemeindeschlüssel (8 Ziffern).")
            if not Municipality.objects.filter(ags=ags).exists():
                raise CommandError(f"Keine Kommune mit dem Gemeindeschlüssel {ags}.")
        pending = notifications_pending_immediate()
        if ags:
            pending = list(
                Notification.objects.filter(pk__in=pending, user__membership__municipality__ags=ags).values_list(
                    "pk", flat=True
                )
            )
        if dry_run:
            self._dry_run(ags, len(pending), verbosity)
            return
        sent, failed = notifications_mail_immediate(pending) if pending else (0, 0)
        if pending:
            self.stdout.write(f"Sofort-E-Mails nachgeholt: {sent} gesendet, {failed} erneut fehlgeschlagen.")
        pulled = collect_pulled(ags=ags)
        self._pulled(pulled)
        bar = tqdm(
            unit=" E-Mails", desc="Wochenübersichten", file=self.stderr._out, disable=verbosity == 0, mininterval=0.5
        )
        report = digests_send(ags=ags, progress=bar.update)
        bar.close()
        sent_text = ngettext("%(n)s Wochenübersicht gesendet", "%(n)s Wochenübersichten gesendet", report.sent) % {
            "n": report.sent
        }
        refused = ""
        if report.refused:
            refused = ngettext(
                ", %(n)s Adresse abgelehnt (der nächste Lauf versucht sie erneut)",
                ", %(n)s Adressen abgelehnt (der nächste Lauf versucht sie erneut)",
                report.refused,
            ) % {"n": report.refused}
        self.stdout.write(
            f"Woche {report.period}: {sent_text} {_with_entries(report.items, together=report.sent > 1)}{refused}."
        )
        if report.aborted:
            raise CommandError(
                f"Der Mailserver ist ausgefallen ({report.aborted}). Die übrigen Wochenübersichten sind nicht "
                "gesendet; ein erneuter Lauf sendet genau diese."
            )

    def _pulled(self, pulled) -> None:
        # The operator reads this: the kinds by their German names, not the stored keys.
        counts = (
            "; ".join(f"{_kind_label(kind)}: {n}" for kind, n in sorted(pulled.notices.items(), key=_by_label))
            or "keine"
        )
        self.stdout.write(
            f"Neue Praxisbeispiele seit dem letzten Lauf: {pulled.new_cases}; gespeicherte Suchen ausgeführt: "
            f"{pulled.searches_run}.\nAnlässe für Benachrichtigungen (schon gemeldete mitgezählt): {counts}."
        )

    def _dry_run(self, ags: str | None, pending: int, verbosity: int) -> None:
        with transaction.atomic():
            pulled = collect_pulled(ags=ags)
            report = digests_send(ags=ags, dry_run=True)
            transaction.set_rollback(True)  # a dry run writes nothing
        self.stdout.write("Probelauf: es wird nichts gespeichert und nichts gesendet.")
        if pending:
            self.stdout.write(
                ngettext(
                    "%(n)s Sofort-E-Mail würde erneut versucht.",
                    "%(n)s Sofort-E-Mails würden erneut versucht.",
                    pending,
                )
                % {"n": pending}
            )
        self._pulled(pulled)
        for preview in report.previews:
            self.stdout.write(preview)
        # Nothing was sent: say what would happen, in the conditional.
        if report.recipients == 0:
            self.stdout.write(f"Woche {report.period}: niemand würde eine Wochenübersicht erhalten.")
            return
        who = ngettext(
            "%(n)s Person würde eine Wochenübersicht %(entries)s erhalten.",
            "%(n)s Personen würden eine Wochenübersicht %(entries)s erhalten.",
            report.recipients,
        ) % {"n": report.recipients, "entries": _with_entries(report.items, together=report.recipients > 1)}
        self.stdout.write(f"Woche {report.period}: {who}")


def _kind_label(kind: str) -> str:
    return str(NoticeKind(kind).label) if kind in NoticeKind.values else kind


def _by_label(pair: tuple[str, int]) -> str:
    return _kind_label(pair[0])


def _with_entries(items: int, *, together: bool = True) -> str:
    """„mit 1 Eintrag“, „mit zusammen 5 Einträgen“."""
    if items == 1:
        return "mit 1 Eintrag"
    return f"mit zusammen {items} Einträgen" if together else f"mit {items} Einträgen"
