"""``callvault serve`` as a real process: N workers on one port with a correct audit
trail, a graceful stop on SIGTERM, and the client address behind a trusted proxy."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from callvault.cli.main import app as cli
from callvault.web.server import TIMEOUT_GRACEFUL_SHUTDOWN, parse_forwarded_allow_ips
from tests._serve import Served, Vault, alive, audit_count, make_vault
from tests.calls.factories import call_payload, wav_bytes

READS, WRITES, CONCURRENCY = 200, 40, 16


@pytest.fixture
def vault(tmp_path: Path, database_url: str) -> Vault:
    return make_vault(tmp_path / "data", database_url)


@pytest.fixture
def served(request: pytest.FixtureRequest, vault: Vault) -> Iterator[Served]:
    """``callvault serve`` with the arguments given by indirect parametrization."""
    server = Served(vault.settings, *getattr(request, "param", ()))
    try:
        yield server.start()
    finally:
        server.close()


def create_call(client: httpx.Client, vault: Vault) -> str:
    response = client.post("/api/v1/calls", json=call_payload(), headers=vault.ingest)
    assert response.status_code == 201, response.text
    call_id: str = response.json()["id"]
    return call_id


@pytest.mark.parametrize("served", [("--workers", "2")], indirect=True, ids=["2-workers"])
def test_two_workers_serve_one_port_and_every_read_is_audited_once(
    served: Served, vault: Vault
) -> None:
    assert len(served.worker_pids()) == 2
    with httpx.Client(base_url=served.url, timeout=30) as client:
        ids = [create_call(client, vault) for _ in range(10)]

        def read(n: int) -> int:
            url = f"/api/v1/calls/{ids[n % len(ids)]}"
            return client.get(url, headers=vault.reader).status_code

        def write(_: int) -> int:
            headers = vault.ingest
            return client.post("/api/v1/calls", json=call_payload(), headers=headers).status_code

        with ThreadPoolExecutor(CONCURRENCY) as pool:
            reads = pool.map(read, range(READS))
            writes = pool.map(write, range(WRITES))
            read_codes, write_codes = list(reads), list(writes)
    # Concurrent audited reads and writes through both workers: every one answered, and
    # not one lost a lock race (SQLite: BEGIN IMMEDIATE and a busy timeout queue them).
    assert read_codes == [200] * READS and write_codes == [201] * WRITES
    served.terminate()
    assert served.wait(TIMEOUT_GRACEFUL_SHUTDOWN + 15) == 0
    settings = vault.settings
    where = ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url]
    verify = CliRunner().invoke(cli, ["audit", "verify", *where])
    assert verify.exit_code == 0, verify.output
    assert audit_count(vault.settings, "call:read") == read_codes.count(200)
    assert audit_count(vault.settings, "call:create") == WRITES + len(ids)


def upload_request(call_id: str, vault: Vault, length: int) -> bytes:
    return (
        f"PUT /api/v1/calls/{call_id}/recording HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: {vault.ingest['Authorization']}\r\nContent-Type: audio/wav\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def test_sigterm_lets_an_upload_in_flight_finish_and_exits_0(served: Served, vault: Vault) -> None:
    with httpx.Client(base_url=served.url) as client:
        call_id = create_call(client, vault)
    jobs = served.jobs_pid()
    assert jobs is not None
    audio = wav_bytes(seconds=20)
    chunks = [audio[i : i + 64_000] for i in range(0, len(audio), 64_000)]
    with socket.create_connection(("127.0.0.1", served.port)) as upload:
        upload.sendall(upload_request(call_id, vault, len(audio)) + chunks[0])
        time.sleep(0.5)  # the handler is reading the body now
        served.terminate()
        stopping = time.monotonic()
        time.sleep(1.0)
        assert refused(served.port)  # the listener is closed: nothing new comes in
        for chunk in chunks[1:]:  # ...while the upload goes on, slowly
            upload.sendall(chunk)
            time.sleep(0.05)
        reply = upload.recv(4096)
    assert reply.startswith(b"HTTP/1.1 204"), reply[:200]
    assert served.wait(TIMEOUT_GRACEFUL_SHUTDOWN + 15) == 0
    assert time.monotonic() - stopping < TIMEOUT_GRACEFUL_SHUTDOWN
    assert audit_count(vault.settings, "recording:upload") == 1
    assert not alive(jobs)  # the jobs process was drained and stopped too


@pytest.mark.parametrize(
    "served", [("--forwarded-allow-ips", "127.0.0.1")], indirect=True, ids=["proxy"]
)
def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(
    served: Served, vault: Vault
) -> None:
    with httpx.Client(base_url=served.url) as client:
        call_id = create_call(client, vault)
        forwarded = vault.reader | {"X-Forwarded-For": "203.0.113.7"}
        assert client.get(f"/api/v1/calls/{call_id}", headers=forwarded).status_code == 200
    assert source_ips(vault, "call:read") == ["203.0.113.7"]


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(
    served: Served, vault: Vault
) -> None:
    with httpx.Client(base_url=served.url) as client:
        call_id = create_call(client, vault)
        forged = vault.reader | {"X-Forwarded-For": "203.0.113.7"}
        assert client.get(f"/api/v1/calls/{call_id}", headers=forged).status_code == 200
    assert source_ips(vault, "call:read") == ["127.0.0.1"]


def source_ips(vault: Vault, action: str) -> list[str]:
    from sqlalchemy import text

    from tests.audit._log import raw_database

    with raw_database(vault.settings) as connection:
        rows = connection.execute(
            text("SELECT source_ip FROM audit_log_events WHERE action = :a"), {"a": action}
        )
        return [row[0] for row in rows]


def test_https_workers_each_build_the_tls_context_and_the_app(vault: Vault) -> None:
    served = Served(vault.settings, "--workers", "2", tls=True)
    try:
        served.start()  # ready over HTTPS: a worker loaded the pickled factories
        assert len(served.worker_pids()) == 2
        with httpx.Client(base_url=served.url, verify=served.verify()) as client:
            response = client.get("/healthz")
        assert response.status_code == 200
        assert response.headers["strict-transport-security"].startswith("max-age=")
        served.terminate()
        assert served.wait(TIMEOUT_GRACEFUL_SHUTDOWN + 15) == 0
    finally:
        served.close()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ()),
        ("", ()),
        ("10.0.0.5", ("10.0.0.5",)),
        (" 10.0.0.5 , 192.0.2.0/24,::1 ", ("10.0.0.5", "192.0.2.0/24", "::1")),
        ("2001:db8::/32", ("2001:db8::/32",)),
    ],
)
def test_forwarded_allow_ips_are_addresses_or_networks(
    raw: str | None, expected: tuple[str, ...]
) -> None:
    assert parse_forwarded_allow_ips(raw) == expected


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--forwarded-allow-ips", "*"], "'*' would let any client"),
        (["--forwarded-allow-ips", "10.0.0.1,proxy.example"], "not 'proxy.example'"),
        (["--workers", "0"], "--workers"),
    ],
)
def test_bad_serve_flags_exit_2_with_one_line(vault: Vault, flags: list[str], message: str) -> None:
    command = [sys.executable, "-m", "callvault.cli", "serve", "--insecure-http", *flags]
    command += ["--data-dir", str(vault.settings.data_dir), "--port", "1"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("served", [("--no-jobs", "--workers", "2")], indirect=True, ids=["api"])
def test_no_jobs_serves_the_api_with_no_jobs_process_beside_it(
    served: Served, vault: Vault
) -> None:
    # An API-only node of a cluster: its workers answer, and nothing among its
    # descendants runs the background jobs (they run in `callvault jobs run` elsewhere).
    with httpx.Client(base_url=served.url, timeout=30) as client:
        call_id = create_call(client, vault)
        assert client.get(f"/api/v1/calls/{call_id}", headers=vault.reader).status_code == 200
    assert len(served.worker_pids()) == 2
    assert served.descendants()  # the workers (and their audit writers) are there ...
    assert served.jobs_pid() is None  # ... but no jobs process
    served.terminate()
    assert served.wait(TIMEOUT_GRACEFUL_SHUTDOWN + 15) == 0
