from __future__ import annotations

import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from pages.services import site_setup

DEMO_REGISTER = Path(__file__).resolve().parents[3] / "municipalities" / "demo" / "register.csv"


class Command(BaseCommand):
    help = (
        "Richtet eine lauffähige Installation mit Demodaten ein (idempotent): Kommunen, Startseite, "
        "Impressum/Datenschutz und ein Redaktionskonto. Mit --register wird statt der kleinen "
        "Demoliste das amtliche Gemeindeverzeichnis geladen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--register", type=Path, default=None,
            help="Pfad zum Gemeindeverzeichnis (AuszugGV…xlsx oder CSV); ohne Angabe die Demoliste.",
        )

    def handle(self, *args, register: Path | None, verbosity: int, **options) -> None:
        call_command("import_municipalities", str(register or DEMO_REGISTER), verbosity=verbosity)
        site_setup()
        self.stdout.write("Seitenbaum eingerichtet (Startseite, Impressum, Datenschutz).")
        self._ensure_editor()

    def _ensure_editor(self) -> None:
        users = get_user_model()
        if users.objects.filter(is_superuser=True).exists():
            return
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser("admin", "admin@localhost", password)
        self.stdout.write(
            self.style.WARNING(
                f"Redaktionskonto angelegt: Benutzername „admin“, Passwort „{password}“ "
                "(nur für die lokale Demo; bitte notieren)."
            )
        )
