"""scripts/backup and scripts/restore: what was backed up comes back, with media and a current search index."""

from __future__ import annotations

import os
import sqlite3
import subprocess

import pytest
from django.db import connection

from tests.factories.solutions import case_line, publish_cases
from tests.ops.conftest import ROOT


def _script(name: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 – our own scripts
        [str(ROOT / "scripts" / name), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def _count(url: str, table: str) -> int:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite://")) as db:
            return db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 – fixed names
    params = {**connection.get_connection_params(), "dbname": url.rsplit("/", 1)[1]}
    raw = connection.get_new_connection(params)
    try:
        return raw.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
    finally:
        raw.close()


@pytest.fixture
def restore_target(child_database, tmp_path):
    """An empty database to restore into: a new SQLite file or a scratch PostgreSQL database."""
    if child_database.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{connection.settings_dict['NAME']}_restore"
    admin = connection.get_new_connection({**connection.get_connection_params(), "dbname": "postgres"})
    admin.autocommit = True
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield child_database.url.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_bring_back_data_media_and_search_index(
    child_database, restore_target, tmp_path, register, index
):
    publish_cases(tmp_path, case_line("a"), case_line("b"))
    child_database.share()
    media = tmp_path / "media"
    (media / "documents").mkdir(parents=True)
    (media / "documents" / "satzung.pdf").write_bytes(b"%PDF-1.4 Satzung")
    backups = tmp_path / "sicherung"

    backup = _script("backup", str(backups), env=child_database.env(MEDIA_ROOT=str(media)))
    assert backup.returncode == 0, backup.stderr
    (dump,) = [p for p in backups.iterdir() if p.name.startswith("baukasten-")]
    (archive,) = backups.glob("media-*.tar.gz")
    assert not list(backups.glob("*.partial"))

    restored_media = tmp_path / "restored-media"
    restore = _script(
        "restore",
        str(dump),
        str(archive),
        env=child_database.env(DATABASE_URL=restore_target, MEDIA_ROOT=str(restored_media), RESTORE_YES="1"),
    )

    assert restore.returncode == 0, restore.stdout[-2000:] + restore.stderr[-2000:]
    assert "Keine Abweichung" in restore.stdout  # the index was rebuilt from the restored cases
    assert _count(restore_target, "solutions_solutionpage") == 2
    assert _count(restore_target, "municipalities_municipality") == len(register)
    assert _count(restore_target, "search_searchentry") == 2
    assert (restored_media / "documents" / "satzung.pdf").read_bytes() == b"%PDF-1.4 Satzung"


def test_restore_asks_before_overwriting(tmp_path):
    dump = tmp_path / "baukasten-20250101-000000.dump"
    dump.write_bytes(b"")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'ziel.sqlite3'}"}
    result = subprocess.run(  # noqa: S603
        [str(ROOT / "scripts" / "restore"), str(dump)], cwd=ROOT, env=env, input="nein\n",
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1 and "Abgebrochen" in result.stdout
    assert not (tmp_path / "ziel.sqlite3").exists()
