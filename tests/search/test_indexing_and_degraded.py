from __future__ import annotations

import logging
import os
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.backends import reset_backends
from search.corpus import get_corpus
from search.indexing import process_outbox
from search.models import EmbeddingCache, IndexTask, SearchEntry
from search.params import parse_search_params
from search.service import search
from tests.factories.solutions import case_line, publish_cases

pytestmark = pytest.mark.django_db


def test_publishing_writes_the_outbox_inside_the_transaction_and_indexes_after_commit(
    tmp_path, register, index, fresh_caches, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish_cases(tmp_path, case_line())
    assert callbacks  # the work starts only after the commit
    assert not IndexTask.objects.exists()
    entry = SearchEntry.objects.get()
    assert entry.slug == "barleben-strassen" and entry.url == "/praxisbeispiele/barleben-strassen/"
    assert "strass" in entry.index_title.split()


def test_embeddings_are_cached_by_content_hash(tmp_path, register, index, fresh_caches):
    (page,) = publish_cases(tmp_path, case_line())
    process_outbox()
    assert EmbeddingCache.objects.count() == 1
    page.save_revision().publish()  # same text again
    process_outbox()
    assert EmbeddingCache.objects.count() == 1


def test_every_search_sees_the_index_as_it_is_now_at_the_cost_of_one_read(tmp_path, register, index, fresh_caches):
    publish_cases(tmp_path, case_line("a"), case_line("b"))
    process_outbox()
    assert sorted(_lexical_slugs("Straße")) == ["a", "b"]

    with CaptureQueriesContext(connection) as unchanged:
        get_corpus()
    SearchEntry.objects.filter(slug="a").delete()  # as another process would, without telling this one

    assert len(unchanged) == 1
    # The semantic side works on the in-memory vectors only: a stale copy would still count "a".
    result = search(parse_search_params({"q": ["Straße"], "mode": ["semantic"]}))
    assert result.total == 1 and [hit.slug for hit in result.hits] == ["b"]


def test_municipality_and_topic_changes_update_the_documents(tmp_path, register, index, fresh_caches):
    from solutions.models import Topic
    from tests.factories.register import register_csv

    publish_cases(tmp_path, case_line())
    process_outbox()
    call_command(
        "import_municipalities",
        str(register_csv(tmp_path / "r.csv", ["15083040,Barleben,15,Börde,25000,29.85,,"])),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    topic = Topic.objects.get(slug="strassen-infrastruktur")
    topic.name = "Straßen, Wege & Brücken"
    topic.save()
    process_outbox()
    entry = SearchEntry.objects.get()
    assert entry.size_classes == "mittelstadt"
    assert "bruck" in entry.index_teaser.split()


def test_failures_stay_in_the_queue_and_publishing_still_works(tmp_path, register, index, fresh_caches, search_down):
    (page,) = publish_cases(tmp_path, case_line())
    assert page.live  # publishing is never blocked by the search engine

    done, failed = process_outbox()

    assert (done, failed) == (0, 1)
    task = IndexTask.objects.get()
    assert task.attempts == 1 and task.last_error
    assert SearchEntry.objects.filter(page_id=page.pk).exists()  # the database fallback is current
    with pytest.raises(CommandError):
        call_command("search_index", "status", stdout=StringIO())


def test_degraded_mode_answers_from_the_database_and_logs_once(
    tmp_path, register, index, fresh_caches, search_down, client, caplog
):
    publish_cases(tmp_path, case_line())
    process_outbox()
    caplog.set_level(logging.ERROR, logger="search.backends.elasticsearch")

    first = search(parse_search_params({"q": ["Straße"], "mode": ["lexical"]}))
    second = search(parse_search_params({"q": ["Straße"], "mode": ["lexical"]}))
    api = client.get("/api/v1/solutions/", {"q": "Straße", "mode": "lexical"}).json()
    page = client.get("/suche/", {"q": "Straße", "mode": "lexical"}).content.decode()

    assert first.backend == second.backend == api["backend"] == "database"
    assert first.degraded and first.hits[0].slug == "barleben-strassen"
    assert "Eingeschränkte Suche" in page
    assert len([r for r in caplog.records if "nicht erreichbar" in r.getMessage()]) == 1


def test_status_sync_and_rebuild_on_the_database(tmp_path, register, index, fresh_caches):
    publish_cases(tmp_path, case_line("a"), case_line("b"))
    SearchEntry.objects.all().delete()
    IndexTask.objects.all().delete()
    with pytest.raises(CommandError):
        call_command("search_index", "status", stdout=StringIO())

    out = StringIO()
    call_command("search_index", "sync", stdout=out)
    assert "2 fehlende" in out.getvalue()
    status = StringIO()
    call_command("search_index", "status", stdout=status)
    assert "Keine Abweichung" in status.getvalue()

    # An entry whose words went stale is replaced in place, full-text structures included.
    SearchEntry.objects.filter(slug="a").update(index_title="veraltet", index_teaser="", index_body="")
    assert _lexical_slugs("veraltet") == ["a"]
    rebuild = StringIO()
    call_command("search_index", "rebuild", stdout=rebuild, stderr=StringIO())
    assert "2 Fälle" in rebuild.getvalue()
    assert SearchEntry.objects.count() == 2
    assert _lexical_slugs("veraltet") == []
    assert "a" in _lexical_slugs("Straße")


def _lexical_slugs(text: str) -> list[str]:
    return [hit.slug for hit in search(parse_search_params({"q": [text], "mode": ["lexical"]})).hits]


@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="needs a real Elasticsearch (hosted CI)")
def test_queued_updates_reach_elasticsearch_when_it_is_back(
    tmp_path, register, index, fresh_caches, settings, search_down
):
    publish_cases(tmp_path, case_line())
    process_outbox()
    assert IndexTask.objects.exists()

    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    reset_backends()
    call_command("search_index", "sync", stdout=StringIO())
    status = StringIO()
    call_command("search_index", "status", stdout=status)
    assert "Keine Abweichung" in status.getvalue()
    reset_backends()
