"""The probes, with real failures: a database that is gone or hangs, a killed audit
writer process, a removed blob directory. A failure is named, never described."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from callvault.audit.groupcommit import GroupCommitter
from callvault.audit.writer import ProcessWriter
from callvault.settings import Settings
from callvault.web.app import create_app
from callvault.web.health import CHECK_TIMEOUT
from tests.audit._log import raw_database

PARTS = ("database", "audit_writer", "blob_store", "queue")
SLACK = 1.5  # seconds a bounded probe may take beyond its bound on a busy machine


def audit_events(vault: Settings) -> int:
    with raw_database(vault) as connection:
        return int(connection.execute(text("SELECT count(*) FROM audit_log_events")).scalar_one())


def not_ready(response: object, *failing: str) -> dict[str, object]:
    """Assert a 503 problem naming exactly ``failing``, without details; its body."""
    assert getattr(response, "status_code", None) == 503
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["content-type"] == "application/problem+json"
    assert headers["cache-control"] == "no-store"
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert set(body) <= {"type", "title", "status", "detail", "checks"}
    assert body["status"] == 503
    expected = {part: "failing" if part in failing else "ok" for part in PARTS}
    assert body["checks"] == expected
    return body


def test_healthz_says_the_process_is_up(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"


def test_readyz_checks_every_part_unauthenticated_and_audits_nothing(
    client: TestClient, vault: Settings
) -> None:
    before = audit_events(vault)
    for _ in range(3):
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {"status": "ready", "checks": dict.fromkeys(PARTS, "ok")}
        assert response.headers["cache-control"] == "no-store"
    assert audit_events(vault) == before


@pytest.mark.sqlite_only  # the PostgreSQL pass: the two tests below
def test_a_sqlite_database_moved_away_is_not_ready(client: TestClient, vault: Settings) -> None:
    database = Path(vault.database_url.removeprefix("sqlite:///"))
    assert client.get("/readyz").status_code == 200
    database.rename(database.with_name("elsewhere.db"))
    try:
        body = not_ready(client.get("/readyz"), "database", "queue")
        assert str(database.parent) not in str(body)
    finally:
        database.with_name("elsewhere.db").rename(database)
    assert client.get("/readyz").status_code == 200


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # closed again: nobody listens there


def app_on(vault: Settings, database_url: str) -> FastAPI:
    # The thread writer connects on the first batch only, so the app starts without a
    # database; the process writer would refuse to start (test_groupcommit shows it).
    return create_app(dataclasses.replace(vault, database_url=database_url, audit_writer="thread"))


def test_a_postgresql_server_nobody_listens_for_is_not_ready(vault: Settings) -> None:
    url = f"postgresql+psycopg://postgres:secret-pw@127.0.0.1:{closed_port()}/callvault"
    with TestClient(app_on(vault, url)) as client:
        response = client.get("/readyz")
    body = not_ready(response, "database", "queue")
    assert "secret-pw" not in response.text and "127.0.0.1" not in response.text
    assert set(body) == {"type", "title", "status", "detail", "checks"}


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word: a hung database."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:  # the hung check now gets EOF and ends
        connection.close()
    listener.close()


def check_threads(part: str) -> int:
    return sum(t.name == f"readyz-{part}" for t in threading.enumerate())


def test_a_hung_database_gives_503_in_bounded_time_and_holds_one_thread(
    vault: Settings, silent_server: int
) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{silent_server}/callvault"
    with TestClient(app_on(vault, url)) as client:
        for _ in range(3):
            started = time.monotonic()
            not_ready(client.get("/readyz"), "database", "queue")
            assert time.monotonic() - started < CHECK_TIMEOUT + SLACK
            started = time.monotonic()
            assert client.get("/healthz").status_code == 200  # the loop is not held
            assert time.monotonic() - started < 0.5
            # The hung check is waited on again, not started once more per probe.
            assert check_threads("database") == 1
            assert check_threads("queue") == 1


def process_writer(app: FastAPI) -> ProcessWriter:
    committer = app.state.audit.committer
    assert isinstance(committer, GroupCommitter)
    writer = committer.batch_writer
    assert isinstance(writer, ProcessWriter)
    return writer


def wait_until_gone(pid: int) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    raise AssertionError("the process is still there")


def test_a_killed_audit_writer_is_not_ready_until_a_fresh_one_answers(vault: Settings) -> None:
    app = create_app(dataclasses.replace(vault, audit_writer="process"))  # production's
    with TestClient(app, raise_server_exceptions=False) as client:
        writer = process_writer(app)
        child = writer.pid
        assert child is not None and client.get("/readyz").status_code == 200
        os.kill(child, signal.SIGKILL)
        wait_until_gone(child)
        not_ready(client.get("/readyz"), "audit_writer")
        assert client.get("/readyz").status_code == 200  # a fresh child, unprompted
        assert writer.pid not in (None, child)


def test_a_removed_blob_directory_is_not_ready(client: TestClient, vault: Settings) -> None:
    assert client.get("/readyz").status_code == 200
    shutil.rmtree(vault.blob_dir)
    response = client.get("/readyz")
    not_ready(response, "blob_store")
    assert str(vault.data_dir) not in response.text and "blobs" not in response.text


def test_the_probes_are_described_with_every_answer(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths["/healthz"]["get"]["responses"]) == {"200"}
    readyz = paths["/readyz"]["get"]["responses"]
    assert set(readyz) == {"200", "503"}
    problem = readyz["503"]["content"]["application/problem+json"]["schema"]
    assert {"checks", "status", "title"} <= set(problem["properties"])
    assert "application/json" in readyz["200"]["content"]
