"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

One Chromium for all browser tests; every test gets fresh contexts (cookies, viewport) and freshly
built data. The live server is a thread of this process, so the data built here through the
services is what the browser sees. Screenshots go to test-artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group, User
from django.db import connections
from django.utils import timezone

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PASSWORD, orm_beside_playwright, require_browser
from tests.factories.embeddings import embeddings_reused
from tests.factories.search_caches import search_caches_reset

TODAY = timezone.localdate()


@pytest.fixture(scope="package")
def browser(django_db_setup, django_db_blocker):
    """Chromium, started once for all browser tests (they run one after the other) and stopped
    after the last one, so the rest of the suite runs without Playwright's event loop.

    Without Chromium or axe-core the browser tests are skipped with the reason, unless
    BROWSER_TESTS_REQUIRED=1 (CI), where that is a failure."""
    require_browser(axe=True)
    from playwright.sync_api import sync_playwright

    # The snapshot of the migrated data that serialized_rollback restores before each test (see the
    # test modules' pytestmark) hangs on the connection object. With a running loop Django hands out
    # new, context-local connection objects, so the snapshot is carried over to them.
    snapshots = {c.alias: c._test_serialized_contents for c in connections.all() if _snapshot(c)}
    try:
        with orm_beside_playwright():
            playwright = sync_playwright().start()
            for alias, contents in snapshots.items():
                connections[alias]._test_serialized_contents = contents
            try:
                chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                yield chromium
                chromium.close()
            finally:
                connections.close_all()
                playwright.stop()
    finally:
        # Django empties the database after each transactional test, migrated data included; the
        # transactional tests elsewhere that run after these expect it (root page, topics, permissions).
        with django_db_blocker.unblock():
            for connection in connections.all():
                if _snapshot(connection):
                    connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


def _snapshot(connection) -> bool:
    return bool(getattr(connection, "_test_serialized_contents", None))


@pytest.fixture
def console_errors() -> list[str]:
    """Script errors and console errors (a blocked resource, a Content-Security-Policy violation)
    of every page the test opened."""
    return []


@pytest.fixture
def new_context(browser, live_server, console_errors) -> Iterator[Callable]:
    """Opens browser contexts (separate cookie jars = separate people) and closes them afterwards.

    ``bypass_csp`` is only for the axe checks: axe is injected as a script the site's
    Content-Security-Policy rightly does not allow. The journeys run with the policy in force.
    ``javascript=False`` is a browser with scripts switched off: what must work without them."""
    contexts = []

    def open_context(viewport: dict | None = None, *, bypass_csp: bool = False, javascript: bool = True):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or DESKTOP,
            locale="de-DE",
            timezone_id="Europe/Berlin",
            bypass_csp=bypass_csp,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(10_000)
        context.on("console", lambda m: m.type == "error" and console_errors.append(f"{m.location['url']}: {m.text}"))
        context.on("weberror", lambda e: console_errors.append(f"{e.page.url if e.page else '?'}: {e.error}"))
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


# --- data ---------------------------------------------------------------------------------------------

CASES = [
    {
        "slug": "barleben-schlagloecher",
        "title": "Schlaglöcher per Smartphone erfassen",
        "summary": (
            "Ein Smartphone hinter der Windschutzscheibe erfasst bei normalen Dienstfahrten den Zustand der Straßen."
        ),
        "problem": "Schlaglöcher und Risse wurden bisher zu Fuß gesucht und von Hand in Listen eingetragen.",
        "solution": "Drei Dienstfahrzeuge fotografieren alle vier Meter die Fahrbahn.\n\nEine KI sortiert die Schäden.",
        "results": "Drei Viertel der Straßen waren nach wenigen Wochen erfasst.",
        "lessons_learned": "Den Datenschutz früh mit der Aufsicht klären.",
        "topics": ["strassen-infrastruktur", "digitale-verwaltung"],
        "municipality_ags": "15083040",
        "supplier": {"name": "vialytics", "website": "https://example.org"},
        "costs_eur": 12000,
        "duration_months": 3,
        "status": "in_operation",
        "year": 2023,
        "outcomes": [{"metric": "Straßen erfasst", "value": 75, "unit": "%"}],
        "hosts_visits": True,
        "visits_per_year": 3,
    },
    {
        "slug": "calw-strassenschaeden",
        "title": "Straßenschäden und Schlaglöcher melden",
        "summary": "Bürgerinnen und Bürger melden Schlaglöcher über ein Online-Formular mit Foto und Standort.",
        "problem": "Meldungen kamen per Telefon und gingen verloren.",
        "solution": "Ein Meldeportal leitet jede Meldung direkt an den Bauhof.",
        "results": "Meldungen werden im Schnitt nach fünf Tagen bearbeitet.",
        "lessons_learned": "Rückmeldung an die Meldenden nicht vergessen.",
        "topics": ["strassen-infrastruktur", "buergerbeteiligung"],
        "municipality_ags": "08235085",
        "status": "in_operation",
        "year": 2021,
    },
    {
        "slug": "hemmingen-heizung",
        "title": "Heizungsoptimierung im Rathaus",
        "summary": "Sensoren an den Heizanlagen senken den Gasverbrauch öffentlicher Gebäude.",
        "problem": "Die Energiekosten der Gebäude stiegen stark.",
        "solution": "Messgeräte in den Heizzentralen, Auswertung im Dashboard.",
        "results": "Gasverbrauch im Rathaus deutlich gesenkt.",
        "lessons_learned": "Hausmeister früh einbinden.",
        "topics": ["energie-klimaschutz"],
        "municipality_ags": "03241007",
        "supplier": {"name": "SigmaHeat"},
        "status": "pilot",
        "year": 2022,
    },
]


@dataclass
class SiteData:
    users: dict[str, User] = field(default_factory=dict)
    cases: dict = field(default_factory=dict)
    towns: dict = field(default_factory=dict)
    tandem_round: object = None

    def email(self, who: str) -> str:
        return self.users[who].email


@pytest.fixture
def site_data(browser, live_server, tmp_path) -> SiteData:
    """Six towns, three published cases (Barleben hosts visits), five approved members, an editor
    and an open tandem round – built through the same services as production."""
    from matching.models import TandemRound
    from pages.services import site_setup
    from search.indexing import process_outbox
    from solutions.selectors import solution_index_get
    from solutions.services import editorial_setup
    from tests.factories.register import municipality
    from tests.factories.solutions import member, publish_cases

    # the live server shares this process, and the database was emptied since the last test
    search_caches_reset()
    site_setup()
    editorial_setup(solution_index_get())
    towns = {
        "barleben": municipality("15083040", "Barleben", 9238, district_name="Börde", lat=52.2, lon=11.6),
        "calw": municipality("08235085", "Calw", 24448, district_name="Calw", lat=48.71, lon=8.74),
        "hemmingen_ni": municipality(
            "03241007", "Hemmingen", 18885, district_name="Region Hannover", lat=52.31, lon=9.72
        ),
        "hemmingen_bw": municipality("08118027", "Hemmingen", 8222, district_name="Ludwigsburg", lat=48.87, lon=9.03),
        "groeningen": municipality("15083245", "Gröningen", 3525, district_name="Börde", lat=51.94, lon=11.21),
        "wolmirstedt": municipality("15083565", "Wolmirstedt", 11782, district_name="Börde", lat=52.25, lon=11.63),
    }
    with embeddings_reused():
        cases = {page.slug: page for page in publish_cases(tmp_path, *CASES)}
        process_outbox()

    people = {
        "mayor": ("hemmingen_bw", "buergermeisterin", "Petra", "Schmid", "buergermeisterin@hemmingen.example"),
        "host": ("barleben", "barleben", "Frank", "Nase", "rathaus@barleben.example"),
        "submitter": ("groeningen", "groeningen", "Anna", "Berg", "verwaltung@groeningen.example"),
        "mentee": ("wolmirstedt", "wolmirstedt", "Jana", "Neu", "neu@wolmirstedt.example"),
        "mentor": ("calw", "calw", "Florian", "Erfahren", "erfahren@calw.example"),
    }
    users = {}
    for key, (town, username, first, last, email) in people.items():
        user = member(towns[town], username, email=email)
        user.first_name, user.last_name = first, last
        user.set_password(PASSWORD)
        user.save()
        users[key] = user
    editor = User.objects.create_superuser("redaktion", "redaktion@example.org", PASSWORD)
    editor.groups.add(Group.objects.get(name="Redaktion"))
    users["editor"] = editor

    tandem_round = TandemRound.objects.create(
        title="Tandems 2027",
        application_start=TODAY - dt.timedelta(days=3),
        application_end=TODAY + dt.timedelta(days=10),
    )
    return SiteData(users=users, cases=cases, towns=towns, tandem_round=tandem_round)


@pytest.fixture
def open_request(site_data):
    """One open hospitation request (Hemmingen → Barleben), so "Meine Anfragen" is not empty."""
    from matching.hospitation import hospitation_request

    return hospitation_request(
        member=site_data.users["mayor"].membership,
        solution=site_data.cases["barleben-schlagloecher"],
        host=site_data.towns["barleben"],
        period="Mai oder Juni",
        people=2,
        message="Wir möchten sehen, wie die Fahrzeuge die Straßen erfassen.",
    )
