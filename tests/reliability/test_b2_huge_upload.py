"""RELIABILITY.md B2, huge uploads against a real ``callvault serve`` over raw sockets:
a 2 GB Content-Length, an endless chunked body, lying Content-Lengths and slow-loris
clients. Each is refused (413 before the body is buffered, or cut off by a timeout),
the server's memory stays flat, and nothing is stored.

The server runs with a 1 MiB recording limit and short slow-client timeouts
(``callvault.web.slow_clients``; the defaults are 10 s and 30 s) so the test is quick.
One server (on SQLite) serves the whole module: this is the HTTP layer, the same on
either database, and a start costs seconds on a busy machine.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from callvault.settings import sqlite_url
from callvault.web import slow_clients
from tests._serve import Served, Vault, make_vault
from tests.reliability._faults3 import (
    MIB,
    RssPeak,
    blob_files,
    closed_within,
    connect,
    new_call,
    read_response,
    request_head,
    send_until_refused,
    serving,
    stored_objects,
)

LIMIT = MIB
HEADER_TIMEOUT, BODY_IDLE = 2, 3
# Far below what buffering the bodies sent here would cost (hundreds of MiB).
RSS_BUDGET = 100 * MIB
# A client still sending after its 413 is cut off within seconds (slow_clients' linger).
CUT_OFF_SECONDS = 20
ENV = {
    "CALLVAULT_MAX_RECORDING_BYTES": str(LIMIT),
    slow_clients.HEADER_TIMEOUT_ENV: str(HEADER_TIMEOUT),
    slow_clients.BODY_IDLE_ENV: str(BODY_IDLE),
}
WAV_START = b"RIFF\xff\xff\xff\x7fWAVEfmt "  # sniffs as WAV: the body is really streamed


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Vault:
    data = tmp_path_factory.mktemp("b2") / "data"
    data.mkdir()
    return make_vault(data, sqlite_url(data))


@pytest.fixture(scope="module")
def served(vault: Vault) -> Iterator[Served]:
    with serving(vault, ENV) as server:
        yield server


@pytest.fixture
def nothing_new_stored(vault: Vault) -> Iterator[None]:
    """The test leaves no new row and no new file (temporary ones included) behind."""
    before = (stored_objects(vault.settings), sorted(blob_files(vault.settings)))
    yield
    assert (stored_objects(vault.settings), sorted(blob_files(vault.settings))) == before


def upload_head(served: Served, vault: Vault, call_id: str, **headers: str) -> bytes:
    path = f"/api/v1/calls/{call_id}/recording"
    fixed = vault.ingest | {"Content-Type": "audio/wav"}
    return request_head("PUT", path, fixed, served.port, **headers)


def assert_problem_413(status: int, headers: dict[str, str], body: bytes) -> None:
    assert status == 413
    assert headers["content-type"].startswith("application/problem+json")
    length = int(headers["content-length"])
    assert json.loads(body[:length])["status"] == 413


@pytest.mark.usefixtures("nothing_new_stored")
def test_a_2gb_content_length_is_refused_before_the_body(served: Served, vault: Vault) -> None:
    call_id = new_call(served, vault.ingest)
    with RssPeak(served) as rss, connect(served.port) as sock:
        sock.sendall(upload_head(served, vault, call_id, **{"Content-Length": str(2 * 1024**3)}))
        sock.sendall(WAV_START)
        assert_problem_413(*read_response(sock))  # answered with 16 bytes of 2 GB sent
        # The client keeps sending: the server stops taking it soon after answering.
        assert send_until_refused(sock, b"\0" * 65536, CUT_OFF_SECONDS)
    assert rss.growth < RSS_BUDGET


@pytest.mark.usefixtures("nothing_new_stored")
def test_an_endless_chunked_body_is_cut_off_at_the_limit(served: Served, vault: Vault) -> None:
    call_id = new_call(served, vault.ingest)
    chunk = b"10000\r\n" + b"\0" * 0x10000 + b"\r\n"  # 64 KiB chunks, never a last one
    with RssPeak(served) as rss, connect(served.port) as sock:
        sock.sendall(upload_head(served, vault, call_id, **{"Transfer-Encoding": "chunked"}))
        sock.sendall(b"10\r\n" + WAV_START + b"\r\n")
        refused: list[bool] = []
        sender = threading.Thread(
            target=lambda: refused.append(send_until_refused(sock, chunk, CUT_OFF_SECONDS))
        )
        sender.start()
        assert_problem_413(*read_response(sock))
        sender.join(CUT_OFF_SECONDS + 15)
        assert refused == [True]
    assert rss.growth < RSS_BUDGET


@pytest.mark.usefixtures("nothing_new_stored")
def test_a_body_shorter_than_its_content_length_is_cut_off(served: Served, vault: Vault) -> None:
    call_id = new_call(served, vault.ingest)
    with connect(served.port) as sock:
        sock.sendall(upload_head(served, vault, call_id, **{"Content-Length": str(LIMIT // 2)}))
        sock.sendall(WAV_START + b"\0" * 4096)  # ...and then nothing more
        started = time.monotonic()
        assert closed_within(sock, BODY_IDLE + 15)
        assert time.monotonic() - started >= BODY_IDLE - 1
    assert httpx.get(f"{served.url}/readyz", timeout=10).status_code == 200


def test_a_body_longer_than_its_content_length_is_not_taken_as_more_body(
    served: Served, vault: Vault
) -> None:
    call_id = new_call(served, vault.ingest)
    with connect(served.port) as sock:
        sock.sendall(upload_head(served, vault, call_id, **{"Content-Length": "1016"}))
        sock.sendall(WAV_START + b"\0" * 1000 + b"\xff" * (2 * MIB))  # past the limit
        # The declared 1016 bytes are the body; what follows is no HTTP request. uvicorn
        # answers that with a 400 and closes, maybe before the upload's own 204.
        status, _, _ = read_response(sock)
        assert status in (204, 400)
        assert closed_within(sock, 10)
    call = httpx.get(f"{served.url}/api/v1/calls/{call_id}", headers=vault.reader, timeout=10)
    stored = call.json()["recording_original"]
    assert stored is None or stored["size"] == 1016  # never the bytes past the declared


def test_slow_loris_clients_are_cut_off_and_others_are_served(served: Served) -> None:
    head = b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200
    silent = [connect(served.port) for _ in range(3)]  # connect, then send nothing
    dribblers = [connect(served.port) for _ in range(3)]  # one byte every 0.2 s

    def dribble(sock: object) -> None:
        for byte in head:
            try:
                sock.sendall(bytes([byte]))  # type: ignore[attr-defined]
            except OSError:
                return
            time.sleep(0.2)

    threads = [threading.Thread(target=dribble, args=(s,), daemon=True) for s in dribblers]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    # Meanwhile an honest client gets its answers.
    assert httpx.get(f"{served.url}/readyz", timeout=10).status_code == 200
    for sock in silent + dribblers:
        with sock:
            assert closed_within(sock, HEADER_TIMEOUT + 15)
    assert time.monotonic() - started < HEADER_TIMEOUT + 15
    for thread in threads:
        thread.join(60)


def test_the_default_timeouts_are_the_documented_ones() -> None:
    assert (slow_clients.DEFAULT_HEADER_TIMEOUT, slow_clients.DEFAULT_BODY_IDLE) == (10, 30)
