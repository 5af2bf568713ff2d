"""The recording pipeline on PostgreSQL: a procrastinate worker (``callvault.jobs.queue``)
in a thread of the jobs process, running up to ``concurrency`` jobs at once, each in a
thread of its own.

Beside procrastinate's own fetch loop the thread's event loop runs the upkeep every
``tick`` seconds: defer a run for each due recording job (``queue.defer_due``) and,
every few ticks, hand the jobs of workers that stopped sending heartbeats back to the
queue (``queue.stalled_recording_jobs``). Every worker does both; queueing locks and
conditional updates make a second one's work a no-op.

``QueuedPipeline`` has the interface ``JobsLoop`` drives ``PipelineWorker`` through
(``run_pipeline`` each tick, ``run_now``, ``drain``), so the jobs process is the same
program on either database.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

from procrastinate import App, JobContext
from procrastinate.worker import Worker
from sqlalchemy.orm import Session, sessionmaker

from callvault.blobs.interface import BlobStore
from callvault.jobs import queue
from callvault.jobs.service import claim_job, due_job_ids, expire_lease
from callvault.pipeline.runner import JobResult, PipelineRuntime, run_claimed, run_due_jobs

log = logging.getLogger("callvault.pipeline")

RECOVER_EVERY_TICKS = 5
DISPATCH_BATCH = 100


class QueuedPipeline:
    """The procrastinate worker for recording jobs, started by ``run_pipeline``."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        blobs: BlobStore,
        runtime: PipelineRuntime,
        database_url: str,
        *,
        concurrency: int = 1,
        stalled_after: float = queue.STALLED_AFTER_SECONDS,
        tick: float = 1.0,
        limit: int = 100,
        on_result: Callable[[JobResult], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._blobs = blobs
        self._runtime = runtime
        self._concurrency = concurrency
        self._stalled_after = stalled_after
        self._tick = tick
        self._limit = limit
        self._on_result = on_result
        self.app = queue.queue_app(database_url, max_connections=concurrency + 4)
        self.app.task(name=queue.RECORDING_TASK, queue=queue.RECORDING_QUEUE, pass_context=True)(
            run_recording_job
        )
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- what JobsLoop calls ---------------------------------------------------------

    def run_pipeline(self, _: Session) -> bool:
        """Start the worker thread if it is not running (a periodic job: it comes back
        if it died, the database having gone away say); True if started."""
        with self._lock:
            if self._stopping.is_set() or (self._thread and self._thread.is_alive()):
                return False
            self._thread = threading.Thread(target=self._serve, name="callvault-queue")
            self._thread.daemon = True  # a job cut off by exit is recovered as stalled
            self._thread.start()
            return True

    def run_now(self) -> list[JobResult]:
        """The due jobs run in this thread (``callvault jobs run --once``): claims keep
        this apart from the queue's workers."""
        return run_due_jobs(
            self._sessions,
            self._blobs,
            self._runtime,
            self._limit,
            stopping=self._stopping.is_set,
            on_result=self._on_result,
        )

    def drain(self, timeout: float) -> bool:
        """Fetch nothing more; wait up to ``timeout`` seconds for the jobs in flight.
        True if none is left running (else they are recovered once this process's
        heartbeats stop)."""
        with self._lock:
            self._stopping.set()  # the worker's loop sees it (``_stop_when_asked``)
            thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    # -- one job, in a thread of procrastinate's worker -----------------------------------

    def run_job(self, job_id: str, queue_job_id: int) -> JobResult | None:
        """Claim the recording job and run it; None if it was not due any more."""
        runtime = self._runtime
        with self._sessions() as session:
            token = queue.lease_token(queue_job_id)
            claim = claim_job(session, job_id, runtime.clock(), runtime.retry, token)
        if claim is None:
            return None
        result = run_claimed(self._sessions, self._blobs, runtime, claim)
        if self._on_result is not None:
            self._on_result(result)
        return result

    # -- the worker thread -------------------------------------------------------------

    def _serve(self) -> None:
        try:
            asyncio.run(self._main())
        except Exception as exc:  # the database went away, say: the next tick restarts it
            log.error("queue worker failed", extra={"error": type(exc).__name__})

    async def _main(self) -> None:
        async with self.app.open_async():
            worker = Worker(
                self.app,
                queues=[queue.RECORDING_QUEUE],
                name="callvault-pipeline",
                concurrency=self._concurrency,
                install_signal_handlers=False,  # the jobs process handles its signals
                update_heartbeat_interval=self._stalled_after / 3,
                stalled_worker_timeout=self._stalled_after,
                delete_jobs="successful",  # recording_jobs keeps the history that matters
                additional_context={"pipeline": self},
                shutdown_graceful_timeout=None,
            )
            if self._stopping.is_set():
                return
            side = [
                asyncio.create_task(self._upkeep(self.app), name="callvault-upkeep"),
                asyncio.create_task(self._stop_when_asked(worker), name="callvault-stop"),
            ]
            try:
                await worker.run()  # type: ignore[no-untyped-call]  # unannotated upstream
            finally:
                for task in side:
                    task.cancel()

    async def _stop_when_asked(self, worker: Worker) -> None:
        """Stop the worker once ``drain`` asks, from its own loop: a stop asked for
        before ``Worker.run`` got going would be reset by it."""
        while not self._stopping.is_set():
            await asyncio.sleep(0.2)
        worker.stop()  # type: ignore[no-untyped-call]  # unannotated upstream

    async def _upkeep(self, app: App) -> None:
        ticks = 0
        while True:
            try:
                if ticks % RECOVER_EVERY_TICKS == 0:
                    await self._recover(app)
                ids = await asyncio.to_thread(self._due_ids)
                await queue.defer_due(app, ids)
            except Exception as exc:  # logged by type only; the next tick tries again
                log.error("queue upkeep failed", extra={"error": type(exc).__name__})
            ticks += 1
            await asyncio.sleep(self._tick)

    def _due_ids(self) -> list[str]:
        with self._sessions() as session:
            return due_job_ids(session, self._runtime.clock(), DISPATCH_BATCH)

    async def _recover(self, app: App) -> None:
        """The jobs of dead workers: due again now, and their runs failed (``WorkerLost``
        in procrastinate's history), which frees their locks for the next dispatch."""
        for run in await queue.stalled_recording_jobs(app, self._stalled_after):
            try:
                if run.job_id is not None:
                    await asyncio.to_thread(self._expire, run.job_id, run.queue_job_id)
                await queue.fail_stalled(app, run.queue_job_id)
            except Exception as exc:  # another worker recovered it first, say
                log.info("stalled run not recovered here", extra={"error": type(exc).__name__})
                continue
            log.warning(
                "recording job's worker stopped: queued again",
                extra={"job": run.job_id},
            )

    def _expire(self, job_id: str, queue_job_id: int) -> None:
        with self._sessions() as session:
            prefix = queue.token_prefix(queue_job_id)
            expire_lease(session, job_id, prefix, self._runtime.clock())


def run_recording_job(context: JobContext, job_id: str) -> dict[str, Any]:
    """procrastinate's task (``queue.RECORDING_TASK``): run one recording job. Returns
    ids, a state and an error class only (procrastinate logs it)."""
    pipeline = context.additional_context["pipeline"]
    assert isinstance(pipeline, QueuedPipeline) and context.job.id is not None
    result = pipeline.run_job(job_id, context.job.id)
    if result is None:
        return {"job": job_id, "state": "not due"}
    return {"job": job_id, "state": result.state, "reason": result.reason}
