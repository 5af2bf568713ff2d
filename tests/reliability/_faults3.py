"""Helpers for the fault rows B1, B2, L1 and L3 (RELIABILITY.md section 3): a served
vault, raw HTTP/1.1 over sockets, the server's memory from /proc, and what is stored."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import func, select, text

from callvault.calls.models import StoredObject
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from tests._serve import Served, Vault, descendants
from tests.audit._log import raw_database
from tests.calls.factories import call_payload

MIB = 1024 * 1024


# -- the server process --------------------------------------------------------------


def rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` and every process below it (0 for one that is gone)."""
    total = 0
    for one in (pid, *descendants(pid)):
        try:
            status = Path(f"/proc/{one}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


class RssPeak:
    """Samples the server's resident memory in a thread; ``peak`` is the highest seen."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.pid, self.every = pid, every
        self.start = self.peak = rss_bytes(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, rss_bytes(self.pid))

    @property
    def growth(self) -> int:
        return self.peak - self.start


@contextmanager
def serving(vault: Vault, env: dict[str, str] | None = None) -> Iterator[Served]:
    server = Served(vault.settings, env=env)
    try:
        yield server.start()
    finally:
        server.close()


def new_call(served: Served, vault: Vault) -> str:
    response = httpx.post(
        f"{served.url}/api/v1/calls", json=call_payload(), headers=vault.ingest, timeout=30
    )
    assert response.status_code == 201, response.text
    call_id: str = response.json()["id"]
    return call_id


# -- raw HTTP/1.1 ----------------------------------------------------------------------


def request_head(method: str, path: str, headers: dict[str, str], port: int, **extra: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{k}: {v}" for k, v in {**headers, **extra}.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def connect(port: int, timeout: float = 30) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body (as far as a Content-Length says, else what came with
    the head)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a response head: {data[:200]!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(status_line.split()[1]), headers, body


def closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (whatever it sends first
    is read and dropped)."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            if not sock.recv(65536):
                return True
        except TimeoutError:
            return False
        except ConnectionError:
            return True
    return False


def send_until_refused(sock: socket.socket, chunk: bytes, seconds: float) -> bool:
    """Send ``chunk`` again and again for up to ``seconds``; whether the server refused
    more first (closed the connection, or stopped reading for 10 s)."""
    deadline = time.monotonic() + seconds
    sock.settimeout(10)
    try:
        while time.monotonic() < deadline:
            sock.sendall(chunk)
    except (ConnectionError, TimeoutError):
        return True
    return False


# -- what the vault holds ----------------------------------------------------------------


def stored_objects(settings: Settings) -> int:
    with open_keyring(settings) as (session, _):
        count: int = session.execute(select(func.count()).select_from(StoredObject)).scalar_one()
        return count


def blob_files(settings: Settings) -> list[Path]:
    """Every file under the blob directory, including temporary ones."""
    root = settings.blob_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def scalar(settings: Settings, sql: str, **params: object) -> int:
    with raw_database(settings) as connection:
        return int(connection.execute(text(sql), params).scalar_one())
