"""Real database outages for the operations tests (no mocks of our own database).

PostgreSQL: the app's connection is terminated from the server side (``pg_terminate_backend``) and
new connections to the database are refused (``ALLOW_CONNECTIONS false``) – the database is gone.
SQLite: a second connection holds a write lock on the tables the request reads, so every query on
them fails with "database table is locked" – the closest real failure of an embedded database.
Requests go through Django's real WSGI handler, so connection housekeeping at request boundaries
(``close_old_connections`` with ``CONN_HEALTH_CHECKS``) runs as in production.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

LOCKED_TABLES = ("municipalities_municipality", "search_indextask", "django_session")


@dataclass
class WsgiResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


def wsgi_get(path: str, query: str = "", headers: dict[str, str] | None = None) -> WsgiResponse:
    environ: dict = {}
    setup_testing_defaults(environ)
    environ.update(
        {
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "HTTP_HOST": "testserver",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
        }
    )
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    captured: dict = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info=None):
        captured["status"] = int(status.split()[0])
        captured["headers"] = dict(response_headers)

    result = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()  # fires request_finished, as a WSGI server does
    return WsgiResponse(captured["status"], captured["headers"], body)


class Outage:
    def __init__(self) -> None:
        self.vendor = connection.vendor
        self._lock: sqlite3.Connection | None = None

    def start(self) -> None:
        if self.vendor == "postgresql":
            self._postgres(allow=False)
        else:
            self._lock = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
            self._lock.execute("BEGIN IMMEDIATE")
            for table in LOCKED_TABLES:
                self._lock.execute(f'DELETE FROM "{table}" WHERE 0')  # noqa: S608 – fixed names; takes the lock
                self._lock.execute(f'UPDATE "{table}" SET rowid = rowid')  # noqa: S608

    def end(self) -> None:
        if self.vendor == "postgresql":
            self._postgres(allow=True)
        elif self._lock is not None:
            self._lock.execute("ROLLBACK")
            self._lock.close()
            self._lock = None

    def _postgres(self, *, allow: bool) -> None:
        name = connection.settings_dict["NAME"]
        params = {**connection.get_connection_params(), "dbname": "postgres"}
        admin = connection.get_new_connection(params)
        admin.autocommit = True
        try:
            with admin.cursor() as cursor:
                cursor.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(allow).lower()}')
                if allow:
                    return
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [name],
                )
                for _ in range(100):  # termination is asynchronous
                    cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name])
                    if cursor.fetchone()[0] == 0:
                        return
                    time.sleep(0.05)
        finally:
            admin.close()


@pytest.fixture
def outage(transactional_db) -> Iterator[Outage]:
    if connection.vendor not in ("postgresql", "sqlite"):
        pytest.fail(f"keine Ausfallsimulation für {connection.vendor}")
    connection.ensure_connection()
    failure = Outage()
    try:
        yield failure
    finally:
        failure.end()


ROOT = Path(__file__).resolve().parents[2]


class ChildDatabase:
    """The test database as seen by a separate ``manage.py`` process (a worker, an import that is killed).

    PostgreSQL: the child connects to the test database itself (the test runs with transaction=True,
    so the child sees committed data). SQLite: the in-memory test database is copied to a file with
    SQLite's backup API when ``share()`` is called, and the child and the assertions use that file.
    """

    def __init__(self, tmp_path: Path) -> None:
        self.vendor = connection.vendor
        self.file = tmp_path / "child.sqlite3"
        settings = connection.settings_dict
        if self.vendor == "postgresql":
            auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
            self.url = f"postgres://{auth}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"
        else:
            self.url = f"sqlite:///{self.file}"

    def share(self) -> None:
        """Call after the test data is in place."""
        if self.vendor == "sqlite":
            target = sqlite3.connect(self.file)
            try:
                connection.ensure_connection()
                connection.connection.backup(target)
            finally:
                target.close()

    def scalar(self, sql: str) -> object:
        if self.vendor == "sqlite":
            reader = sqlite3.connect(self.file)  # opening it rolls back what a killed writer left behind
            try:
                return reader.execute(sql).fetchone()[0]
            finally:
                reader.close()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    def writing(self) -> bool:
        """True while some other process holds an open write transaction on the database."""
        if self.vendor == "sqlite":
            return Path(f"{self.file}-journal").exists()
        return bool(
            self.scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            )
        )

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.ops.child_settings",
            "DATABASE_URL": self.url,
            "ELASTICSEARCH_URL": "",
            "PYTHONUNBUFFERED": "1",
            **extra,
        }

    def manage(self, *args: str, **extra_env: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 – our own interpreter and manage.py
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(**extra_env),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def start(self, *args: str, **extra_env: str) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603 – our own interpreter and manage.py
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(**extra_env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )


@pytest.fixture
def child_database(transactional_db, tmp_path) -> ChildDatabase:
    return ChildDatabase(tmp_path)

