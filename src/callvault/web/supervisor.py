"""What ``callvault serve`` runs: the API in one or N worker processes on one port, and
one jobs process beside them (none with ``--no-jobs``: an API-only node of a cluster,
whose background work runs in separate ``callvault jobs run`` processes).

- ``workers == 1``: uvicorn serves in this process. ``workers > 1``: uvicorn's
  multiprocess supervisor binds the port here and hands it to N spawned workers (it
  restarts one that dies); each worker builds the app itself (``AppFactory``).
- The jobs process (``callvault jobs run``, ``callvault.web.background``) starts with
  serve, is restarted if it dies (after a pause that grows while it keeps dying), and is
  drained at shutdown. It gets its own session, so a Ctrl-C in a terminal reaches serve
  only and serve decides when the jobs stop; if serve itself is killed, the jobs
  process notices its parent is gone and stops too.
- SIGTERM or SIGINT: the listener closes (new connections are refused), requests in
  flight finish (up to the graceful timeout), each worker's lifespan drains its audit
  writer, and the jobs process is drained at the same time. Then serve exits 0. Serve
  exits 1 if it stopped without being asked to (a worker that could not start).

    CallVaultError
    └── ServeFailed   the server stopped without being asked to
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

import uvicorn
from uvicorn.supervisors.multiprocess import Multiprocess

from callvault.errors import CallVaultError
from callvault.settings import Settings

log = logging.getLogger("callvault.serve")

# Longer than the loop's own drain (callvault.web.background.DRAIN_SECONDS): a job in
# flight is given its chance before it is killed and left to its lease.
JOBS_STOP_SECONDS = 30.0
_RESTART_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0)  # seconds, while the jobs process keeps dying
_HEALTHY_RUN_SECONDS = 60.0  # a run this long resets the pause to the first step


class ServeFailed(CallVaultError):
    status = 500
    title = "Server failed"


class JobsProcess:
    """The supervised ``callvault jobs run`` child."""

    def __init__(self, settings: Settings, *, stop_seconds: float = JOBS_STOP_SECONDS) -> None:
        # Settings go through the environment, never the command line: a PostgreSQL URL
        # may hold a password, and argv is visible to every user of the host.
        self._env = {
            **os.environ,
            "CALLVAULT_DATA_DIR": str(settings.data_dir),
            "CALLVAULT_DATABASE_URL": settings.database_url,
        }
        self._stop_seconds = stop_seconds
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._process: subprocess.Popen[bytes] | None = None
        self._watcher: threading.Thread | None = None
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None else None

    def start(self) -> None:
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="jobs-watch", daemon=True)
        self._watcher.start()

    def begin_stop(self) -> None:
        """Ask the jobs process to drain (SIGTERM), without waiting; safe in a signal
        handler and safe to repeat."""
        with self._lock:
            self._stopping.set()
            process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        """Drain and wait; kill it if it is still running after ``stop_seconds``."""
        self.begin_stop()
        process = self._process
        if process is not None:
            try:
                process.wait(self._stop_seconds)
            except subprocess.TimeoutExpired:
                log.warning("jobs process did not stop in time: killed")
                process.kill()
                process.wait()
        if self._watcher is not None:
            self._watcher.join()

    def _spawn(self) -> bool:
        command = [sys.executable, "-m", "callvault.cli", "jobs", "run"]
        command += ["--parent-pid", str(os.getpid())]
        with self._lock:
            if self._stopping.is_set():
                return False
            self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                command, env=self._env, stdin=subprocess.DEVNULL, start_new_session=True
            )
            return True

    def _watch(self) -> None:
        step = 0
        while True:
            process = self._process
            assert process is not None
            started = time.monotonic()
            code = process.wait()
            if self._stopping.is_set():
                return
            step = 0 if time.monotonic() - started >= _HEALTHY_RUN_SECONDS else step
            delay = _RESTART_DELAYS[min(step, len(_RESTART_DELAYS) - 1)]
            log.error(f"jobs process exited with code {code}: restarting in {delay:g} s")
            step += 1
            if self._stopping.wait(delay) or not self._spawn():
                return
            self.restarts += 1


class _Server(uvicorn.Server):
    """One API process; tells ``on_exit`` as soon as a shutdown signal arrives."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_exit = on_exit

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._on_exit()
        super().handle_exit(sig, frame)


class _Workers(Multiprocess):
    """uvicorn's multiprocess supervisor; tells ``on_exit`` when asked to stop."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None]) -> None:
        super().__init__(config, sockets=[config.bind_socket()])
        self._on_exit = on_exit

    def handle_int(self) -> None:
        self._on_exit()
        super().handle_int()

    def handle_term(self) -> None:
        self._on_exit()
        super().handle_term()


def run_until_stopped(config: uvicorn.Config, jobs: JobsProcess | None) -> None:
    """Serve ``config`` (``config.workers`` processes) with ``jobs`` beside it (if any)
    until SIGTERM or SIGINT; ``ServeFailed`` if it stopped without being asked to."""
    asked = threading.Event()

    def on_exit() -> None:
        asked.set()
        if jobs is not None:
            jobs.begin_stop()

    # uvicorn puts back the handlers it found and raises the signal again once it has
    # shut down: these make that an orderly return (exit 0), not death by SIGTERM.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _call(on_exit))
    if jobs is not None:
        jobs.start()
    try:
        if config.workers > 1:
            _Workers(config, on_exit).run()
        else:
            _Server(config, on_exit).run()
    finally:
        if jobs is not None:
            jobs.stop()
    if not asked.is_set():
        raise ServeFailed("the server stopped on its own: see the log above")


def _call(function: Callable[[], None]) -> Callable[[int, FrameType | None], None]:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        function()

    return handler
