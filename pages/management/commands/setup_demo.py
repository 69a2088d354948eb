from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from adoption.demo import demo_adoptions_ensure
from agency.demo import demo_needs_ensure
from agency.services import needs_rematch
from pages.demo import (
    DEMO_HOSTS,
    DEMO_LABEL,
    demo_cases_with_hosts,
    demo_logins_ensure,
    demo_tandem_round_ensure,
)
from pages.impact import impact_snapshot_refresh
from pages.services import site_setup
from search.indexing import outbox_pages, process_outbox
from search.synonyms import load_starter_thesaurus
from search.tasks import processing_deferred
from solutions.selectors import solution_index_get
from solutions.services import editorial_setup

ROOT = Path(__file__).resolve().parents[3]
NATIONAL_REGISTER = ROOT / "municipalities" / "data" / "gemeinden_de_2024.csv.gz"
DEMO_CASES = ROOT / "solutions" / "demo" / "cases.jsonl"


class Command(BaseCommand):
    help = (
        "Richtet eine lauffähige Installation mit Demodaten ein (idempotent): alle Kommunen des amtlichen "
        "Gemeindeverzeichnisses, Startseite, Impressum/Datenschutz, Praxisbeispiele mit Anbietern, ein "
        "Redaktionskonto und als „Beispieldaten“ gekennzeichnet: Beispielkonten je Rolle, eine offene "
        "Tandemrunde, Gastgeber für Hospitationen und Gesuche der Matching-Agentur."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--register",
            type=Path,
            default=None,
            help="Pfad zum Gemeindeverzeichnis (AuszugGV…xlsx oder CSV, auch .csv.gz); "
            "ohne Angabe das mitgelieferte vollständige Verzeichnis (10.752 Gemeinden).",
        )

    def handle(self, *args, register: Path | None, verbosity: int, **options) -> None:
        self._step(
            "1/7 Gemeindeverzeichnis laden (alle Gemeinden Deutschlands, etwa eine halbe Minute) …"
            if register is None
            else f"1/7 Gemeindeverzeichnis laden aus {register} …"
        )
        call_command("import_municipalities", str(register or NATIONAL_REGISTER), verbosity=verbosity)
        self._step("2/7 Seitenbaum und Redaktions-Workflow einrichten …")
        site_setup()
        editorial_setup(solution_index_get())
        self._step("3/7 Synonyme der Suche laden …")
        load_starter_thesaurus()
        self._step(f"4/7 Praxisbeispiele importieren, {len(DEMO_HOSTS)} davon mit Gastgebern ({DEMO_LABEL}) …")
        with tempfile.TemporaryDirectory() as folder, processing_deferred():
            cases = demo_cases_with_hosts(DEMO_CASES, Path(folder) / "cases.jsonl")
            call_command("import_solutions", str(cases), verbosity=verbosity)
        for host in DEMO_HOSTS:
            self.stdout.write(
                f"  Gastgeber ({DEMO_LABEL}): /praxisbeispiele/{host.slug}/ – Anfragen gehen an {host.path}"
            )
        self._step("5/7 Suchindex aufbauen (Bedeutungsvektoren; beim ersten Mal bis zu einigen Minuten) …")
        with tqdm(
            total=outbox_pages(), unit=" Fälle", desc="Suchindex", file=self.stderr._out, disable=verbosity == 0
        ) as bar:
            process_outbox(on_page=bar.update)
        self._step(f"6/7 {DEMO_LABEL}: eine offene Tandemrunde …")
        round_ = demo_tandem_round_ensure()
        self.stdout.write(
            f"  „{round_.title}“, Bewerbung {round_.application_start:%d.%m.%Y} bis {round_.application_end:%d.%m.%Y}."
        )
        self._step(f"7/7 Konten ({DEMO_LABEL}) …")
        self._summary: list[str] = []
        self._ensure_editor()
        self._print_logins()
        self._demo_needs()
        self._demo_adoptions()
        process_outbox()  # the sample adoptions published their cases anew: index those revisions too
        self._impact()
        self._print_summary()

    def _print_summary(self) -> None:
        # The lines worth keeping, once more at the end, where a terminal shows them without scrolling.
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Zum Ausprobieren"))
        for line in self._summary:
            self.stdout.write(line)

    def _impact(self) -> None:
        # Last, so that the figures include every adopter the demo set up.
        self._step("Zahlen der Seite „Wirkung“ berechnen …")
        figures = impact_snapshot_refresh()
        percent = "–" if figures.operation_percent is None else f"{figures.operation_percent} %"
        line = (
            f"  /wirkung/: {figures.solutions_travelled} von {figures.solutions_total} Lösungen gereist, "
            f"{figures.adoptions} Übernahmen, davon {figures.reached_operation} im Betrieb oder abgeschlossen "
            f"({percent}); {DEMO_LABEL}: {figures.sample_adoptions} von {figures.adoptions} Übernahmen."
        )
        self.stdout.write(line)
        self._summary.append(line)

    def _demo_needs(self) -> None:
        self._step(f"{DEMO_LABEL}: Gesuche der Matching-Agentur …")
        for need in demo_needs_ensure():
            self.stdout.write(f"  /gesuche/{need.ref}/ – {need.title}")
        try:
            rematched = needs_rematch()
        except Exception as exc:  # the demo stays usable without introductions; the worker tries again
            self.stdout.write(self.style.WARNING(f"  Abgleich der Gesuche übersprungen: {exc!r}"))
        else:
            self.stdout.write(f"  {rematched} Gesuche abgeglichen und passende Kommunen vorgestellt.")

    def _demo_adoptions(self) -> None:
        self._step(f"{DEMO_LABEL}: Kommunen, die Lösungen übernehmen („Wir setzen das auch um“) …")
        result = demo_adoptions_ensure()
        for line in result.created:
            self.stdout.write(f"  {line}")
        if result.mayor_link:
            line = f"  „Wie weit sind Sie?“ an die Beispiel-Bürgermeisterin: {result.mayor_link}"
            self.stdout.write(line)
            self._summary.append(line)

    def _step(self, text: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(text))

    def _print_logins(self) -> None:
        logins = demo_logins_ensure()
        self.stdout.write(
            self.style.WARNING(
                f"Beispielkonten ({DEMO_LABEL}, nur für die lokale Demo) – Anmeldung unter /konto/anmelden/:"
            )
        )
        role_width = max((len(login.role) for login in logins), default=0)
        email_width = max((len(login.email) for login in logins), default=0)
        self._summary.append(f"  Beispielkonten ({DEMO_LABEL}), Anmeldung unter /konto/anmelden/:")
        for login in logins:
            line = f"  {login.role:<{role_width}} E-Mail-Adresse {login.email:<{email_width}} Passwort {login.password}"
            self.stdout.write(line)
            self._summary.append(f"  {line}")

    def _ensure_editor(self) -> None:
        users = get_user_model()
        if users.objects.filter(is_superuser=True).exists():
            return
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser("admin", "admin@localhost", password)
        line = (
            f"Redaktionskonto angelegt: E-Mail-Adresse „admin@localhost“ (oder „admin“), Passwort „{password}“ "
            "(nur für die lokale Demo; bitte notieren)."
        )
        self.stdout.write(self.style.WARNING(line))
        self._summary.append(f"  {line} – Verwaltung unter /admin/")
