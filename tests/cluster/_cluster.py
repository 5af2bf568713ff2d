"""A CallVault cluster on loopback, as ``docs/deploy.md``'s three-node layout runs it:
N ``callvault serve --no-jobs`` API nodes and M ``callvault jobs run`` workers, all on
one PostgreSQL database, one S3 bucket (a moto server) and one root key, copied into a
data directory of each process's own as it would be onto each host.

The nodes trust 127.0.0.1 as their proxy (``--forwarded-allow-ips``), as they would
trust the load balancer, so a test can speak from several client addresses through
``X-Forwarded-For``."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from callvault.settings import Settings
from tests._serve import Served

STOP_SECONDS = 45
# Three nodes import the app and check the schema at once: on a busy two-core CI machine
# (load average 20) that took over the 90 s one server is given (tests/_serve.py).
NODE_START_SECONDS = 240


class Node(Served):
    """``callvault serve --no-jobs``, given longer to become ready than a lone server."""

    def start(self) -> Node:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(), stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=self.env
            )
        deadline = time.monotonic() + NODE_START_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-2000:]
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"a node was not ready in {NODE_START_SECONDS} s")


class Worker:
    """``callvault jobs run``: the background jobs, in a process of its own."""

    def __init__(self, settings: Settings, env: dict[str, str], number: int) -> None:
        self.settings = settings
        self.env = {**os.environ, **env}
        self.log = settings.data_dir / f"worker-{number}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        where = ["--data-dir", str(self.settings.data_dir)]
        where += ["--database-url", self.settings.database_url]
        return [sys.executable, "-m", "callvault.cli", "jobs", "run", "--poll", "0.5", *where]

    def start(self) -> Worker:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(), stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=self.env
            )
        return self

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self) -> None:
        """Ask it to drain (SIGTERM), without waiting."""
        if self.process is not None and self.running():
            os.kill(self.process.pid, signal.SIGTERM)

    def close(self) -> None:
        if not self.running():
            return
        assert self.process is not None
        self.terminate()
        try:
            self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Cluster:
    nodes: list[Node] = field(default_factory=list)
    workers: list[Worker] = field(default_factory=list)

    def start(self) -> Cluster:
        """The nodes at once (each imports the app: seconds of CPU), ready when each
        answers ``/readyz``; then the workers, which need no one waiting for them (on a
        busy machine the nodes would otherwise share the cores with them while starting)."""
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            list(pool.map(Node.start, self.nodes))
        for worker in self.workers:
            worker.start()
        return self

    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    def close(self) -> None:
        """Every process asked to stop at once, then each waited for."""
        for node in self.nodes:
            if node.process is not None and node.process.poll() is None:
                node.terminate()
        for worker in self.workers:
            worker.terminate()
        for worker in self.workers:
            worker.close()
        for node in self.nodes:
            node.close()

    def logs(self) -> str:
        """The tail of every process's log, for a failure message."""
        paths: list[Path] = [n.log for n in self.nodes] + [w.log for w in self.workers]
        return "\n".join(f"--- {p.name}\n{p.read_text()[-1500:]}" for p in paths if p.exists())


def host_settings(settings: Settings, name: str) -> Settings:
    """A data directory of its own for one process, as each host of the layout has: a
    copy of the shared root key (0600) and nothing else (TLS material, metrics and the
    like stay per host; recordings are in the bucket)."""
    directory = settings.data_dir.parent / name
    directory.mkdir(mode=0o700)
    shutil.copy2(settings.root_key_path, directory / settings.root_key_path.name)
    return dataclasses.replace(settings, data_dir=directory)


def start_cluster(settings: Settings, env: dict[str, str], *, nodes: int, workers: int) -> Cluster:
    """``nodes`` API nodes and ``workers`` workers on ``settings``' database and root key,
    each process with a data directory of its own beside ``settings.data_dir``."""
    cluster = Cluster(
        nodes=[
            Node(
                host_settings(settings, f"node-{n}"),
                *("--no-jobs", "--forwarded-allow-ips", "127.0.0.1"),
                env=env,
            )
            for n in range(nodes)
        ],
        workers=[Worker(host_settings(settings, f"worker-{n}"), env, n) for n in range(workers)],
    )
    try:
        return cluster.start()
    except BaseException:
        cluster.close()
        raise
