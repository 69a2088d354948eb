"""``search_index check`` against a cluster that answers as Elasticsearch 8.19 does (``es_recorded``): the
report an operator reads, the exit codes, the clean-up also after a failure half-way, and every request checked
against Elastic's OpenAPI description. The analysis comparison is checked against our Python analysis."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from elastic_transport import Urllib3HttpNode

import search.backends.elasticsearch as es_backend
import search.es_check as es_check
from search import analysis
from search.backends import reset_backends
from search.es_check import ANALYSIS_SAMPLES, analysis_mismatches, describe_error, public_address
from search.models import IndexTask
from tests.search.es_recorded import ANALYZE_ANSWERS, URL, RecordedCluster, destructive_patterns
from tests.search.es_spec import SPEC_FILE, ApiSpec
from tests.search.test_es_api_spec import assert_valid

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def api() -> ApiSpec:
    if not SPEC_FILE.is_file():
        pytest.skip(f"{SPEC_FILE} fehlt: der Test braucht die API-Beschreibung aus ../shared/elasticsearch")
    return ApiSpec(SPEC_FILE)


class _Steady:
    """Index names from a steady clock (the real ones carry the microsecond)."""

    def __init__(self) -> None:
        self.moments = (dt.datetime(2026, 12, 6, 9, 30, second) for second in itertools.count())

    def now(self) -> dt.datetime:
        return next(self.moments)


@pytest.fixture
def cluster(settings, monkeypatch):
    fake = RecordedCluster()
    monkeypatch.setattr(
        Urllib3HttpNode,
        "perform_request",
        lambda node, method, target, body=None, headers=None, request_timeout=None: fake.perform_request(
            node, method, target, body, headers, request_timeout
        ),
    )
    settings.ELASTICSEARCH_URL = URL.replace("http://", "http://betrieb:geheim@")
    settings.ELASTICSEARCH_INDEX_PREFIX = "baukasten"
    ticks = itertools.count()
    monkeypatch.setattr(es_check, "_clock", lambda: next(ticks) * 0.05)
    monkeypatch.setattr(es_backend, "timezone", _Steady())
    reset_backends()
    yield fake
    reset_backends()


def run_check() -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("search_index", "check", stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


def left_behind(cluster: RecordedCluster) -> list[str]:
    return sorted([*cluster.indices, *cluster.synonym_sets])


REPORT = """\
Elasticsearch-Prüfung: http://elasticsearch.invalid:9200, Wegwerf-Präfix „baukasten-check“
  ok       0,05 s  Cluster erreichbar, Version ≥ 8.10: Elasticsearch 8.19.3, Cluster „docker-cluster“
  ok       0,05 s  Synonymset angelegt: „baukasten-check-synonyms“ mit 1 Regel
  ok       0,05 s  Index mit unserer Analysekette angelegt: baukasten-check-cases-00000000000000000000 mit 3 Analysatoren und 5 Filtern; nochmals angelegt (zwei Worker zugleich): „existiert schon“, der Alias bleibt auf einem Index
  ok       0,05 s  Analyse wie in Python (_analyze): 4 Beispiele × 2 Analysatoren gleich („Straßenzustandserfassung“ → strassenzustandserfassung strass zustand stand erfassung)
  ok       0,05 s  Dokumente per Bulk indexiert: 4 Fälle in einer Anfrage
  ok       0,05 s  Wortsuche: „Schlaglöcher per App melden“ an erster Stelle (1 Treffer)
  ok       0,05 s  kNN-Suche: „Straßenzustandserfassung mit KI“ an erster Stelle (4 Treffer)
  ok       0,05 s  kNN-Suche mit Filter: „Bürgerbeteiligung im Haushalt“ an erster Stelle (2 Treffer)
  ok       0,05 s  Ähnliche Fälle (more_like_this): „Straßenschäden per Kamera erfassen“ an erster Stelle (2 Treffer)
  ok       0,05 s  Synonymset aktualisiert ohne Neuaufbau: nach dem Update findet „Partizipation“ „Bürgerbeteiligung im Haushalt“, ohne Neuaufbau
  ok       0,05 s  Alias-Wechsel atomar: baukasten-check-cases-00000000000000000000 → baukasten-check-cases-20261206093000000000 in einer Anfrage, alte Version per Name gelöscht
  ok       0,05 s  Outbox nach simuliertem Ausfall abgearbeitet: „Heizungsoptimierung im Rathaus“ an erster Stelle (1 Treffer); beim Ausfall blieb der Auftrag liegen (1 Fehlversuch), danach abgearbeitet
  ok       0,05 s  Aufgeräumt: 1 Index und das Synonymset „baukasten-check-synonyms“ entfernt
Ergebnis: bestanden – alle 12 Schritte in 0,65 s; der Cluster trägt die Suche.
"""  # noqa: E501 – the report as printed


def test_a_working_cluster_passes_with_one_line_per_step(api, cluster):
    out, code = run_check()
    assert code == 0
    assert out == REPORT
    assert "geheim" not in out  # the password in ELASTICSEARCH_URL stays out of CI logs
    assert left_behind(cluster) == []
    assert not IndexTask.objects.exists()  # the check's outbox task was rolled back
    assert destructive_patterns(cluster.sent) == []
    reachable = [request for request in cluster.sent if request.content_type]  # not the simulated outage
    assert_valid(api, cluster, reachable)


def test_the_check_never_touches_the_real_index_or_the_editors_synonyms(cluster):
    cluster.indices["baukasten-cases-20261201000000000000"] = {"1": {"title": "Echter Fall"}}
    cluster.aliases["baukasten-cases"] = {"baukasten-cases-20261201000000000000"}
    cluster.synonym_sets["baukasten-synonyms"] = [{"id": "group-1", "synonyms": "Azubi, Nachwuchs"}]
    _out, code = run_check()
    assert code == 0
    assert left_behind(cluster) == ["baukasten-cases-20261201000000000000", "baukasten-synonyms"]
    assert cluster.aliases["baukasten-cases"] == {"baukasten-cases-20261201000000000000"}
    touched = {request.path for request in cluster.sent if request.method in ("PUT", "POST", "DELETE")}
    assert not any("baukasten-cases" in path or path.endswith("/baukasten-synonyms") for path in touched), touched


def test_leftovers_of_an_aborted_check_are_removed_first(cluster):
    cluster.indices["baukasten-check-cases-20261205000000000000"] = {}
    out, code = run_check()
    assert code == 0
    assert "1 Reste eines abgebrochenen Laufs entfernt" in out
    assert left_behind(cluster) == []


def test_a_failure_half_way_names_the_step_skips_the_rest_and_still_cleans_up(cluster):
    cluster.filtered_knn_ids = ["9000001", "9000004"]  # the filter ignored: a case from Sachsen-Anhalt
    out, code = run_check()
    assert code == 1
    lines = out.splitlines()
    assert "  FEHLER   0,05 s  kNN-Suche mit Filter: der Filter Bundesland 03 ließ Fall 9000001 durch" in lines, out
    assert "  –                Ähnliche Fälle (more_like_this): nicht ausgeführt" in lines
    assert "  –                Outbox nach simuliertem Ausfall abgearbeitet: nicht ausgeführt" in lines
    assert lines[-2] == "  ok       0,05 s  Aufgeräumt: 1 Index und das Synonymset „baukasten-check-synonyms“ entfernt"
    assert lines[-1] == (
        "Ergebnis: NICHT bestanden – „kNN-Suche mit Filter“ ist fehlgeschlagen, die Schritte danach wurden nicht "
        "ausgeführt."
    )
    assert left_behind(cluster) == []
    assert destructive_patterns(cluster.sent) == []


def test_an_error_answer_is_reported_in_german_and_the_index_removed(cluster):
    cluster.failures["/_bulk"] = (
        429,
        {
            "error": {
                "root_cause": [{"type": "es_rejected_execution_exception", "reason": "rejected execution of bulk"}],
                "type": "es_rejected_execution_exception",
                "reason": "rejected execution of bulk",
            },
            "status": 429,
        },
    )
    out, code = run_check()
    assert code == 1
    assert (
        "Dokumente per Bulk indexiert: Elasticsearch antwortet 429 (es_rejected_execution_exception): "
        "rejected execution of bulk"
    ) in out
    assert left_behind(cluster) == []


def test_a_refused_delete_fails_the_check_and_says_what_was_left(cluster):
    cluster.failures["DELETE /baukasten-check-cases-"] = (
        403,
        {"error": {"type": "security_exception", "reason": "action [indices:admin/delete] is unauthorized"}},
    )
    out, code = run_check()
    assert code == 1
    lines = out.splitlines()
    assert lines[-4].startswith(
        "  FEHLER   0,05 s  Alias-Wechsel atomar: Elasticsearch antwortet 403 (security_exception)"
    )
    assert lines[-2].startswith("  FEHLER   0,05 s  Aufgeräumt: Elasticsearch antwortet 403 (security_exception)")
    assert "Cluster-Recht manage_search_synonyms" in lines[-2]
    assert lines[-1] == (
        "Ergebnis: NICHT bestanden – „Alias-Wechsel atomar“ ist fehlgeschlagen, die Schritte danach wurden nicht "
        "ausgeführt. Ihre Wegwerf-Indizes blieben zurück; der nächste Lauf entfernt sie."
    )
    cluster.failures.clear()
    out, code = run_check()
    assert code == 0 and "2 Reste eines abgebrochenen Laufs entfernt" in out
    assert left_behind(cluster) == []


def test_ctrl_c_half_way_still_removes_the_throw_away_index(cluster, monkeypatch):
    def interrupted(run):
        raise KeyboardInterrupt

    monkeypatch.setattr(es_check, "STEPS", [*es_check.STEPS[:6], ("kNN-Suche", interrupted), *es_check.STEPS[7:]])
    with pytest.raises(KeyboardInterrupt):
        run_check()
    assert any(request.path.endswith("/_bulk") for request in cluster.sent)  # the index held cases
    assert left_behind(cluster) == []
    assert destructive_patterns(cluster.sent) == []


def test_an_old_cluster_is_refused_before_anything_is_created(cluster):
    cluster.version = "8.9.2"
    out, code = run_check()
    assert code == 1
    assert "Elasticsearch 8.9.2 ist zu alt; nötig ist 8.10 oder neuer (Synonym-API)" in out
    assert "Aufgeräumt: nichts angelegt, nichts zu entfernen" in out
    assert [str(request) for request in cluster.sent] == ["GET /"]


def test_an_unreachable_cluster_fails_in_the_first_step(settings, cluster):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    out, code = run_check()
    assert code == 1
    assert "FEHLER   0,05 s  Cluster erreichbar, Version ≥ 8.10: nicht erreichbar (Connection refused" in out


def test_without_elasticsearch_url_the_command_says_so_and_exits_2():
    env = {key: value for key, value in os.environ.items() if key != "ELASTICSEARCH_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    done = subprocess.run(
        [sys.executable, "manage.py", "search_index", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("ELASTICSEARCH_URL ist nicht gesetzt")  # no „CommandError:“ in front


# --- the analysis comparison ---------------------------------------------------------------------------------------


def test_the_recorded_terms_are_those_of_our_python_analysis():
    for (analyzer, text), terms in ANALYZE_ANSWERS.items():
        python = analysis.analyze(text) if analyzer == "de_index" else analysis.analyze_query(text)
        assert python == terms, (analyzer, text)
    assert {text for _analyzer, text in ANALYZE_ANSWERS} == set(ANALYSIS_SAMPLES)
    assert analysis_mismatches(ANALYZE_ANSWERS) == []


def test_a_cluster_that_analyses_differently_is_named_with_both_term_lists():
    answers = dict(ANALYZE_ANSWERS)
    # without german_normalization the umlaut and the ß stay, and the stemmer folds only the umlaut
    answers[("de_index", "Schlaglöcher")] = ["schlaglöch", "schlag", "schlagloch", "loch"]
    answers[("de_query", "Straßenzustandserfassung")] = ["straßenzustandserfassung"]
    assert analysis_mismatches(answers) == [
        "„Straßenzustandserfassung“ mit de_query: Elasticsearch [straßenzustandserfassung], "
        "Python [strassenzustandserfassung]",
        "„Schlaglöcher“ mit de_index: Elasticsearch [schlaglöch schlag schlagloch loch], "
        "Python [schlagloch schlag schlagloch loch]",
    ]


def test_a_different_analysis_fails_the_check(cluster):
    cluster.analyze_answers[("de_index", "Bürgerbeteiligung")] = ["burgerbeteiligung", "beteiligung"]
    out, code = run_check()
    assert code == 1
    assert "Analyse wie in Python (_analyze): 1 Abweichungen, z. B. „Bürgerbeteiligung“ mit de_index" in out
    assert left_behind(cluster) == []


def test_addresses_and_errors_read_well():
    assert public_address("https://elastic:s3cret@es.example.de:9243/") == "https://es.example.de:9243"
    assert describe_error(ValueError("kaputt")) == "unerwarteter Fehler: ValueError: kaputt"


# --- first contact: a cluster without our index yet -----------------------------------------------------------------


def test_status_on_a_fresh_cluster_counts_zero_instead_of_calling_it_unreachable(cluster):
    out = StringIO()
    call_command("search_index", "status", stdout=out)  # no CommandError: nothing published, nothing indexed
    assert "Elasticsearch:        0 (fehlen 0, überzählig 0)" in out.getvalue()
    assert "Keine Abweichung." in out.getvalue()
