"""Group commit for audit events that are not part of a write transaction of their own.

A PHI read writes nothing but its audit event, and one fsync'd commit per read caps the
server at the disk's commit rate. ``GroupCommitter`` lets many request threads share
commits: each calls ``append(tenant_id, event)`` and blocks; one writer thread takes
everything queued, appends it in ONE transaction (``append_events`` once per tenant, so
each tenant's numbers stay gap-free and in order), commits once, and hands every waiter
its sequence number. Writes keep appending inside their own transaction instead
(``callvault.audit.service.record_event``).

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

import logging
import threading
from collections import deque
from collections.abc import Mapping

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from callvault.audit.encoding import FIELDS
from callvault.audit.log import append_events
from callvault.audit.models import AuditEvent
from callvault.errors import AuditUnavailable

log = logging.getLogger("callvault.audit")

# What a caller may put in an event: the log sets tenant_id and seq itself.
EVENT_FIELDS = frozenset(FIELDS) - {"tenant_id", "seq"}
REQUIRED_FIELDS = ("actor_type", "actor_id", "action", "resource_type", "outcome")
# For this transaction only (SET LOCAL), in one round trip.
_BOUND_WAITS = text(
    "SELECT set_config('lock_timeout', :ms, true), set_config('statement_timeout', :ms, true)"
)
_MAX_LENGTHS = {
    name: length
    for name in EVENT_FIELDS
    if (length := getattr(AuditEvent.__table__.c[name].type, "length", None))
}


class _Pending:
    """One queued event; its waiter blocks on ``signal``, a lock the writer releases
    once ``seq`` or ``error`` is set (a bare lock: the cheapest wake-up there is)."""

    __slots__ = ("error", "event", "seq", "signal", "taken", "tenant_id", "withdrawn")

    def __init__(self, tenant_id: str, event: Mapping[str, object]) -> None:
        self.tenant_id = tenant_id
        self.event = event
        self.seq = -1
        self.error: AuditUnavailable | None = None
        self.taken = False  # by the writer; guarded by the committer's lock
        self.withdrawn = False  # by its waiter, who gave up first; same lock
        self.signal = threading.Lock()
        self.signal.acquire()

    def finish(self, seq: int = -1, error: AuditUnavailable | None = None) -> None:
        self.seq, self.error = seq, error
        self.signal.release()


class GroupCommitter:
    """Appends audit events from many threads with one transaction and commit per batch.

    ``sessions`` must make sessions that carry the audit runtime in ``session.info``
    (``create_session_factory(engine, AuditRuntime.session_info())``). ``max_batch``
    bounds one transaction; ``max_pending`` bounds the queue, beyond which ``append``
    fails at once instead of piling up behind a stuck database. On PostgreSQL a batch
    may wait for locks or run at most ``batch_timeout`` seconds (SQLite's busy timeout
    plays that part there), so a stuck lock costs one failed batch, not a stuck writer.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        max_batch: int = 2000,
        max_pending: int = 50_000,
        batch_timeout: float = 5.0,
    ) -> None:
        if max_batch < 1 or max_pending < 1 or batch_timeout <= 0:
            raise ValueError("max_batch, max_pending and batch_timeout must be positive")
        self._sessions = sessions
        self._max_batch = max_batch
        self._max_pending = max_pending
        self._batch_timeout_ms = int(batch_timeout * 1000)
        self._queue: deque[_Pending] = deque()
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

    # -- request threads ---------------------------------------------------------

    def append(self, tenant_id: str, event: Mapping[str, object], timeout: float = 5.0) -> int:
        """Queue one event (a dict of ``EVENT_FIELDS``), wait until it is committed, and
        return its sequence number. ``AuditUnavailable`` if its batch failed, the
        committer is closed or overloaded, or ``timeout`` seconds passed first: the
        caller must then not answer with the PHI it was about to return."""
        check_event(event)
        pending = _Pending(tenant_id, event)
        with self._lock:
            if self._closed:
                raise AuditUnavailable("the audit log is shutting down")
            if len(self._queue) >= self._max_pending:
                raise AuditUnavailable("the audit log is overloaded")
            self._queue.append(pending)
            if self._writer_waiting:
                self._work.notify()
        if not pending.signal.acquire(timeout=timeout):
            self._give_up(pending)
        if pending.error is not None:
            raise pending.error
        return pending.seq

    def _give_up(self, pending: _Pending) -> None:
        """Called when the wait timed out: withdraw the event if the writer has not
        taken it yet (it is then never written), else leave it in flight. Returns
        only if its batch finished in the meantime."""
        with self._lock:
            pending.withdrawn = not pending.taken
        if pending.withdrawn or not pending.signal.acquire(blocking=False):
            raise AuditUnavailable("the audit log did not answer in time")

    def close(self, timeout: float = 10.0) -> None:
        """Stop taking events, commit what is queued, and stop the writer thread."""
        with self._lock:
            self._closed = True
            self._work.notify()
        self._writer.join(timeout)

    def __enter__(self) -> GroupCommitter:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- the writer thread -------------------------------------------------------

    def _run(self) -> None:
        while (batch := self._take()) is not None:
            if batch:
                self._commit(batch)

    def _take(self) -> list[_Pending] | None:
        """Everything queued (up to ``max_batch``) whose waiter still waits; ``None``
        once closed and drained."""
        with self._lock:
            while not self._queue and not self._closed:
                self._writer_waiting = True
                self._work.wait()
                self._writer_waiting = False
            if not self._queue:
                return None
            taken: list[_Pending] = []
            while self._queue and len(taken) < self._max_batch:
                pending = self._queue.popleft()
                if not pending.withdrawn:
                    pending.taken = True
                    taken.append(pending)
            return taken

    def _commit(self, batch: list[_Pending]) -> None:
        try:
            self._write(batch)
        except Exception as exc:  # any failure at all fails the batch closed
            self.failed_batches += 1
            log.warning("audit group commit failed", extra={"error": type(exc).__name__})
            for pending in batch:
                failure = AuditUnavailable("the audit event could not be written")
                failure.__cause__ = exc
                pending.finish(error=failure)
            return
        self.committed_batches += 1
        self.committed_events += len(batch)
        for pending in batch:
            pending.finish(pending.seq)

    def _write(self, batch: list[_Pending]) -> None:
        by_tenant: dict[str, list[_Pending]] = {}
        for pending in batch:
            by_tenant.setdefault(pending.tenant_id, []).append(pending)
        with self._sessions() as session:
            self._bound_waits(session)
            # One lock order for every process, so two committers cannot deadlock.
            for tenant_id in sorted(by_tenant):
                items = by_tenant[tenant_id]
                first = append_events(session, tenant_id, [p.event for p in items])
                for offset, pending in enumerate(items):
                    pending.seq = first + offset
            session.commit()

    def _bound_waits(self, session: Session) -> None:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(_BOUND_WAITS, {"ms": str(self._batch_timeout_ms)})


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
