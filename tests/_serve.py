"""A real ``callvault serve`` process for the serving tests: plain HTTP on a free loopback
port, its processes found through /proc, and a vault with tokens to call it with."""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import text

from callvault.cli.vault import open_keyring
from callvault.identity.tokens import create_token
from callvault.instance import initialise
from callvault.settings import Settings, load_settings
from callvault.tenants.service import get_tenant
from tests._baa import CLINIC_BAA
from tests.audit._log import raw_database

TENANT = "clinic-a"
START_SECONDS = 90  # N workers importing the app on a busy two-core machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Vault:
    settings: Settings
    ingest: dict[str, str]  # Authorization header of an integration token
    reader: dict[str, str]  # ... of a supervisor token (call:read with PHI)


def make_vault(data_dir: Path, database_url: str) -> Vault:
    settings = load_settings(data_dir, database_url, environ={})
    initialise(settings, TENANT, CLINIC_BAA)
    with open_keyring(settings) as (session, _):
        tenant_id = get_tenant(session, TENANT).id
        ingest = create_token(session, tenant_id, "integration")
        reader = create_token(session, tenant_id, "supervisor")
        session.commit()
    return Vault(
        settings, {"Authorization": f"Bearer {ingest}"}, {"Authorization": f"Bearer {reader}"}
    )


class Served:
    """``callvault serve --insecure-http`` on ``settings`` with ``extra`` arguments."""

    def __init__(
        self,
        settings: Settings,
        *extra: str,
        env: dict[str, str] | None = None,
        tls: bool = False,
    ):
        self.settings = settings
        self.port = free_port()
        self.extra = extra
        self.tls = tls
        self.env = {**os.environ, **(env or {})}
        self.log = settings.data_dir / f"serve-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "callvault.cli",
            "serve",
            "--data-dir",
            str(self.settings.data_dir),
            "--database-url",
            self.settings.database_url,
            "--port",
            str(self.port),
            *(() if self.tls else ("--insecure-http",)),
            *self.extra,
        ]

    def start(self) -> Served:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(), stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=self.env
            )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-2000:]
            try:
                ready = httpx.get(f"{self.url}/readyz", timeout=2, verify=self.verify())
                if ready.status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError("the server did not become ready")

    def verify(self) -> ssl.SSLContext | bool:
        """What a client trusts: the self-signed certificate serve made (once it has)."""
        cert = self.settings.tls_dir / "cert.pem"
        return ssl.create_default_context(cafile=cert) if self.tls and cert.exists() else True

    def terminate(self) -> None:
        os.kill(self.pid, signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL, as a crash or a power cut would stop it."""
        os.kill(self.pid, signal.SIGKILL)
        self.wait(10)

    def wait(self, timeout: float) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    def close(self) -> None:
        """Stop it for good (a test's cleanup): SIGTERM, then SIGKILL."""
        if self.process is None or self.process.poll() is not None:
            return
        self.terminate()
        try:
            self.process.wait(45)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def descendants(self) -> dict[int, str]:
        return descendants(self.pid)

    def jobs_pid(self) -> int | None:
        found = [pid for pid, cmd in self.descendants().items() if "jobs run" in cmd]
        return found[0] if found else None

    def worker_pids(self) -> list[int]:
        children = children_of(self.pid)
        return [pid for pid in children if "multiprocessing.spawn" in command_line(pid)]


def command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace")


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def children_of(parent: int) -> list[int]:
    pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    return [pid for pid in pids if _parent_of(pid) == parent]


def descendants(root: int) -> dict[int, str]:
    found: dict[int, str] = {}
    todo = [root]
    while todo:
        for child in children_of(todo.pop()):
            found[child] = command_line(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def audit_count(settings: Settings, action: str, resource_id: str | None = None) -> int:
    sql = "SELECT count(*) FROM audit_log_events WHERE action = :a AND outcome = 'allowed'"
    params = {"a": action}
    if resource_id is not None:
        sql += " AND resource_id = :r"
        params["r"] = resource_id
    with raw_database(settings) as connection:
        return int(connection.execute(text(sql), params).scalar_one())
