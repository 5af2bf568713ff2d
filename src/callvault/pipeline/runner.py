"""Running due jobs: ``run_due_jobs`` (``callvault jobs run --once`` and tests) and
``PipelineWorker`` (the jobs process's loop, ``callvault.web.background``: one worker
thread, so a CPU-heavy transcription does not hold up the loop's other periodic jobs).
The jobs process is not an API process: pocketsphinx holds the GIL for seconds at a
time, and requests must not wait for it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from callvault.blobs.interface import BlobStore
from callvault.crypto.keyprovider import RootKeyProvider
from callvault.db.base import utcnow
from callvault.jobs.models import JobState
from callvault.jobs.service import (
    Claim,
    LeaseLost,
    RetryPolicy,
    any_due,
    claim_next,
    finish_done,
    finish_failed,
    finish_review,
    renew,
)
from callvault.metrics import observe_recording_job
from callvault.pipeline.steps import Heartbeat, StepContext, Superseded, process
from callvault.settings import Settings
from callvault.transcription.factory import create_transcriber
from callvault.transcription.interface import Transcriber

log = logging.getLogger("callvault.pipeline")


@dataclass
class PipelineRuntime:
    """What running jobs needs besides sessions and blobs. ``transcriber`` defaults to
    ``settings.transcriber`` (made on first use: loading a model takes a while);
    ``clock`` and ``retry`` are injected by tests."""

    root_key: RootKeyProvider
    settings: Settings
    transcriber: Transcriber | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    clock: Callable[[], datetime] = utcnow
    heartbeat_every_s: float = 30.0

    def get_transcriber(self) -> Transcriber:
        if self.transcriber is None:
            self.transcriber = create_transcriber(self.settings.transcriber)
        return self.transcriber


@dataclass(frozen=True)
class JobResult:
    """How one attempt ended: ``state`` is the job's state afterwards ("lost" if
    another worker or a new upload took it over); ``reason`` an error class name."""

    job_id: str
    call_id: str
    state: str
    reason: str | None = None


def run_due_jobs(
    sessions: sessionmaker[Session],
    blobs: BlobStore,
    runtime: PipelineRuntime,
    limit: int = 10,
    *,
    stopping: Callable[[], bool] = lambda: False,
    on_result: Callable[[JobResult], None] | None = None,
) -> list[JobResult]:
    """Claim and run due jobs one at a time, at most ``limit``, claiming no more once
    ``stopping()`` says so; what each came to (also told to ``on_result``)."""
    results: list[JobResult] = []
    while len(results) < limit and not stopping():
        with sessions() as session:
            claim = claim_next(session, runtime.clock(), runtime.retry)
        if claim is None:
            break
        results.append(run_claimed(sessions, blobs, runtime, claim))
        if on_result is not None:
            on_result(results[-1])
    return results


def run_claimed(
    sessions: sessionmaker[Session], blobs: BlobStore, runtime: PipelineRuntime, claim: Claim
) -> JobResult:
    """Run one claimed attempt; counted for the metrics by how it ended (a failure with
    attempts left is a ``retry``)."""
    started = time.monotonic()
    result = _run_claimed(sessions, blobs, runtime, claim)
    outcome = "retry" if result.state == JobState.PENDING.value else result.state
    observe_recording_job(outcome, time.monotonic() - started)
    return result


def _run_claimed(
    sessions: sessionmaker[Session], blobs: BlobStore, runtime: PipelineRuntime, claim: Claim
) -> JobResult:
    def renew_lease() -> None:
        with sessions() as session:
            renew(session, claim, runtime.clock(), runtime.retry)

    ctx = StepContext(
        sessions,
        blobs,
        runtime.root_key,
        runtime.settings.data_dir,
        runtime.get_transcriber,
        Heartbeat(renew_lease, runtime.heartbeat_every_s),
    )
    try:
        review = process(ctx, claim)
    except (LeaseLost, Superseded):
        return JobResult(claim.job_id, claim.call_id, "lost")
    except Exception as exc:  # every failure is the job's, recorded by class name only
        return _failed(sessions, runtime, claim, type(exc).__name__)
    try:
        with sessions() as session:
            if review is not None:  # scrubbed, but not played until someone checks it
                finish_review(session, claim, review, runtime.clock())
            else:
                finish_done(session, claim, runtime.clock())
    except LeaseLost:
        return JobResult(claim.job_id, claim.call_id, "lost")
    if review is not None:
        return JobResult(claim.job_id, claim.call_id, JobState.REVIEW.value, review)
    return JobResult(claim.job_id, claim.call_id, JobState.DONE.value)


def _failed(
    sessions: sessionmaker[Session], runtime: PipelineRuntime, claim: Claim, reason: str
) -> JobResult:
    log.warning(
        "pipeline job failed",
        extra={"job": claim.job_id, "attempt": claim.attempt, "error": reason},
    )
    try:
        with sessions() as session:
            state = finish_failed(session, claim, reason, runtime.clock(), runtime.retry)
    except LeaseLost:
        return JobResult(claim.job_id, claim.call_id, "lost", reason)
    return JobResult(claim.job_id, claim.call_id, state.value, reason)


class PipelineWorker:
    """The jobs process's pipeline: ``run_pipeline`` is a periodic job (called every
    tick with a session) that starts one worker thread when jobs are due and none is
    running. Other processes run their own: claims keep them apart. ``drain`` stops
    claiming and waits a while for the job in flight; one still running after that is
    left to its lease (the thread is a daemon) and retried by whoever runs next."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        blobs: BlobStore,
        runtime: PipelineRuntime,
        *,
        limit: int = 100,
        on_result: Callable[[JobResult], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._blobs = blobs
        self._runtime = runtime
        self._limit = limit
        self._on_result = on_result
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def run_pipeline(self, session: Session) -> bool:
        """Start the worker thread if there is work and it is idle; True if started."""
        with self._lock:
            if self._stopping.is_set():
                return False
            if self._thread is not None and self._thread.is_alive():
                return False
            if not any_due(session, self._runtime.clock()):
                return False
            self._thread = threading.Thread(target=self._work, name="callvault-pipeline")
            self._thread.daemon = True  # a job cut off by exit is retried after its lease
            self._thread.start()
            return True

    def run_now(self) -> list[JobResult]:
        """Run the due jobs in the calling thread (``callvault jobs run --once``)."""
        return run_due_jobs(
            self._sessions,
            self._blobs,
            self._runtime,
            self._limit,
            stopping=self._stopping.is_set,
            on_result=self._on_result,
        )

    def _work(self) -> None:
        try:
            self.run_now()
        except Exception as exc:  # the database went away, say: next tick tries again
            log.error("pipeline worker failed", extra={"error": type(exc).__name__})

    def drain(self, timeout: float) -> bool:
        """Claim nothing more; wait up to ``timeout`` seconds for the job in flight.
        True if none is left running."""
        with self._lock:
            self._stopping.set()
            thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()
