"""The periodic background work: signing due audit tree heads, the alert watcher, alert
delivery, the daily retention sweep, approved exports (built, and shredded once spent),
and the recording pipeline.

It runs in ONE jobs process (``callvault jobs run``), never in an API worker: the
pipeline's transcriber holds the GIL for seconds at a time, and an API process that
shared its interpreter would keep requests waiting for it. ``callvault serve`` starts
that process with itself, restarts it if it dies and drains it at shutdown
(``callvault.web.supervisor``); ``callvault jobs run`` runs the same loop on its own, on
another host say. Every job is safe to run in several processes at once (claims and
leases keep them apart), so an extra jobs process is waste, never harm.

Each periodic job gets a fresh database session and is isolated: one that fails is
logged (its type only: errors may carry anything) and retried next tick. Tests that need
the loop run it in a thread beside their app: ``jobs_running(settings)``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from callvault.alerts.delivery import deliver_alerts_job, delivery_session_info
from callvault.alerts.watcher import run_watcher
from callvault.audit.heads import sign_due_heads
from callvault.audit.runtime import AuditRuntime
from callvault.blobs.factory import create_blob_store
from callvault.blobs.interface import BlobStore
from callvault.compliance.reminders import DailyExpiryReminder
from callvault.crypto.keyprovider import LocalKeyFileProvider, RootKeyProvider
from callvault.db.base import create_db_engine, create_session_factory
from callvault.lifecycle.exports_build import ExportBuilder
from callvault.lifecycle.sweep import DailySweep, Sweeper
from callvault.pipeline.runner import JobResult, PipelineRuntime, PipelineWorker
from callvault.settings import Settings

log = logging.getLogger("callvault.background")

Job = Callable[[Session], object]
TICK_SECONDS = 1.0
# How long a stopping loop waits for the pipeline job in flight; beyond it the job is
# left to its lease. Below the supervisor's own wait (callvault.web.supervisor).
DRAIN_SECONDS = 20.0


def periodic_jobs() -> list[Job]:
    """What runs every tick besides the pipeline."""
    return [sign_due_heads, run_watcher, deliver_alerts_job]


def run_jobs_once(sessions: sessionmaker[Session], jobs: Sequence[Job]) -> None:
    for job in jobs:
        with sessions() as session:
            try:
                job(session)
                session.commit()
            except Exception as exc:  # one failing job must not stop the rest
                session.rollback()
                log.error(
                    "background job failed",
                    extra={"job": getattr(job, "__name__", "?"), "error": type(exc).__name__},
                )


class JobsLoop:
    """The jobs process's loop on ``settings``' database, blobs and root key."""

    def __init__(
        self,
        settings: Settings,
        *,
        root_key: RootKeyProvider | None = None,
        blobs: BlobStore | None = None,
        pipeline_limit: int = 100,
        on_result: Callable[[JobResult], None] | None = None,
    ) -> None:
        root_key = root_key or LocalKeyFileProvider(settings.root_key_path)
        audit = AuditRuntime.for_settings(settings, root_key)
        self._engine = create_db_engine(settings.database_url)
        info = {**audit.session_info(), **delivery_session_info(root_key)}
        self.sessions = create_session_factory(self._engine, info)
        blobs = blobs or create_blob_store(settings)
        self.pipeline = PipelineWorker(
            self.sessions,
            blobs,
            PipelineRuntime(root_key, settings),
            limit=pipeline_limit,
            on_result=on_result,
        )
        retention = DailySweep(Sweeper(self.sessions, root_key, blobs))
        daily: list[Job] = [retention, DailyExpiryReminder()]
        exports = ExportBuilder(self.sessions, root_key, blobs)
        self.jobs: list[Job] = [*periodic_jobs(), *daily, exports, self.pipeline.run_pipeline]

    def run(self, stop: threading.Event, tick_seconds: float = TICK_SECONDS) -> None:
        """Tick until ``stop`` is set, then drain: a tick in progress ends, the pipeline
        claims nothing new and its job in flight gets ``DRAIN_SECONDS`` to finish."""
        while not stop.is_set():
            run_jobs_once(self.sessions, self.jobs)
            stop.wait(tick_seconds)
        if not self.pipeline.drain(DRAIN_SECONDS):
            log.warning("pipeline job still running at exit: left to its lease")

    def run_once(self) -> list[JobResult]:
        """One round in this thread: the periodic jobs, then the recording jobs due now
        (at most ``pipeline_limit``)."""
        run_jobs_once(self.sessions, periodic_jobs())
        return self.pipeline.run_now()

    def close(self) -> None:
        self._engine.dispose()


@contextmanager
def jobs_running(settings: Settings, tick_seconds: float = 0.2) -> Iterator[JobsLoop]:
    """The jobs loop in a thread of this process while the block runs (tests and
    embedders: ``callvault serve`` runs it in a process of its own)."""
    loop = JobsLoop(settings)
    stop = threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop, tick_seconds), name="jobs-loop")
    thread.start()
    try:
        yield loop
    finally:
        stop.set()
        thread.join()
        loop.close()
