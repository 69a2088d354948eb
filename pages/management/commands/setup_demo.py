from __future__ import annotations

import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from pages.services import site_setup
from search.synonyms import load_starter_thesaurus
from solutions.selectors import solution_index_get
from solutions.services import editorial_setup

ROOT = Path(__file__).resolve().parents[3]
DEMO_REGISTER = ROOT / "municipalities" / "demo" / "register.csv"
DEMO_CASES = ROOT / "solutions" / "demo" / "cases.jsonl"


class Command(BaseCommand):
    help = (
        "Richtet eine lauffähige Installation mit Demodaten ein (idempotent): Kommunen, Startseite, "
        "Impressum/Datenschutz, Praxisbeispiele mit Anbietern und ein Redaktionskonto. Mit --register "
        "wird statt der kleinen Demoliste das amtliche Gemeindeverzeichnis geladen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--register",
            type=Path,
            default=None,
            help="Pfad zum Gemeindeverzeichnis (AuszugGV…xlsx oder CSV); ohne Angabe die Demoliste.",
        )

    def handle(self, *args, register: Path | None, verbosity: int, **options) -> None:
        call_command("import_municipalities", str(register or DEMO_REGISTER), verbosity=verbosity)
        site_setup()
        editorial_setup(solution_index_get())
        self.stdout.write("Seitenbaum und Redaktions-Workflow eingerichtet.")
        load_starter_thesaurus()
        call_command("import_solutions", str(DEMO_CASES), verbosity=verbosity)
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
