"""What a default Elasticsearch 8.19 cluster does differently from a laptop's: security with HTTPS and the cluster's
own CA, several installations (staging, production) on one cluster, two workers meeting a fresh cluster at once,
and names it refuses. Run against ``es_recorded.RecordedCluster``, which answers as Elasticsearch documents it; the
start-up checks of ``config.env`` are unit-tested and once through ``manage.py``."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from elastic_transport import Urllib3HttpNode
from elasticsearch import BadRequestError

from config import env
from search.backends import configured_external_backends, reset_backends
from search.backends.elasticsearch import ElasticsearchBackend
from search.es_check import HEATING, POTHOLES, VECTORS
from search.models import SynonymGroup
from tests.search.es_recorded import URL, RecordedCluster
from tests.search.es_spec import SPEC_FILE, ApiSpec
from tests.search.test_es_api_spec import assert_valid

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ALIAS = "baukasten-cases"
FIRST = "baukasten-cases-00000000000000000000"
HTTPS = "https://es.kreis-beispiel.de:9200"
# what urllib3 reports when the cluster's certificate is signed by a CA the client does not know
UNKNOWN_CA = (
    "TLS error caused by: SSLError([SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed "
    "certificate in certificate chain (_ssl.c:1006))"
)


@pytest.fixture(scope="module")
def api() -> ApiSpec:
    if not SPEC_FILE.is_file():
        pytest.skip(f"{SPEC_FILE} fehlt: der Test braucht die API-Beschreibung aus ../shared/elasticsearch")
    return ApiSpec(SPEC_FILE)


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
    settings.ELASTICSEARCH_URL = URL
    settings.ELASTICSEARCH_INDEX_PREFIX = "baukasten"
    settings.ELASTICSEARCH_CA_CERTS = None
    reset_backends()
    yield fake
    reset_backends()


@pytest.fixture
def ca_file(tmp_path) -> Path:
    """A CA file as Elasticsearch 8 writes it to config/certs/http_ca.crt (the client reads it when it connects)."""
    path = tmp_path / "http_ca.crt"
    path.write_text("-----BEGIN CERTIFICATE-----\nMIIFWTCCA0GgAwIBAgIUKreis\n-----END CERTIFICATE-----\n")
    return path


def run_check() -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("search_index", "check", stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


def writes(cluster: RecordedCluster) -> list[str]:
    return [str(request) for request in cluster.sent if request.method in ("PUT", "POST", "DELETE")]


# --- two workers on a fresh cluster -------------------------------------------------------------------------------


def test_two_workers_indexing_the_first_cases_at_once_share_one_index(api, cluster):
    first_worker, second_worker = ElasticsearchBackend(URL, "baukasten"), ElasticsearchBackend(URL, "baukasten")
    first_worker.index_document(POTHOLES, VECTORS[POTHOLES.page_id])
    # the second worker looked for the alias a moment before the first one created index and alias
    cluster.once[f"HEAD /_alias/{ALIAS}"] = [(404, None)]
    cluster.sent.clear()
    second_worker.index_document(HEATING, VECTORS[HEATING.page_id])  # no error: „exists already“ counts as done
    assert writes(cluster) == [
        "PUT /_synonyms/baukasten-synonyms",
        f"PUT /{FIRST}",  # answered 400 resource_already_exists_exception
        f"PUT /{ALIAS}/_doc/{HEATING.page_id}",
    ]
    assert cluster.aliases[ALIAS] == {FIRST}  # not on two indices: writes keep working
    assert set(cluster.indices) == {FIRST}
    assert set(cluster.indices[FIRST]) == {str(POTHOLES.page_id), str(HEATING.page_id)}
    assert_valid(api, cluster)


def test_the_first_index_is_created_together_with_its_alias(cluster):
    ElasticsearchBackend(URL, "baukasten").index_document(POTHOLES, VECTORS[POTHOLES.page_id])
    create = next(request for request in cluster.sent if request.method == "PUT" and request.path == f"/{FIRST}")
    assert create.json["aliases"] == {ALIAS: {}}
    assert not any(request.path == "/_aliases" for request in cluster.sent)  # no second step that could interleave


def test_an_alias_on_two_indices_refuses_writes_as_elasticsearch_does(cluster):
    """What the old first creation (a timestamped index, then the alias in a second request) left after a race."""
    for name in ("baukasten-cases-20261206093000000001", "baukasten-cases-20261206093000000002"):
        cluster.indices[name] = {}
        cluster.aliases.setdefault(ALIAS, set()).add(name)
    with pytest.raises(BadRequestError) as refused:
        ElasticsearchBackend(URL, "baukasten").index_document(POTHOLES, VECTORS[POTHOLES.page_id])
    assert refused.value.body["error"]["reason"].startswith("no write index is defined for alias [baukasten-cases]")


def test_a_first_index_that_lost_its_alias_gets_it_back(cluster):
    cluster.indices[FIRST] = {}  # someone removed the alias by hand
    ElasticsearchBackend(URL, "baukasten").index_document(POTHOLES, VECTORS[POTHOLES.page_id])
    assert cluster.aliases[ALIAS] == {FIRST}
    assert str(POTHOLES.page_id) in cluster.indices[FIRST]


def test_another_refusal_of_the_index_creation_is_not_mistaken_for_success(cluster):
    reason = "unknown parameter [index_options] on mapper [embedding] of type [dense_vector]"
    cluster.failures[f"PUT /{FIRST}"] = (
        400,
        {"error": {"type": "mapper_parsing_exception", "reason": reason}, "status": 400},
    )
    with pytest.raises(BadRequestError, match="mapper_parsing_exception"):
        ElasticsearchBackend(URL, "baukasten").index_document(POTHOLES, VECTORS[POTHOLES.page_id])
    assert not any(request.path.endswith("/_doc/9000003") for request in cluster.sent)


def test_a_rebuild_on_a_fresh_cluster_takes_the_alias_off_a_first_index_created_meanwhile(api, cluster):
    rebuild = ElasticsearchBackend(URL, "baukasten")
    newer = rebuild.new_index_name()
    rebuild.create_index(newer)
    # while the rebuild fills its index, a worker publishes the first case and creates the first index
    ElasticsearchBackend(URL, "baukasten").index_document(POTHOLES, VECTORS[POTHOLES.page_id])
    cluster.once[f"HEAD /_alias/{ALIAS}"] = [(404, None)]  # the rebuild looked just before that
    assert rebuild.swap_alias(newer) == [FIRST]
    assert cluster.aliases[ALIAS] == {newer}
    assert rebuild.drop_index_versions(older_than=newer) == [FIRST]
    ElasticsearchBackend(URL, "baukasten").index_document(HEATING, VECTORS[HEATING.page_id])  # writes work
    assert str(HEATING.page_id) in cluster.indices[newer]
    assert_valid(api, cluster)


def test_a_rebuild_replaces_the_first_index_by_name(cluster):
    ElasticsearchBackend(URL, "baukasten").index_document(POTHOLES, VECTORS[POTHOLES.page_id])
    backend = ElasticsearchBackend(URL, "baukasten")
    assert backend.index_versions() == {FIRST: True}  # twenty digits like a timestamp: one of our versions
    newer = backend.new_index_name()
    backend.create_index(newer)
    backend.swap_alias(newer)
    assert backend.drop_index_versions(older_than=newer) == [FIRST]  # sorts before every timestamp


# --- one cluster, several installations ---------------------------------------------------------------------------


def test_staging_and_production_on_one_cluster_keep_their_own_synonyms(cluster, settings):
    production = [{"id": "group-1", "synonyms": "Schlagloch, Straßenschaden, Fahrbahnschaden"}]
    cluster.synonym_sets["baukasten-synonyms"] = list(production)
    settings.ELASTICSEARCH_INDEX_PREFIX = "baukasten-staging"
    reset_backends()
    group = SynonymGroup.objects.create(terms="Azubi, Auszubildende, Nachwuchskräfte")  # an editor on staging
    (staging,) = configured_external_backends()
    staging.index_document(POTHOLES, np.asarray(VECTORS[POTHOLES.page_id]))
    assert cluster.synonym_sets["baukasten-synonyms"] == production  # untouched
    assert cluster.synonym_sets["baukasten-staging-synonyms"] == [
        {"id": f"group-{group.pk}", "synonyms": "Azubi, Auszubildende, Nachwuchskräfte"}
    ]
    assert cluster.set_of_index == {"baukasten-staging-cases-00000000000000000000": "baukasten-staging-synonyms"}
    # and `search_index check` works with a third set of its own
    assert ElasticsearchBackend(URL, "baukasten-staging-check").synonyms_set == "baukasten-staging-check-synonyms"


# --- HTTPS with the cluster's own CA ------------------------------------------------------------------------------


def test_the_ca_file_reaches_the_client_and_the_password_stays_in_the_header(settings, ca_file):
    settings.ELASTICSEARCH_URL = f"https://baukasten:Geheimnis-1@{HTTPS.removeprefix('https://')}"
    settings.ELASTICSEARCH_CA_CERTS = str(ca_file)
    reset_backends()
    try:
        (backend,) = configured_external_backends()
        (node,) = backend.client.transport.node_pool.all()
        assert node.config.ca_certs == str(ca_file)
        assert node.base_url == HTTPS  # user and password are sent as Basic auth, never part of the address
    finally:
        reset_backends()


def test_the_check_connects_with_the_ca_file_and_prints_no_password(settings, cluster, ca_file):
    cluster.url = HTTPS
    settings.ELASTICSEARCH_URL = f"https://baukasten:Geheimnis-1@{HTTPS.removeprefix('https://')}"
    settings.ELASTICSEARCH_CA_CERTS = str(ca_file)
    out, code = run_check()
    assert code == 0, out
    assert out.startswith(f"Elasticsearch-Prüfung: {HTTPS}, Wegwerf-Präfix „baukasten-check“")
    assert "Geheimnis" not in out and "baukasten:" not in out
    # every connection to the cluster with the CA; the simulated outage goes to plain http on this machine
    assert cluster.ca_certs_used == {str(ca_file), None}


def test_a_certificate_of_an_unknown_ca_is_reported_with_the_variable_to_set(settings, cluster):
    cluster.url = HTTPS
    cluster.tls_failure = UNKNOWN_CA
    settings.ELASTICSEARCH_URL = f"https://baukasten:Geheimnis-1@{HTTPS.removeprefix('https://')}"
    out, code = run_check()
    assert code == 1
    first_step = out.splitlines()[1]
    assert (
        first_step.startswith("  FEHLER")
        and "Cluster erreichbar, Version ≥ 8.10: TLS-Verbindung gescheitert" in first_step
    )
    assert "CERTIFICATE_VERIFY_FAILED" in first_step
    assert first_step.endswith(
        "ELASTICSEARCH_CA_CERTS muss auf die CA-Datei des Clusters zeigen "
        "(bei Elasticsearch 8: config/certs/http_ca.crt)"
    )
    assert "Geheimnis" not in out


def test_the_ca_variable_is_checked_at_start_up(tmp_path, ca_file):
    name = "ELASTICSEARCH_CA_CERTS"
    assert env.ca_certs_file(name, None, HTTPS) is None
    assert env.ca_certs_file(name, str(ca_file), HTTPS) == str(ca_file)
    with pytest.raises(env.InvalidEnvironmentVariable) as missing:
        env.ca_certs_file(name, str(tmp_path / "fehlt.crt"), HTTPS)
    assert str(missing.value) == (
        f"Die Umgebungsvariable ELASTICSEARCH_CA_CERTS nennt die Datei „{tmp_path / 'fehlt.crt'}“, die es nicht gibt; "
        "erwartet wird die CA-Datei des Elasticsearch-Clusters (bei Elasticsearch 8: config/certs/http_ca.crt)."
    )
    # the client refuses TLS options for http://: without this check every search would end in an error
    with pytest.raises(env.InvalidEnvironmentVariable, match="ELASTICSEARCH_URL beginnt aber nicht mit https://"):
        env.ca_certs_file(name, str(ca_file), "http://elasticsearch:9200")


# --- the prefix ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["baukasten", "baukasten-staging", "landkreis_goerlitz.2026", "k" * 200])
def test_prefixes_elasticsearch_accepts_pass(value):
    assert env.index_prefix("ELASTICSEARCH_INDEX_PREFIX", value) == value


@pytest.mark.parametrize(
    "value",
    [
        "Baukasten",  # upper case: ES refuses index names that are not lower case
        "baukasten staging",
        "baukästen",
        "-baukasten",
        "_baukasten",
        ".baukasten",  # hidden/system indices start with a dot
        "bau*",
        "bau,kasten",
        "bau:kasten",
        "k" * 201,
    ],
)
def test_prefixes_elasticsearch_refuses_stop_the_start_with_a_german_message(value):
    with pytest.raises(env.InvalidEnvironmentVariable) as refused:
        env.index_prefix("ELASTICSEARCH_INDEX_PREFIX", value)
    assert str(refused.value).startswith(f"Die Umgebungsvariable ELASTICSEARCH_INDEX_PREFIX ist ungültig („{value}“)")
    assert "Kleinbuchstaben a–z, Ziffern" in str(refused.value)


def test_a_prefix_ending_in_check_is_refused_because_the_check_would_clear_its_indices():
    with pytest.raises(env.InvalidEnvironmentVariable, match="darf nicht auf „-check“ enden"):
        env.index_prefix("ELASTICSEARCH_INDEX_PREFIX", "baukasten-check")


def test_manage_py_does_not_start_with_a_wrong_prefix():
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    environ["ELASTICSEARCH_INDEX_PREFIX"] = "Baukasten Staging"
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert "Die Umgebungsvariable ELASTICSEARCH_INDEX_PREFIX ist ungültig („Baukasten Staging“)" in done.stderr
