"""No request of ours relies on a setting a default Elasticsearch 8 does not have: indices are listed behind our
prefix and deleted one by one by name – never ``DELETE <prefix>-*`` or ``_all``, which ES 8 refuses
(``action.destructive_requires_name: true``), and never through the alias, which ES refuses too.

The requests are recorded at the client's HTTP connection (``es_recorded.RecordedCluster``, which answers a
wildcard DELETE with the 400 of a real cluster), on the code paths of the test fixture ``indexed``, of
``search_index rebuild`` and of ``search_index check``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from elastic_transport import Urllib3HttpNode

from search.backends import configured_external_backends, reset_backends
from tests.search.es_recorded import URL, RecordedCluster, destructive_patterns
from tests.search.es_spec import SPEC_FILE, ApiSpec
from tests.search.test_es_api_spec import HashEmbedder, _forget_embeddings, assert_valid

pytestmark = pytest.mark.django_db

OLD = "test-baukasten-cases-20261201080000000000"
ABORTED = "test-baukasten-cases-20261202080000000000"  # a rebuild that died before its alias switch
OTHERS = "test-baukasten-cases-archiv"  # not one of our versions: someone else's, left alone
STRANGER = "anderes-projekt-20261201080000000000"


@pytest.fixture(scope="module")
def api() -> ApiSpec:
    if not SPEC_FILE.is_file():
        pytest.skip(f"{SPEC_FILE} fehlt: der Test braucht die API-Beschreibung aus ../shared/elasticsearch")
    return ApiSpec(SPEC_FILE)


@pytest.fixture
def recorder(monkeypatch, fresh_caches):
    fake = RecordedCluster()
    for name in (OLD, ABORTED, OTHERS, STRANGER):
        fake.indices[name] = {}
    fake.aliases["test-baukasten-cases"] = {OLD}
    monkeypatch.setattr(
        Urllib3HttpNode,
        "perform_request",
        lambda node, method, target, body=None, headers=None, request_timeout=None: fake.perform_request(
            node, method, target, body, headers, request_timeout
        ),
    )
    return fake


@pytest.fixture
def backend_name(settings, recorder):
    """Replaces the suite's ``backend_name``: the Elasticsearch path of the ``indexed`` fixture, recorded."""
    settings.ELASTICSEARCH_URL = URL
    settings.ELASTICSEARCH_INDEX_PREFIX = "test-baukasten"
    settings.SEARCH_EMBEDDER = "tests.search.test_es_api_spec.HashEmbedder"
    reset_backends()
    _forget_embeddings()
    yield "elasticsearch"
    reset_backends()
    _forget_embeddings()


def deleted(recorder: RecordedCluster) -> list[str]:
    return [request.path for request in recorder.sent if request.method == "DELETE"]


def test_the_indexed_fixture_deletes_our_old_indices_by_name(api, recorder, indexed):
    assert destructive_patterns(recorder.sent) == []
    assert deleted(recorder) == [f"/{OLD}", f"/{ABORTED}"]
    assert {OTHERS, STRANGER} <= set(recorder.indices)
    assert_valid(api, recorder)
    assert HashEmbedder.name  # the cases were embedded by the stand-in, not the model


def test_rebuild_switches_the_alias_and_deletes_old_and_aborted_versions_by_name(api, recorder, backend_name):
    newer = "test-baukasten-cases-20991231235959000000"  # a rebuild started after this one: left to finish
    recorder.indices[newer] = {}
    call_command("search_index", "rebuild", stdout=StringIO(), stderr=StringIO(), verbosity=0)
    (backend,) = configured_external_backends()
    (current,) = [name for name, aliased in backend.index_versions().items() if aliased]
    assert destructive_patterns(recorder.sent) == []
    assert deleted(recorder) == [f"/{OLD}", f"/{ABORTED}"]
    assert sorted(backend.index_versions()) == sorted([current, newer])
    assert {OTHERS, STRANGER} <= set(recorder.indices)
    assert_valid(api, recorder)


def test_a_wildcard_delete_is_refused_like_elasticsearch_8_does(recorder, backend_name):
    from elasticsearch import BadRequestError

    (backend,) = configured_external_backends()
    # the clean-up the fixture had: ignore_status=404 does not swallow the 400
    with pytest.raises(BadRequestError, match="illegal_argument_exception") as refused:
        backend.client.options(ignore_status=404).indices.delete(index=f"{backend.alias}-*")
    assert refused.value.body["error"]["reason"] == "Wildcard expressions or all indices are not allowed"
    assert OLD in recorder.indices
