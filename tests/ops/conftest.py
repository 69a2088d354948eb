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
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
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
