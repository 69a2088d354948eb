"""``search_index check``: does this Elasticsearch cluster work with us?

An operator runs it after deploying or upgrading Elasticsearch (and the hosted CI before its test suite): it
walks the whole path once – version, synonym set, our German analysis chain, bulk indexing, the four kinds of
search the site sends, the alias switch of a rebuild and the outbox after an outage – with the request bodies
the application itself builds (``search.backends.elasticsearch``), in a throw-away index behind its own prefix
(``<prefix>-check``) and its own synonym set. Real indices and the editors' synonyms are never touched, and the
throw-away ones are removed at the end whatever happened (a run killed before that leaves them for the next run,
which removes them first).

Each step is timed; the first failing step ends the run, because every later step builds on it. The report is
German, one line a step, with a verdict (exit code 0 or 1).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np
from django.db import transaction
from elastic_transport import ConnectionTimeout, TlsError, TransportError
from elasticsearch import ApiError
from elasticsearch.dsl import MultiSearch

from search import analysis
from search.backends.elasticsearch import ElasticsearchBackend, index_body, knn_search, lexical_search, related_search
from search.documents import CaseDocument
from search.embeddings import DIMENSIONS
from search.indexing import process_outbox
from search.models import IndexTask
from search.tasks import enqueue

MIN_VERSION = (8, 10)  # the synonyms API (sets that analyzers reload without a rebuild) came with 8.10

# Samples whose terms Elasticsearch must produce exactly as search.analysis does: a compound with ß, an umlaut
# plural, a compound with a dictionary part inside, and a phrase with a stop word.
ANALYSIS_SAMPLES = ("Straßenzustandserfassung", "Schlaglöcher", "Bürgerbeteiligung", "Heizungsoptimierung im Rathaus")
ANALYZERS = {"de_index": analysis.analyze, "de_query": analysis.analyze_query}

FIRST_RULES = [{"id": "check-azubi", "synonyms": "Azubi, Auszubildende"}]
ADDED_RULE = {"id": "check-partizipation", "synonyms": "Partizipation, Bürgerbeteiligung"}


def _case(page_id: int, slug: str, title: str, summary: str, body: str, topic: str, state: str) -> CaseDocument:
    return CaseDocument(
        page_id=page_id,
        slug=slug,
        url=f"/praxisbeispiele/{slug}/",
        title=title,
        summary=summary,
        body=body,
        topics=(topic,),
        topic_names=(topic.replace("-", " ").title(),),
        size_classes=("kleinstadt",),
        state=state,
        status="in_operation",
        lead_ags="",
        lead_name="Prüfgemeinde",
        last_confirmed=dt.date(2026, 1, 15),
        lead_population=12000,
    )


# The check's cases: two near-twins about road cameras (more-like-this), potholes (the lexical query), citizen
# participation (the synonym) and one that arrives through the outbox. They exist only in the throw-away index.
ROAD_CAMERAS = _case(
    9_000_001,
    "pruefung-strassenzustand",
    "Straßenzustandserfassung mit KI",
    "Kameras in Dienstwagen erfassen den Zustand der Gemeindestraßen und melden Schäden an der Fahrbahn.",
    "Die Kameras fahren bei jeder Dienstfahrt mit. Eine Software erkennt Risse und Schäden an der Fahrbahn "
    "und trägt sie in das Straßenkataster ein.",
    "strassen-infrastruktur",
    "15",
)
REFUSE_TRUCK_CAMERAS = _case(
    9_000_002,
    "pruefung-strassenschaeden",
    "Straßenschäden per Kamera erfassen",
    "Kameras in Müllfahrzeugen erfassen den Zustand der Straßen und melden Schäden an der Fahrbahn.",
    "Die Kameras fahren bei jeder Tour mit. Eine Software erkennt Risse und Schäden an der Fahrbahn "
    "und trägt sie in das Straßenkataster ein.",
    "strassen-infrastruktur",
    "08",
)
POTHOLES = _case(
    9_000_003,
    "pruefung-schlagloecher",
    "Schlaglöcher per App melden",
    "Bürgerinnen und Bürger melden Schlaglöcher mit Foto und Standort über den Mängelmelder.",
    "Der Bauhof sieht jede Meldung auf einer Karte und gibt Rückmeldung, sobald das Loch geflickt ist.",
    "strassen-infrastruktur",
    "03",
)
PARTICIPATION = _case(
    9_000_004,
    "pruefung-buergerbeteiligung",
    "Bürgerbeteiligung im Haushalt",
    "Ein Portal sammelt die Vorschläge der Einwohner zum Haushalt der Gemeinde.",
    "Jedes Jahr stimmen die Einwohner über zwölf Vorschläge ab; der Gemeinderat setzt die ersten drei um.",
    "buergerbeteiligung",
    "03",
)
HEATING = _case(
    9_000_005,
    "pruefung-heizung",
    "Heizungsoptimierung im Rathaus",
    "Sensoren an den Heizanlagen senken den Gasverbrauch.",
    "Messgeräte in den Heizzentralen, Auswertung im Dashboard: minus 16 Prozent Gas.",
    "energie-klimaschutz",
    "03",
)
BULK_CASES = (ROAD_CAMERAS, REFUSE_TRUCK_CAMERAS, POTHOLES, PARTICIPATION)


def _unit(weights: Mapping[int, float]) -> np.ndarray:
    vector = np.zeros(DIMENSIONS, dtype=np.float32)
    for position, weight in weights.items():
        vector[position] = weight
    return vector / np.linalg.norm(vector)


# Hand-made vectors instead of the embedding model: the check is about the cluster, and with one axis per case
# the nearest case is known exactly. The query lies closest to the road cameras and, among the cases of
# Niedersachsen ("03"), to citizen participation.
VECTORS = {case.page_id: _unit({number: 1.0}) for number, case in enumerate((*BULK_CASES, HEATING))}
QUERY_VECTOR = _unit({0: 1.0, 1: 0.3, 3: 0.2})


# --- the report ---------------------------------------------------------------------------------------------------


class StepFailed(Exception):
    """A step's result differs from what it expects; the message says how, in German."""


@dataclass(frozen=True)
class StepResult:
    title: str
    status: str  # "ok", "failed", "skipped"
    detail: str = ""
    seconds: float | None = None

    def line(self) -> str:
        label = {"ok": "ok", "failed": "FEHLER", "skipped": "–"}[self.status]
        took = f"{self.seconds:.2f} s".replace(".", ",") if self.seconds is not None else ""
        text = f"{self.title}: {self.detail}" if self.detail else self.title
        return f"  {label:<7}{took:>8}  {text}"


@dataclass
class CheckReport:
    target: str
    prefix: str
    steps: list[StepResult] = field(default_factory=list)
    cleanup: StepResult | None = None

    @property
    def ok(self) -> bool:
        return all(step.status == "ok" for step in [*self.steps, *filter(None, [self.cleanup])])

    def text(self) -> str:
        lines = [f"Elasticsearch-Prüfung: {self.target}, Wegwerf-Präfix „{self.prefix}“"]
        lines += [step.line() for step in self.steps]
        if self.cleanup is not None:
            lines.append(self.cleanup.line())
        total = sum(step.seconds or 0.0 for step in [*self.steps, *filter(None, [self.cleanup])])
        took = f"{total:.2f} s".replace(".", ",")
        failed = [step.title for step in self.steps if step.status == "failed"]
        left = " Ihre Wegwerf-Indizes blieben zurück; der nächste Lauf entfernt sie." if self.cleanup_failed else ""
        if self.ok:
            lines.append(
                f"Ergebnis: bestanden – alle {len(self.steps)} Schritte in {took}; der Cluster trägt die Suche."
            )
        elif failed:
            lines.append(
                f"Ergebnis: NICHT bestanden – „{failed[0]}“ ist fehlgeschlagen, die Schritte danach wurden nicht "
                f"ausgeführt.{left}"
            )
        else:
            lines.append(f"Ergebnis: NICHT bestanden – alle Schritte gelangen, nur das Aufräumen nicht.{left}")
        return "\n".join(lines)

    @property
    def cleanup_failed(self) -> bool:
        return self.cleanup is not None and self.cleanup.status == "failed"


def public_address(url: str) -> str:
    """The cluster's address without user name or password (the report lands in CI logs)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path.rstrip('/')}"


def describe_error(exc: BaseException) -> str:
    """An exception of the client as one German sentence, with the hint an operator needs for 401 and 403."""
    if isinstance(exc, ApiError):
        error = exc.body.get("error") if isinstance(exc.body, dict) else None
        if isinstance(error, dict):
            cause = (error.get("root_cause") or [error])[0]
            text = f"Elasticsearch antwortet {exc.status_code} ({cause.get('type')}): {cause.get('reason')}"
        else:
            text = f"Elasticsearch antwortet {exc.status_code}: {exc.message}"
        if exc.status_code == 401:
            text += " – Zugangsdaten in ELASTICSEARCH_URL prüfen"
        elif exc.status_code == 403:
            text += (
                " – dem Benutzer fehlt ein Recht (Synonyme: Cluster-Recht manage_search_synonyms; "
                "Indizes: manage, write und read auf „<Präfix>-*“)"
            )
        return text
    if isinstance(exc, TlsError):  # 8.x serves HTTPS with a certificate of its own CA
        return (
            f"TLS-Verbindung gescheitert ({exc.message}) – ELASTICSEARCH_CA_CERTS muss auf die CA-Datei des Clusters "
            "zeigen (bei Elasticsearch 8: config/certs/http_ca.crt)"
        )
    if isinstance(exc, ConnectionTimeout):
        return f"keine Antwort innerhalb des Zeitlimits ({exc.message})"
    if isinstance(exc, TransportError):
        return f"nicht erreichbar ({exc.message})"
    return f"unerwarteter Fehler: {type(exc).__name__}: {exc}"


# --- the analysis comparison --------------------------------------------------------------------------------------


def analysis_mismatches(terms_from_es: Mapping[tuple[str, str], Sequence[str]]) -> list[str]:
    """Compares the terms Elasticsearch's ``_analyze`` gave for (analyzer, text) with those of our Python
    analysis; one German line per difference. Order counts: Lucene emits a compound before its parts, as
    ``search.analysis`` does."""
    problems = []
    for (analyzer, text), es_terms in terms_from_es.items():
        python_terms = ANALYZERS[analyzer](text)
        if list(es_terms) != list(python_terms):
            problems.append(
                f"„{text}“ mit {analyzer}: Elasticsearch [{' '.join(es_terms)}], Python [{' '.join(python_terms)}]"
            )
    return problems


# --- the steps ----------------------------------------------------------------------------------------------------


def _parse_version(number: str) -> tuple[int, int]:
    match = re.match(r"(\d+)\.(\d+)", number)
    if not match:
        raise StepFailed(f"Versionsnummer „{number}“ nicht lesbar")
    return int(match[1]), int(match[2])


def _ids(response) -> list[int]:
    return [int(hit.meta.id) for hit in response]


def _expect_first(ids: list[int], case: CaseDocument, what: str) -> str:
    if not ids or ids[0] != case.page_id:
        found = f"zuerst Fall {ids[0]}" if ids else "keinen Treffer"
        raise StepFailed(f"{what} sollte „{case.title}“ ({case.page_id}) zuerst liefern, lieferte {found}")
    return f"„{case.title}“ an erster Stelle ({len(ids)} Treffer)"


def unreachable_url() -> str:
    """An address on this machine where nothing listens: the simulated outage is a real refused connection."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class _Run:
    def __init__(self, url: str, prefix: str, ca_certs: str | None) -> None:
        self.check_prefix = f"{prefix}-check"
        # its own prefix, hence its own index alias and synonym set (``<prefix>-check-synonyms``)
        self.backend = ElasticsearchBackend(url, self.check_prefix, ca_certs=ca_certs)
        self.client = self.backend.client
        self.admin = self.backend.admin_client  # the longer timeout of the application's own slow requests
        self.alias = self.backend.alias
        self.first_index = ""
        self.created = False  # whether anything needs removing at the end

    # Each step returns its detail for the report or raises.
    def cluster(self) -> str:
        info = self.client.info()
        number = info["version"]["number"]
        if _parse_version(number) < MIN_VERSION:
            raise StepFailed(f"Elasticsearch {number} ist zu alt; nötig ist 8.10 oder neuer (Synonym-API)")
        self.created = True  # from here on, remove what we (or an aborted earlier run) left
        leftovers = self.backend.drop_index_versions()
        detail = f"Elasticsearch {number}, Cluster „{info.get('cluster_name', '?')}“"
        return detail + (f"; {len(leftovers)} Reste eines abgebrochenen Laufs entfernt" if leftovers else "")

    def synonyms_created(self) -> str:
        # with the application's own limit for synonym updates (5 s): a cluster that needs longer is named here
        self.client.synonyms.put_synonym(id=self.backend.synonyms_set, synonyms_set=FIRST_RULES)
        return f"„{self.backend.synonyms_set}“ mit {len(FIRST_RULES)} Regel"

    def index_created(self) -> str:
        """The first version as the first indexed case creates it – and once more, as a second worker indexing at
        the same moment does: the cluster must answer that it exists, and the alias must stay on one index."""
        self.first_index = self.backend.create_first_index()
        self.backend.create_first_index()
        pointed = sorted(self.client.indices.get_alias(name=self.alias))
        if pointed != [self.first_index]:
            raise StepFailed(f"der Alias zeigt nach zweimaligem Anlegen auf {', '.join(pointed) or 'nichts'}")
        chain = index_body(self.backend.synonyms_set)["settings"]["analysis"]
        return (
            f"{self.first_index} mit {len(chain['analyzer'])} Analysatoren und {len(chain['filter'])} Filtern; "
            "nochmals angelegt (zwei Worker zugleich): „existiert schon“, der Alias bleibt auf einem Index"
        )

    def analysis_matches(self) -> str:
        answers = {
            (analyzer, text): [
                token["token"]
                for token in self.client.indices.analyze(index=self.first_index, analyzer=analyzer, text=text)["tokens"]
            ]
            for text in ANALYSIS_SAMPLES
            for analyzer in ANALYZERS
        }
        problems = analysis_mismatches(answers)
        if problems:
            raise StepFailed(f"{len(problems)} Abweichungen, z. B. {problems[0]}")
        example = answers[("de_index", ANALYSIS_SAMPLES[0])]
        return (
            f"{len(ANALYSIS_SAMPLES)} Beispiele × {len(ANALYZERS)} Analysatoren gleich "
            f"(„{ANALYSIS_SAMPLES[0]}“ → {' '.join(example)})"
        )

    def _fill(self, index: str) -> None:
        self.backend.bulk_index(index, [(case, VECTORS[case.page_id]) for case in BULK_CASES])
        self.admin.indices.refresh(index=index)

    def bulk(self) -> str:
        self._fill(self.first_index)
        count = self.backend.count()
        if count != len(BULK_CASES):
            raise StepFailed(f"{len(BULK_CASES)} Fälle gesendet, {count} im Index")
        return f"{count} Fälle in einer Anfrage"

    def _lexical(self, text: str) -> list[int]:
        words = [word for word, _term in analysis.query_words(text)]
        return _ids(lexical_search(self.alias, text, (), words).using(self.client).execute())

    def lexical(self) -> str:
        return _expect_first(self._lexical("Schlagloch"), POTHOLES, "„Schlagloch“")

    def _knn(self, filters: Mapping[str, tuple[str, ...]] | None = None) -> list[int]:
        requests = MultiSearch(index=self.alias).add(knn_search(self.alias, QUERY_VECTOR, filters))
        return _ids(requests.using(self.client).execute()[0])

    def knn(self) -> str:
        return _expect_first(self._knn(), ROAD_CAMERAS, "Die kNN-Suche")

    def filtered_knn(self) -> str:
        ids = self._knn({"state": ("03",)})
        outside = [page_id for page_id in ids if page_id not in (POTHOLES.page_id, PARTICIPATION.page_id)]
        if outside:
            raise StepFailed(f"der Filter Bundesland 03 ließ Fall {outside[0]} durch")
        return _expect_first(ids, PARTICIPATION, "Die kNN-Suche mit Filter Bundesland 03")

    def more_like_this(self) -> str:
        ids = _ids(related_search(self.alias, ROAD_CAMERAS.page_id).using(self.client).execute())
        return _expect_first(ids, REFUSE_TRUCK_CAMERAS, "Ähnliche Fälle zu „Straßenzustandserfassung mit KI“")

    def synonyms_updated(self) -> str:
        if PARTICIPATION.page_id in self._lexical("Partizipation"):
            raise StepFailed("„Partizipation“ fand „Bürgerbeteiligung“ schon vor dem Update; die Probe sagt nichts")
        self.client.synonyms.put_synonym(id=self.backend.synonyms_set, synonyms_set=[*FIRST_RULES, ADDED_RULE])
        ids = self._lexical("Partizipation")
        if PARTICIPATION.page_id not in ids[:1]:
            raise StepFailed("nach dem Update findet „Partizipation“ den Fall „Bürgerbeteiligung im Haushalt“ nicht")
        return "nach dem Update findet „Partizipation“ „Bürgerbeteiligung im Haushalt“, ohne Neuaufbau"

    def alias_switch(self) -> str:
        second = self.backend.new_index_name()
        self.admin.indices.create(index=second, **index_body(self.backend.synonyms_set))
        self._fill(second)
        old = self.backend.swap_alias(second)
        pointed = sorted(self.client.indices.get_alias(name=self.alias))
        if old != [self.first_index] or pointed != [second]:
            raise StepFailed(f"der Alias zeigt auf {', '.join(pointed) or 'nichts'} statt auf {second}")
        count = self.backend.count()
        if count != len(BULK_CASES):
            raise StepFailed(f"nach dem Wechsel {count} statt {len(BULK_CASES)} Fälle hinter dem Alias")
        dropped = self.backend.drop_index_versions(older_than=second)
        if dropped != [self.first_index]:
            raise StepFailed(f"alte Version nicht gelöscht (gelöscht: {', '.join(dropped) or 'nichts'})")
        return f"{self.first_index} → {second} in einer Anfrage, alte Version per Name gelöscht"

    def outbox(self) -> str:
        """A change is queued while Elasticsearch is unreachable, stays queued, and is worked off once it is back.
        Everything written to the database here is rolled back: the real outbox never sees the check's task."""
        down = ElasticsearchBackend(unreachable_url(), self.check_prefix)  # plain http: no CA
        with transaction.atomic():
            enqueue([HEATING.page_id])
            queue = IndexTask.objects.filter(page_id=HEATING.page_id)
            vector = VECTORS[HEATING.page_id]
            during = process_outbox(queue=queue, apply=lambda _page, _action: down.index_document(HEATING, vector))
            task = queue.first()
            if during != (0, 1) or task is None or task.attempts != 1:
                raise StepFailed("beim simulierten Ausfall ging der Auftrag verloren oder galt als erledigt")
            after = process_outbox(
                queue=queue, apply=lambda _page, _action: self.backend.index_document(HEATING, vector)
            )
            left = queue.exists()
            transaction.set_rollback(True)
        if after != (1, 0) or left:
            raise StepFailed("nach dem Ausfall wurde der Auftrag nicht abgearbeitet")
        self.admin.indices.refresh(index=self.alias)
        return _expect_first(self._lexical("Heizungsoptimierung"), HEATING, "„Heizungsoptimierung“") + (
            "; beim Ausfall blieb der Auftrag liegen (1 Fehlversuch), danach abgearbeitet"
        )

    def clean_up(self) -> str:
        dropped = self.backend.drop_index_versions()
        self.admin.options(ignore_status=404).synonyms.delete_synonym(id=self.backend.synonyms_set)
        remaining = self.backend.index_versions()
        if remaining:
            raise StepFailed(f"noch vorhanden: {', '.join(sorted(remaining))}")
        indices = "1 Index" if len(dropped) == 1 else f"{len(dropped)} Indizes"
        return f"{indices} und das Synonymset „{self.backend.synonyms_set}“ entfernt"


STEPS: list[tuple[str, Callable[[_Run], str]]] = [
    ("Cluster erreichbar, Version ≥ 8.10", _Run.cluster),
    ("Synonymset angelegt", _Run.synonyms_created),
    ("Index mit unserer Analysekette angelegt", _Run.index_created),
    ("Analyse wie in Python (_analyze)", _Run.analysis_matches),
    ("Dokumente per Bulk indexiert", _Run.bulk),
    ("Wortsuche", _Run.lexical),
    ("kNN-Suche", _Run.knn),
    ("kNN-Suche mit Filter", _Run.filtered_knn),
    ("Ähnliche Fälle (more_like_this)", _Run.more_like_this),
    ("Synonymset aktualisiert ohne Neuaufbau", _Run.synonyms_updated),
    ("Alias-Wechsel atomar", _Run.alias_switch),
    ("Outbox nach simuliertem Ausfall abgearbeitet", _Run.outbox),
]
CLEANUP_TITLE = "Aufgeräumt"

_clock: Callable[[], float] = time.perf_counter  # tests put a steady clock here


def _timed(title: str, step: Callable[[], str]) -> StepResult:
    started = _clock()
    try:
        detail = step()
    except StepFailed as exc:
        return StepResult(title, "failed", str(exc), _clock() - started)
    except Exception as exc:  # the operator gets a report line, not a traceback; the clean-up still runs
        return StepResult(title, "failed", describe_error(exc), _clock() - started)
    return StepResult(title, "ok", detail, _clock() - started)


def es_check_run(url: str, prefix: str, ca_certs: str | None = None) -> CheckReport:
    """Runs the steps against the cluster at ``url`` (with ``ca_certs``, the CA file of a cluster with HTTPS) and
    always removes what they created."""
    run = _Run(url, prefix, ca_certs)
    report = CheckReport(public_address(url), run.check_prefix)
    # the client logs every refused connection with a traceback, the outbox every failed task: the report
    # says it in one line each, and the simulated outage is meant to fail
    quiet = [logging.getLogger(name) for name in ("elastic_transport", "search.indexing")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    try:
        for title, step in STEPS:
            if report.steps and report.steps[-1].status != "ok":
                report.steps.append(StepResult(title, "skipped", "nicht ausgeführt"))
                continue
            report.steps.append(_timed(title, lambda step=step: step(run)))
    finally:  # also on Ctrl+C
        if run.created:
            report.cleanup = _timed(CLEANUP_TITLE, run.clean_up)
        else:
            report.cleanup = StepResult(CLEANUP_TITLE, "ok", "nichts angelegt, nichts zu entfernen")
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
    return report
