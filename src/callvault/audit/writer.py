"""Where the group committer's batches are written: in the committer's own thread
(``SessionWriter``) or in a child process (``ProcessWriter``, what the server uses).

A batch is a list of ``(tenant_id, event, rows)``; writing it inserts the items' new
rows (a write that is committed with its audit event: a call created, say), all items'
at once or, if that fails, each item's under a savepoint of its own, then appends every
event whose rows went in, all in ONE transaction (``append_events`` once per tenant,
tenants in sorted order, so each tenant's numbers stay gap-free and two writers cannot
deadlock), commits once, and returns each event's sequence number in batch order, or
``FAILED`` for an item whose rows could not be inserted (nothing of it is written; the
rest of the batch is). Any other failure raises, and nothing of the batch is visible.

Why a process: hashing, encoding and SQLite's inserts are Python work that holds the
GIL, about 25 µs per event, and every SQLite step releases and re-takes it. In the
server's process that work took turns with the event loop serving the requests the
events are for, so neither ran at full speed (about 8-11k events/s on two cores). The
child runs it on the other core, and the server's process only pickles the batch.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import tempfile
import threading
from collections.abc import Mapping, Sequence
from contextlib import suppress
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from typing import Protocol, cast

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from callvault.audit.append import append_events
from callvault.audit.keys import AuditKeys
from callvault.audit.runtime import AuditRuntime, SigningPolicy
from callvault.crypto.keyprovider import RootKeyProvider
from callvault.db.base import (
    LOCK_TIMEOUT_MS,
    Base,
    create_db_engine,
    create_session_factory,
)
from callvault.errors import AuditUnavailable
from callvault.gcpauses import freeze_startup_heap

log = logging.getLogger("callvault.audit")

# A new row committed with its audit event: the table's name and the row's values.
RowInsert = tuple[str, Mapping[str, object]]
Batch = Sequence[tuple[str, Mapping[str, object], Sequence[RowInsert]]]
READY = "ready"  # the child's first message once it can write
FAILED = -1  # the sequence number of an item whose rows could not be inserted
PING, PONG = "ping", "pong"  # a readiness check, and the child's answer

# For this transaction only (SET LOCAL), in one round trip.
_BOUND_WAITS = text(
    "SELECT set_config('lock_timeout', :ms, true), set_config('statement_timeout', :ms, true)"
)


class BatchWriter(Protocol):
    def write(self, batch: Batch) -> list[int]:
        """Append and commit the batch; each event's sequence number, in batch order."""
        ...

    def close(self) -> None: ...

    def ping(self, timeout: float) -> None:
        """Return if the writer answers within ``timeout`` seconds, else raise
        ``AuditUnavailable`` (readiness checks: ``callvault.web.health``)."""
        ...


class SessionWriter:
    """Writes batches through ``sessions`` in the calling thread. On PostgreSQL a batch
    may wait for locks or run at most ``batch_timeout`` seconds (SQLite's busy timeout
    plays that part there), so a stuck lock costs one failed batch, not a stuck writer."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        batch_timeout: float = 5.0,
        *,
        engine_bounds_waits: bool = False,
    ) -> None:
        """``engine_bounds_waits``: the sessions' engine already bounds each statement and
        lock wait by ``batch_timeout`` (``create_db_engine(statement_timeout_ms=...)``),
        which saves a round trip per batch."""
        if batch_timeout <= 0:
            raise ValueError("batch_timeout must be positive")
        self._sessions = sessions
        self._batch_timeout_ms = str(batch_timeout_ms(batch_timeout))
        self._bound_waits = not engine_bounds_waits

    def write(self, batch: Batch) -> list[int]:
        seqs = [FAILED] * len(batch)
        with self._sessions() as session:
            by_tenant: dict[str, list[int]] = {}
            for position, inserted in enumerate(self._insert_rows(session, batch)):
                if inserted:
                    by_tenant.setdefault(batch[position][0], []).append(position)
            for tenant_id in sorted(by_tenant):
                positions = by_tenant[tenant_id]
                first = append_events(session, tenant_id, [batch[p][1] for p in positions])
                for offset, position in enumerate(positions):
                    seqs[position] = first + offset
            session.commit()
        return seqs

    def _insert_rows(self, session: Session, batch: Batch) -> list[bool]:
        """Whether each item's rows went in. All items' rows at once first (a statement
        per table); only if that fails, a savepoint per item, so that one bad row fails
        its own request, not the whole batch."""
        self._bound_batch_waits(session)
        if _all_rows_inserted(session, [rows for _, _, rows in batch]):
            return [True] * len(batch)
        session.rollback()
        self._bound_batch_waits(session)
        return [_rows_inserted(session, rows) for _, _, rows in batch]

    def _bound_batch_waits(self, session: Session) -> None:
        if self._bound_waits and session.get_bind().dialect.name == "postgresql":
            session.execute(_BOUND_WAITS, {"ms": self._batch_timeout_ms})

    def close(self) -> None:
        pass

    def ping(self, timeout: float) -> None:
        """Nothing to ask: it writes in the committer's own thread, which the committer
        checks. (Whether the database answers is the database check's question.)"""


def batch_timeout_ms(batch_timeout: float) -> int:
    return int(batch_timeout * 1000)


def insert_rows(session: Session, rows: Sequence[RowInsert]) -> None:
    """Insert new rows (Core, with the columns' own types and defaults)."""
    for table, values in rows:
        session.execute(Base.metadata.tables[table].insert(), [dict(values)])


def _all_rows_inserted(session: Session, items: Sequence[Sequence[RowInsert]]) -> bool:
    """Insert every item's rows, parents before children, one statement per table and
    set of columns; False if any is refused (the caller rolls back)."""
    together: dict[tuple[str, frozenset[str]], list[dict[str, object]]] = {}
    for rows in items:
        for name, values in rows:
            together.setdefault((name, frozenset(values)), []).append(dict(values))
    if not together:
        return True
    if any(name not in Base.metadata.tables for name, _ in together):
        return False  # the item's own insert says which
    try:
        for table in Base.metadata.sorted_tables:
            for (name, _), rows_of_table in together.items():
                if name == table.name:
                    session.execute(table.insert(), rows_of_table)
    except SQLAlchemyError:
        return False
    return True


def _rows_inserted(session: Session, rows: Sequence[RowInsert]) -> bool:
    """Insert one item's rows under a savepoint: False, with nothing of them left, if
    they cannot be (so one bad row fails its own request, not the whole batch)."""
    if not rows:
        return True
    try:
        with session.begin_nested():
            insert_rows(session, rows)
    except (SQLAlchemyError, KeyError) as exc:
        log.warning("group-committed rows refused", extra={"error": type(exc).__name__})
        return False
    return True


FIRST_START_SECONDS = 60.0  # at server start; a restart for a batch waits reply_timeout
# ... but never less than this: a new process on a loaded host takes longer to start
# than a live one takes to answer (a 0.5 s reply timeout failed restarts under load).
RESTART_FLOOR_SECONDS = 5.0


class ProcessWriter:
    """Writes batches in a child process that has its own database engine and audit
    keys (unwrapped there through ``root``), sent one at a time over a pipe.

    Fail closed: a batch the child reports failed, a child that died, or one that gave
    no answer within ``reply_timeout`` seconds (it is then killed) raises
    ``AuditUnavailable``; the next batch starts a fresh child. A killed child's batch may
    still have committed: an entry without an answer, never an answer without an entry.
    A child that cannot open the database raises ``AuditUnavailable`` where it starts:
    here in the constructor, or in the batch that started it.
    """

    def __init__(
        self,
        database_url: str,
        root: RootKeyProvider,
        policy: SigningPolicy,
        *,
        schema_module: str,
        batch_timeout: float = 5.0,
        reply_timeout: float | None = None,
    ) -> None:
        """``schema_module`` names the module that maps every table (``callvault.db.models``,
        passed by the composition root): the child inserts group-committed rows by table
        name, so it needs the whole schema, which the audit trail itself does not import."""
        if batch_timeout <= 0:
            raise ValueError("batch_timeout must be positive")
        self._schema_module = schema_module
        self._child_args = (database_url, root, policy, batch_timeout, schema_module)
        # Beyond any wait the database itself would allow the batch.
        self._reply_timeout = reply_timeout or batch_timeout + 2 * LOCK_TIMEOUT_MS / 1000 + 5
        self._process: multiprocessing.process.BaseProcess | None = None
        self._pipe: Connection | None = None
        # One exchange on the pipe at a time: the committer's batches, a health check's ping.
        self._lock = threading.Lock()
        # A child that cannot start shows now, not on the first read. Its first start
        # may take long: it imports the whole schema, and a server starting on a busy
        # host starts it along with everything else.
        self._start(max(self._reply_timeout, FIRST_START_SECONDS))

    def write(self, batch: Batch) -> list[int]:
        with self._lock:
            reply = self._exchange(batch, self._reply_timeout)
        if isinstance(reply, str):  # the name of what the child's write raised
            raise AuditUnavailable(f"the audit event could not be written ({reply})")
        return cast(list[int], reply)

    def ping(self, timeout: float) -> None:
        """Ask the child to answer within ``timeout`` seconds (waiting for a batch in
        flight counts). A child that died or stays silent is stopped and reported: the
        next ping or batch starts a fresh one, so readiness comes back by itself."""
        if not self._lock.acquire(timeout=timeout):
            raise AuditUnavailable("the audit writer process is busy")
        try:
            reply = self._exchange(PING, timeout)
        finally:
            self._lock.release()
        if reply != PONG:
            raise AuditUnavailable("the audit writer process gave a wrong answer")

    def close(self) -> None:
        with self._lock:
            self._stop(kill=False)

    def _exchange(self, message: object, timeout: float) -> object:
        """Send one message and return the child's answer; the caller holds the lock."""
        if self._pipe is None:
            self._start(max(self._reply_timeout, RESTART_FLOOR_SECONDS))
        assert self._pipe is not None
        try:
            self._pipe.send(message)
            return self._receive(timeout)
        except (OSError, EOFError, TimeoutError) as exc:
            self._stop(kill=True)
            raise AuditUnavailable("the audit writer process is unavailable") from exc

    @property
    def pid(self) -> int | None:
        """The child's process id (for operators and tests); None between children."""
        return self._process.pid if self._process is not None else None

    def _start(self, timeout: float) -> None:
        """Start a child and wait until it has opened the database: one that cannot
        (or that dies or stays silent first) raises ``AuditUnavailable`` here."""
        context = _context(self._schema_module)
        ours, theirs = context.Pipe()
        process = context.Process(
            target=serve, args=(theirs, *self._child_args), name="audit-writer", daemon=True
        )
        self._process, self._pipe = process, ours
        try:
            process.start()
            theirs.close()
            greeting = self._receive(timeout)
        except (OSError, EOFError, TimeoutError) as exc:
            self._stop(kill=True)
            raise AuditUnavailable("the audit writer process did not start") from exc
        if greeting != READY:
            self._stop(kill=True)
            raise AuditUnavailable(f"the audit writer process could not start ({greeting})")

    def _receive(self, timeout: float) -> object:
        assert self._pipe is not None
        if not self._pipe.poll(timeout):
            raise TimeoutError("the audit writer process did not answer")
        return self._pipe.recv()

    def _stop(self, kill: bool) -> None:
        process, pipe = self._process, self._pipe
        self._process = self._pipe = None
        if process is None or pipe is None:
            return
        if not kill:
            with suppress(OSError):
                pipe.send(None)  # finish: the child exits after its current batch
            process.join(self._reply_timeout)
        if process.is_alive():
            process.kill()
            process.join()
        pipe.close()


def _context(schema_module: str) -> ForkServerContext | SpawnContext:
    """Fork server where there is one: forking the threaded server process itself is
    unsafe, and a fork server that has imported this module starts a child in
    milliseconds, where a spawned one imports SQLAlchemy and callvault again."""
    if "forkserver" not in multiprocessing.get_all_start_methods() or _long_temp_dir():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, schema_module])  # no effect once it runs
    return context


# The fork server listens on a Unix socket under TMPDIR (``pymp-*/listener-*``, about 32
# characters more); a socket path holds at most 107 bytes on Linux.
_UNIX_SOCKET_PATH_MAX = 107
_FORKSERVER_SOCKET_SUFFIX = 40


def _long_temp_dir() -> bool:
    """TMPDIR too long for the fork server's socket: it could not start (spawn then)."""
    return len(os.fsencode(tempfile.gettempdir())) + _FORKSERVER_SOCKET_SUFFIX > (
        _UNIX_SOCKET_PATH_MAX
    )


def serve(
    pipe: Connection,
    database_url: str,
    root: RootKeyProvider,
    policy: SigningPolicy,
    batch_timeout: float,
    schema_module: str,
) -> None:
    """The child: say ``READY`` once it has opened the database (else the name of the
    error, and stop), then write each batch received and answer with its sequence
    numbers or the name of the error; answer ``PING`` with ``PONG``; stop on ``None`` or
    when the parent's end closes."""
    importlib.import_module(schema_module)  # maps every table, for insert_rows
    engine = create_db_engine(database_url, statement_timeout_ms=batch_timeout_ms(batch_timeout))
    try:
        runtime = AuditRuntime(AuditKeys(root), policy)
        sessions = create_session_factory(engine, runtime.session_info())
        writer = SessionWriter(sessions, batch_timeout, engine_bounds_waits=True)
        with engine.connect():  # opens the database, without taking its write lock
            pass
        freeze_startup_heap()
        pipe.send(READY)
        while (batch := pipe.recv()) is not None:
            if batch == PING:
                pipe.send(PONG)
                continue
            try:
                reply: list[int] | str = writer.write(batch)
            except Exception as exc:  # reported to the parent, which fails the batch
                log.warning("audit writer batch failed", extra={"error": type(exc).__name__})
                reply = type(exc).__name__
            pipe.send(reply)
    except (EOFError, OSError):
        pass  # the parent is gone
    except Exception as exc:  # could not start: the parent reports it
        with suppress(OSError):
            pipe.send(type(exc).__name__)
    finally:
        engine.dispose()
