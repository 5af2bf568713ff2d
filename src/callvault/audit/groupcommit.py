"""Group commit for audit events that are not part of a write transaction of their own.

A PHI read writes nothing but its audit event, and one fsync'd commit per read caps the
server at the disk's commit rate. ``GroupCommitter`` lets many requests share commits:
each ``submit``s its event and waits on the receipt, in a thread (``wait``) or on an
event loop (``wait_async``, how the server waits: ``callvault.audit.deferred``); one
writer thread takes everything queued, has it appended in ONE transaction and committed
once (``callvault.audit.writer``: in that thread, or in a child process as the server
does), and hands every waiter its sequence number. Writes keep appending inside their own
transaction instead (``callvault.audit.service.record_event``).

Why a dedicated writer thread rather than a leader elected among the waiters: the thread
that runs the commit cannot also watch the clock. With a leader, a hung database would
hang the leader's own request past its deadline; with a writer thread, every request
thread only waits, so each one turns a hung commit into ``AuditUnavailable`` (a 503) when
its timeout passes (RELIABILITY F7). A request waits for at most the commit in flight
when it arrived plus its own batch's commit; there is no timer that holds a batch open.

Fail closed: if anything in a batch fails (an insert, the commit), the transaction rolls
back, nothing of it is visible, and every waiter of that batch gets ``AuditUnavailable``.
The next batch starts afresh, so the committer recovers by itself once the database does.
A waiter that times out before the writer took its event withdraws it (it is never
written); one that times out while its batch is in flight gets ``AuditUnavailable`` and
its event may still commit later: an entry without an answer, never an answer without an
entry.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from contextlib import suppress

from sqlalchemy.orm import Session, sessionmaker

from callvault.audit.encoding import FIELDS
from callvault.audit.models import AuditEvent
from callvault.audit.writer import FAILED, BatchWriter, RowInsert, SessionWriter
from callvault.db.base import LOCK_TIMEOUT_MS
from callvault.errors import AuditUnavailable
from callvault.metrics import (
    AUDIT_BATCH_COMMIT_SECONDS,
    AUDIT_BATCH_EVENTS,
    AUDIT_BATCH_WAIT_SECONDS,
    AUDIT_BATCHES_FAILED,
)

log = logging.getLogger("callvault.audit")

# A waiter gives up when the database would have given up on a lock.
DEFAULT_TIMEOUT = LOCK_TIMEOUT_MS / 1000
# What a caller may put in an event: the log sets tenant_id and seq itself.
EVENT_FIELDS = frozenset(FIELDS) - {"tenant_id", "seq"}
REQUIRED_FIELDS = ("actor_type", "actor_id", "action", "resource_type", "outcome")
_MAX_LENGTHS = {
    name: length
    for name in EVENT_FIELDS
    if (length := getattr(AuditEvent.__table__.c[name].type, "length", None))
}


class Receipt:
    """One queued event. Its waiter blocks on ``wait`` (a thread) or ``wait_async`` (an
    event loop), once; the writer finishes it with ``seq`` or ``error``."""

    __slots__ = (
        "_committer",
        "_signal",
        "error",
        "event",
        "finished",
        "queued_at",
        "rows",
        "seq",
        "taken",
        "tenant_id",
        "watcher",
        "withdrawn",
    )

    def __init__(
        self,
        committer: GroupCommitter,
        tenant_id: str,
        event: Mapping[str, object],
        rows: Sequence[RowInsert] = (),
    ):
        self._committer = committer
        self.tenant_id = tenant_id
        self.event = event
        self.rows = rows
        self.queued_at = time.monotonic()  # for the batch wait metric
        self.seq = -1
        self.error: AuditUnavailable | None = None
        # Guarded by the committer's lock: set by the writer (taken, finished), by an
        # async waiter (watcher), or by a waiter who gave up first (withdrawn).
        self.taken = self.finished = self.withdrawn = False
        self.watcher: tuple[asyncio.AbstractEventLoop, asyncio.Future[None]] | None = None
        # A bare lock the writer releases: the cheapest wake-up there is for a thread.
        self._signal = threading.Lock()
        self._signal.acquire()

    def wait(self, timeout: float = DEFAULT_TIMEOUT) -> int:
        """Block until the event is committed and return its sequence number;
        ``AuditUnavailable`` if its batch failed or ``timeout`` seconds passed first."""
        if not self._signal.acquire(timeout=timeout):
            self._committer.give_up(self)
        return self.result()

    async def wait_async(self, timeout: float = DEFAULT_TIMEOUT) -> int:
        """``wait`` for an event loop: no thread is held while the commit is in flight."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        if self._committer.watch(self, loop, future):
            try:
                async with asyncio.timeout(timeout):
                    await future
            except TimeoutError:
                self._committer.give_up(self)
        return self.result()

    def release(self) -> None:
        """The writer's wake-up for a thread in ``wait``."""
        self._signal.release()

    def result(self) -> int:
        if self.error is not None:
            raise self.error
        return self.seq


class GroupCommitter:
    """Appends audit events from many threads with one transaction and commit per batch.

    ``target`` is where batches are written: a ``BatchWriter`` (the server passes a
    ``ProcessWriter``), or a sessionmaker whose sessions carry the audit runtime in
    ``session.info`` (``create_session_factory(engine, AuditRuntime.session_info())``),
    written in the writer thread with ``batch_timeout`` (``SessionWriter``). The
    committer closes the writer it was given. ``max_batch`` bounds one transaction;
    ``max_pending`` bounds the queue, beyond which ``submit`` fails at once instead of
    piling up behind a stuck database.
    """

    def __init__(
        self,
        target: sessionmaker[Session] | BatchWriter,
        *,
        max_batch: int = 2000,
        max_pending: int = 50_000,
        batch_timeout: float = 5.0,
    ) -> None:
        if max_batch < 1 or max_pending < 1:
            raise ValueError("max_batch and max_pending must be positive")
        self._batch_writer: BatchWriter = (
            SessionWriter(target, batch_timeout) if isinstance(target, sessionmaker) else target
        )
        self._max_batch = max_batch
        self._max_pending = max_pending
        self._queue: deque[Receipt] = deque()
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)
        self._writer_waiting = False
        self._closed = False
        # Read by tests, benchmarks and health checks; written by the writer thread only.
        self.committed_batches = 0
        self.committed_events = 0
        self.failed_batches = 0
        self._writer = threading.Thread(target=self._run, name="audit-group-commit", daemon=True)
        self._writer.start()

    # -- waiters -----------------------------------------------------------------

    def append(
        self, tenant_id: str, event: Mapping[str, object], timeout: float = DEFAULT_TIMEOUT
    ) -> int:
        """Queue one event, wait until it is committed, and return its sequence number.
        ``AuditUnavailable`` if it could not be: the caller must then not answer with
        the PHI it was about to return."""
        return self.submit(tenant_id, event).wait(timeout)

    def submit(
        self, tenant_id: str, event: Mapping[str, object], rows: Sequence[RowInsert] = ()
    ) -> Receipt:
        """Queue one event (a dict of ``EVENT_FIELDS``), and the new ``rows`` it records
        (committed with it, or not at all), without waiting; the caller must wait on the
        receipt before it answers. ``AuditUnavailable`` at once if the committer is
        closed or overloaded."""
        check_event(event)
        receipt = Receipt(self, tenant_id, event, rows)
        with self._lock:
            if self._closed:
                raise AuditUnavailable("the audit log is shutting down")
            if len(self._queue) >= self._max_pending:
                raise AuditUnavailable("the audit log is overloaded")
            self._queue.append(receipt)
            if self._writer_waiting:
                self._work.notify()
        return receipt

    def watch(
        self, receipt: Receipt, loop: asyncio.AbstractEventLoop, future: asyncio.Future[None]
    ) -> bool:
        """Have the writer resolve ``future`` on ``loop`` when ``receipt`` is finished;
        False if it already is."""
        with self._lock:
            if receipt.finished:
                return False
            receipt.watcher = (loop, future)
            return True

    def give_up(self, receipt: Receipt) -> None:
        """Called when a wait timed out: withdraw the event if the writer has not taken
        it yet (it is then never written), else leave it in flight. Returns only if its
        batch finished in the meantime."""
        with self._lock:
            receipt.withdrawn = not receipt.taken
            finished = receipt.finished
        if receipt.withdrawn or not finished:
            raise AuditUnavailable("the audit log did not answer in time")

    @property
    def batch_writer(self) -> BatchWriter:
        """Where batches are written (for operators and tests: a ``ProcessWriter``'s pid)."""
        return self._batch_writer

    def ping(self, timeout: float = 2.0) -> None:
        """Return if the committer takes events and its writer answers within
        ``timeout`` seconds; else ``AuditUnavailable`` (a readiness check, cheap: it
        queues nothing and writes nothing)."""
        with self._lock:
            closed = self._closed
        if closed or not self._writer.is_alive():
            raise AuditUnavailable("the audit log is not taking events")
        self._batch_writer.ping(timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Stop taking events, commit what is queued, and stop the writer thread and the
        batch writer."""
        with self._lock:
            self._closed = True
            self._work.notify()
        self._writer.join(timeout)
        self._batch_writer.close()

    def __enter__(self) -> GroupCommitter:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- the writer thread -------------------------------------------------------

    def _run(self) -> None:
        while (batch := self._take()) is not None:
            if batch:
                self._commit(batch)

    def _take(self) -> list[Receipt] | None:
        """Everything queued (up to ``max_batch``) whose waiter still waits; ``None``
        once closed and drained."""
        with self._lock:
            while not self._queue and not self._closed:
                self._writer_waiting = True
                self._work.wait()
                self._writer_waiting = False
            if not self._queue:
                return None
            taken: list[Receipt] = []
            while self._queue and len(taken) < self._max_batch:
                receipt = self._queue.popleft()
                if not receipt.withdrawn:
                    receipt.taken = True
                    taken.append(receipt)
            return taken

    def _commit(self, batch: list[Receipt]) -> None:
        started = time.monotonic()
        try:
            self._write(batch)
        except Exception as exc:  # any failure at all fails the batch closed
            self.failed_batches += 1
            AUDIT_BATCHES_FAILED.inc()
            log.warning("audit group commit failed", extra={"error": type(exc).__name__})
            for receipt in batch:
                receipt.error = AuditUnavailable("the audit event could not be written")
                receipt.error.__cause__ = exc
        else:
            self.committed_batches += 1
            self.committed_events += sum(receipt.error is None for receipt in batch)
        _observe(batch, started)
        self._finish(batch)

    def _finish(self, batch: list[Receipt]) -> None:
        """Wake every waiter of the batch: threads one by one, each event loop once."""
        futures: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
        with self._lock:
            for receipt in batch:
                receipt.finished = True
                if receipt.watcher is not None:
                    loop, future = receipt.watcher
                    futures.setdefault(loop, []).append(future)
        for receipt in batch:
            receipt.release()
        for loop, waiting in futures.items():
            with suppress(RuntimeError):  # the loop is closed: nobody waits there any more
                loop.call_soon_threadsafe(_resolve, waiting)

    def _write(self, batch: list[Receipt]) -> None:
        seqs = self._batch_writer.write([(r.tenant_id, r.event, r.rows) for r in batch])
        for receipt, seq in zip(batch, seqs, strict=True):
            receipt.seq = seq
            if seq == FAILED:
                receipt.error = AuditUnavailable("the record could not be written")


def _observe(batch: list[Receipt], started: float) -> None:
    """The batch's size, its write time, and how long its oldest event waited."""
    now = time.monotonic()
    AUDIT_BATCH_EVENTS.observe(len(batch))
    AUDIT_BATCH_COMMIT_SECONDS.observe(now - started)
    AUDIT_BATCH_WAIT_SECONDS.observe(now - min(receipt.queued_at for receipt in batch))


def _resolve(futures: list[asyncio.Future[None]]) -> None:
    for future in futures:
        if not future.done():  # a waiter that timed out cancelled its own
            future.set_result(None)


def check_event(event: Mapping[str, object]) -> None:
    """Refuse, before it is queued, an event that could only fail its whole batch (and
    so every other request in it): unknown or missing fields, a value of the wrong type,
    longer than its column, or not encodable as UTF-8. Names the field, never the value.
    A bug in the caller, so ``ValueError``."""
    unknown = set(event) - EVENT_FIELDS
    if unknown:
        raise ValueError(f"unknown audit event fields: {', '.join(sorted(unknown))}")
    for name in REQUIRED_FIELDS:
        if not event.get(name):
            raise ValueError(f"the audit event needs {name}")
    for name, value in event.items():
        if value is not None:
            _check_value(name, value)


def _check_value(name: str, value: object) -> None:
    if name == "at_ms":
        if type(value) is not int or not 0 <= value < 2**63:
            raise ValueError("the audit event's at_ms must be milliseconds since 1970")
        return
    if not isinstance(value, str):
        raise ValueError(f"the audit event's {name} must be text")
    if len(value) > _MAX_LENGTHS.get(name, len(value)):
        raise ValueError(f"the audit event's {name} is longer than {_MAX_LENGTHS[name]}")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"the audit event's {name} is not valid UTF-8") from None
