"""F8 db-down: PostgreSQL goes away mid-request and comes back.

The suite's throwaway server is shared by the whole run, so "down" is made for this
test's database only: new connections refused (``ALLOW_CONNECTIONS false``) and every
open one terminated (``pg_terminate_backend``), which is what clients see when the
server stops. While it is down every request gets a generic 503 (no SQL, no trace) and
no 2xx answers a write that did not commit; afterwards the same server process
reconnects by itself and answers 2xx again. Connections killed while requests are in
flight: every 2xx write is found afterwards."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from psycopg import sql
from sqlalchemy.engine import make_url

from callvault.settings import Settings
from tests import _postgres
from tests._vault import TokenFactory
from tests.calls.factories import call_payload
from tests.conftest import _postgresql_server

pytestmark = pytest.mark.postgresql_only

LEAKS = ("Traceback", 'File "', "sqlalchemy", "psycopg", "SELECT", "INSERT", "pg_")


def _terminate(server: _postgres.Server, dbname: str) -> set[int]:
    """Ends every backend of ``dbname``; their pids. Each is only signalled: it may
    still be exiting, its socket not yet closed, when this returns."""
    with server.connect_admin() as admin:
        ended = admin.execute(
            "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (dbname,),
        )
        return {int(pid) for pid, _ in ended.fetchall()}  # type: ignore[call-overload]


def _wait_until_gone(server: _postgres.Server, pids: set[int]) -> None:
    """Until the backends ``_terminate`` signalled have exited: only then has each
    pooled connection to one seen its end (a checkout tells a closed socket from a
    live one, not a backend that is still on its way out)."""
    deadline = time.monotonic() + 10
    with server.connect_admin() as admin:
        while time.monotonic() < deadline:
            live = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE pid = ANY(%s)", (list(pids),)
            )
            if not live.fetchall():
                return
            time.sleep(0.02)
    raise AssertionError("terminated backends still running after 10 s")


@contextmanager
def _database_down(server: _postgres.Server, dbname: str) -> Iterator[None]:
    allow = "ALTER DATABASE {} ALLOW_CONNECTIONS {}"
    with server.connect_admin() as admin:
        admin.execute(sql.SQL(allow.format("{}", "false")).format(sql.Identifier(dbname)))
    _terminate(server, dbname)
    try:
        yield
    finally:
        with server.connect_admin() as admin:
            admin.execute(sql.SQL(allow.format("{}", "true")).format(sql.Identifier(dbname)))


def _assert_generic_503(response: object) -> None:
    status, text = response.status_code, response.text  # type: ignore[attr-defined]
    assert status == 503, (status, text[:300])
    assert not [leak for leak in LEAKS if leak in text], text[:300]


def _call_ids(client: TestClient, headers: dict[str, str]) -> set[str]:
    response = client.get("/api/v1/calls?limit=200", headers=headers)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


@pytest.fixture
def server(request: pytest.FixtureRequest) -> _postgres.Server:
    return _postgresql_server(request)


def test_database_down_answers_503_and_the_server_reconnects(
    vault: Settings, client: TestClient, auth: TokenFactory, server: _postgres.Server
) -> None:
    dbname = str(make_url(vault.database_url).database)
    writer, reader = auth("integration"), auth("supervisor")
    before = _call_ids(client, reader)

    with _database_down(server, dbname):
        _assert_generic_503(client.get("/api/v1/calls", headers=reader))
        _assert_generic_503(client.post("/api/v1/calls", json=call_payload(), headers=writer))

    assert _call_ids(client, reader) == before  # the refused write left nothing
    created = client.post("/api/v1/calls", json=call_payload(), headers=writer)
    assert created.status_code == 201, created.text


def test_connections_killed_mid_request_never_answer_2xx_without_a_commit(
    vault: Settings, client: TestClient, auth: TokenFactory, server: _postgres.Server
) -> None:
    dbname = str(make_url(vault.database_url).database)
    writer, reader = auth("integration"), auth("supervisor")
    stop = threading.Event()

    ended: set[int] = set()

    def kill_connections() -> None:
        while not stop.wait(0.05):
            ended.update(_terminate(server, dbname))

    killer = threading.Thread(target=kill_connections, daemon=True)
    killer.start()
    answered: dict[str, int] = {}
    statuses = []
    try:
        for _ in range(30):
            response = client.post("/api/v1/calls", json=call_payload(), headers=writer)
            statuses.append(response.status_code)
            if response.status_code == 201:
                answered[str(response.json()["id"])] = 201
            else:
                _assert_generic_503(response)
    finally:
        stop.set()
        killer.join()
    _wait_until_gone(server, ended)  # the outage is over: no backend is still dying

    assert set(statuses) <= {201, 503}
    stored = _call_ids(client, reader)
    assert set(answered) <= stored  # every 2xx was committed
    again = client.post("/api/v1/calls", json=call_payload(), headers=writer)
    assert again.status_code == 201, again.text  # reconnected by itself
