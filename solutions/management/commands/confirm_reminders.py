from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandParser
from django.template.loader import render_to_string
from django.utils import timezone

from solutions.selectors import solutions_due_for_confirmation


class Command(BaseCommand):
    help = (
        "Listet Praxisbeispiele, die seit 12 Monaten nicht bestätigt wurden, und bittet ihre Ansprechpersonen "
        "per E-Mail um Bestätigung."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="nur auflisten, keine E-Mails senden")

    def handle(self, *args, dry_run: bool, **options) -> None:
        due = list(solutions_due_for_confirmation(timezone.localdate()))
        sent = 0
        for page in due:
            confirmed = page.last_confirmed.strftime("%d.%m.%Y") if page.last_confirmed else "nie"
            town = page.lead_municipality.name if page.lead_municipality else "ohne Kommune"
            recipient = page.contact_email
            self.stdout.write(f"{page.slug}\t{town}\tzuletzt bestätigt: {confirmed}\t{recipient or '(keine E-Mail)'}")
            if recipient and not dry_run:
                context = {"page": page, "confirmed": confirmed, "base_url": settings.WAGTAILADMIN_BASE_URL}
                send_mail(
                    subject=f"Bitte bestätigen: „{page.title}“ im Baukasten guter Lösungen",
                    message=render_to_string("solutions/email/confirm_reminder.txt", context),
                    from_email=None,
                    recipient_list=[recipient],
                )
                sent += 1
        self.stdout.write(f"{len(due)} Praxisbeispiele fällig, {sent} E-Mails gesendet.")
