"""Faults an operator will meet: Elasticsearch gone, the background runner down, an import killed."""

from __future__ import annotations

import os
import re
import select
import signal
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from search.models import IndexTask, SearchEntry
from solutions.models import SolutionPage
from tests.factories.register import register_csv
from tests.factories.solutions import case_line, publish_cases, write_jsonl
from tests.search.conftest import fresh_caches  # noqa: F401 – fixture used by name

PROGRESS = re.compile(rb"(\d+)/(\d+)")


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_caches")
def test_with_elasticsearch_unreachable_publishing_works_and_search_answers_degraded(
    tmp_path, register, index, search_down, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (page,) = publish_cases(tmp_path, case_line())
    with django_capture_on_commit_callbacks(execute=True):  # an editor changes the title and publishes again
        page.title = "Schlaglöcher per App erfassen"
        page.save_revision().publish()

    page = SolutionPage.objects.get(pk=page.pk)
    assert page.live and page.title == "Schlaglöcher per App erfassen"
    queued = IndexTask.objects.filter(page_id=page.pk)
    assert queued.count() == 2 and all(task.attempts >= 1 and task.last_error for task in queued)

    api = client.get("/api/v1/solutions/", {"q": "Schlaglöcher", "mode": "lexical"})
    assert api.status_code == 200
    assert api.json()["backend"] == "database"
    assert [hit["slug"] for hit in api.json()["results"]] == ["barleben-strassen"]
    health = client.get("/healthz").json()
    assert health["search"]["degraded"] and health["tasks"]["pending"] == 2

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("search_index", "status", stdout=out)
    assert "Elasticsearch:        nicht erreichbar" in out.getvalue()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_caches")
def test_the_worker_applies_queued_index_updates_and_status_shows_no_drift(
    child_database, tmp_path, register, index, settings
):
    # The background runner is down: the outbox keeps the update, nothing processes it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    (page,) = publish_cases(tmp_path, case_line())
    assert page.live
    assert IndexTask.objects.filter(page_id=page.pk).exists() and not SearchEntry.objects.exists()
    child_database.share()

    before = child_database.manage("search_index", "status")
    assert before.returncode == 1 and "fehlen 1" in before.stdout

    worker = child_database.start("search_index", "worker", "--interval", "0.2")
    try:
        deadline = time.monotonic() + 180
        while child_database.scalar("SELECT count(*) FROM search_indextask") and time.monotonic() < deadline:
            time.sleep(0.3)
    finally:
        worker.terminate()
        worker.communicate(timeout=30)

    assert child_database.scalar("SELECT count(*) FROM search_indextask") == 0
    assert child_database.scalar("SELECT slug FROM search_searchentry") == "barleben-strassen"
    after = child_database.manage("search_index", "status")
    assert after.returncode == 0, after.stdout + after.stderr
    assert "Keine Abweichung" in after.stdout


def _kill_when(process, ready, timeout: float = 300) -> bytes:
    """Reads the child's stderr until ``ready(seen)`` is true, then kills it with SIGKILL."""
    seen = b""
    deadline = time.monotonic() + timeout
    fd = process.stderr.fileno()
    while time.monotonic() < deadline:
        readable, _, _ = select.select([fd], [], [], 0.002)
        if readable:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            seen += chunk
        if ready(seen):
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            return seen
    process.kill()
    process.wait(timeout=30)
    raise AssertionError(f"Der Import kam nicht an die Stelle zum Abbrechen: {seen[-2000:]!r}")


@pytest.mark.django_db(transaction=True)
def test_a_case_import_killed_halfway_leaves_nothing_and_the_rerun_imports_everything(
    child_database, tmp_path, register, index
):
    total = 200
    cases = write_jsonl(
        tmp_path / "cases.jsonl",
        [case_line(f"fall-{n}", title=f"Praxisbeispiel Nummer {n}") for n in range(total)],
    )
    child_database.share()
    pages_before = child_database.scalar("SELECT count(*) FROM wagtailcore_page")

    def halfway(seen: bytes) -> bool:
        done = [int(m.group(1)) for m in PROGRESS.finditer(seen) if int(m.group(2)) == total]
        return bool(done) and total // 4 <= max(done) < total

    output = _kill_when(child_database.start("import_solutions", str(cases)), halfway)

    assert b"Fertig" not in output
    assert child_database.scalar("SELECT count(*) FROM solutions_solutionpage") == 0
    assert child_database.scalar("SELECT count(*) FROM wagtailcore_page") == pages_before
    assert child_database.scalar("SELECT count(*) FROM search_indextask") == 0

    rerun = child_database.manage("import_solutions", str(cases))
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert f"Fertig: {total} neu" in rerun.stdout
    assert child_database.scalar("SELECT count(*) FROM solutions_solutionpage") == total
    assert child_database.scalar("SELECT count(*) FROM search_indextask") == total  # queued in the same transaction


@pytest.mark.django_db(transaction=True)
def test_a_register_import_killed_while_writing_leaves_nothing_and_the_rerun_imports_everything(
    child_database, tmp_path, register
):
    total = 8_000
    rows = [f"15{500000 + n:06d},Ort {n},15,Kreis Test,{800 + n},12.5,52.1,11.6" for n in range(total)]
    csv = register_csv(tmp_path / "register.csv", rows)
    child_database.share()

    output = _kill_when(
        child_database.start("import_municipalities", str(csv)), lambda _seen: child_database.writing(), timeout=300
    )

    assert b"Fertig" not in output
    assert child_database.scalar("SELECT count(*) FROM municipalities_municipality") == len(register)

    rerun = child_database.manage("import_municipalities", str(csv))
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert child_database.scalar("SELECT count(*) FROM municipalities_municipality") == len(register) + total
