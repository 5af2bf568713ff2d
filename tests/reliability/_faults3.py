"""Helpers for the fault rows B1, B2, L1 and L3 (RELIABILITY.md section 3): a served
vault, raw HTTP/1.1 over sockets, the server's memory from /proc, and what is stored."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, make_url, select, text

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
    return sum(own_rss_bytes(one) for one in (pid, *descendants(pid)))


def own_rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` alone (0 for one that is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class RssPeak:
    """Samples the resident memory of the processes that read request bodies (the server
    and its HTTP workers) in a thread; ``peak`` is the highest sum seen.

    The job runner and the audit writer below the server are left out: they never see a
    body, and one still importing its modules when sampling starts (a loaded CI machine)
    grows by a hundred MiB that says nothing about uploads."""

    def __init__(self, served: Served, every: float = 0.05) -> None:
        self.pids, self.every = [served.pid, *served.worker_pids()], every
        self.start = self.peak = self._sample()
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
            self.peak = max(self.peak, self._sample())

    def _sample(self) -> int:
        return sum(own_rss_bytes(pid) for pid in self.pids)

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


def new_call(served: Served, ingest: dict[str, str]) -> str:
    """A synthetic call made with the ``ingest`` token's headers; its id."""
    response = httpx.post(
        f"{served.url}/api/v1/calls", json=call_payload(), headers=ingest, timeout=30
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


# -- sustained load (L1, L3) -----------------------------------------------------------

SOAK_MINUTES_ENV = "CALLVAULT_SOAK_MINUTES"
SOAK_USERS_ENV = "CALLVAULT_SOAK_USERS"


def soak_seconds(default_minutes: float = 10) -> float:
    return 60 * float(os.environ.get(SOAK_MINUTES_ENV, default_minutes))


def soak_users(default: int) -> int:
    return int(os.environ.get(SOAK_USERS_ENV, default))


def db_connections(settings: Settings, server_pid: int) -> int:
    """Open database connections of the server: PostgreSQL sessions on its database
    (ours excluded), or the server processes' file handles on the SQLite file."""
    if settings.database_url.startswith("postgresql"):
        return scalar(
            settings,
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
    database = str(Path(make_url(settings.database_url).database or "").resolve())
    count = 0
    for pid in (server_pid, *descendants(server_pid)):
        try:
            handles = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for handle in handles:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{handle}")
            except OSError:
                continue
            count += target == database
    return count


@dataclass
class Sample:
    at: float  # seconds since the run started
    rss: int
    connections: int


@dataclass
class LoadRun:
    """Outcomes by label and HTTP status, latencies, and the server's RSS and database
    connections sampled every ``every`` seconds while ``run`` drives the load."""

    served: Served
    every: float = 5.0
    outcomes: Counter[tuple[str, int]] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    server_error_bodies: list[str] = field(default_factory=list)  # the first few 5xx
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, label: str, status: int, seconds: float, body: str = "") -> None:
        with self._lock:
            self.outcomes[(label, status)] += 1
            self.latencies.append(seconds)
            if status >= 500 and len(self.server_error_bodies) < 5:
                self.server_error_bodies.append(body[:300])

    def count(self, label: str, statuses: Callable[[int], bool] = lambda s: True) -> int:
        return sum(n for (lab, st), n in self.outcomes.items() if lab == label and statuses(st))

    def server_errors(self) -> dict[tuple[str, int], int]:
        return {key: n for key, n in self.outcomes.items() if key[1] >= 500}

    def run(
        self, seconds: float, users: int, user: Callable[[int, Callable[[], bool]], None]
    ) -> None:
        """``users`` threads each call ``user(n, over)`` (which loops until ``over()``)."""
        start = time.monotonic()
        stop = threading.Event()

        def over() -> bool:
            return stop.is_set() or time.monotonic() - start >= seconds

        threads = [threading.Thread(target=user, args=(n, over)) for n in range(users)]
        for thread in threads:
            thread.start()
        while not over():
            self._sample(time.monotonic() - start)
            stop.wait(self.every)
        stop.set()
        for thread in threads:
            thread.join(120)
        assert not any(t.is_alive() for t in threads), "a load thread is stuck"

    def _sample(self, at: float) -> None:
        pid = self.served.pid
        self.samples.append(Sample(at, rss_bytes(pid), db_connections(self.served.settings, pid)))

    def window(self, index: int, width: float) -> list[Sample]:
        """Samples of the ``index``-th window of ``width`` seconds (-1: the last one)."""
        if index < 0:
            end = self.samples[-1].at
            return [s for s in self.samples if s.at > end - width]
        return [s for s in self.samples if index * width <= s.at < (index + 1) * width]

    def p95(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0

    def summary(self) -> str:
        rss = [s.rss // MIB for s in self.samples]
        connections = [s.connections for s in self.samples]
        return (
            f"outcomes={dict(self.outcomes)} p95={self.p95():.2f}s "
            f"rss_mib={rss} db_connections={connections} 5xx={self.server_error_bodies}"
        )


def assert_stable(run: LoadRun, width: float, tolerance: float = 0.2) -> None:
    """The last window's peak RSS and peak database connections within ``tolerance`` of
    the second window's (the pools are warm by then; a leak keeps adding). Connections get
    two more of slack: a pool's overflow connections come and go under load."""
    second, last = run.window(1, width), run.window(-1, width)
    assert second and last, run.summary()
    second_rss = max(s.rss for s in second)
    assert max(s.rss for s in last) <= second_rss * (1 + tolerance), run.summary()
    most = max(s.connections for s in second)
    assert max(s.connections for s in last) <= most * (1 + tolerance) + 2, run.summary()
