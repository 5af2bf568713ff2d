"""Liveness and readiness probes for load balancers and service managers.

- ``GET /healthz``: the process is up and its event loop answers. Nothing else is asked,
  so a restart is never triggered by a database that is down.
- ``GET /readyz``: the parts a request needs answer: the database (a trivial query), the
  audit writer (the group committer's writer answers a ping), the blob store (its
  ``check()``) and the recording job queue (readable and not stalled: the rule is in
  ``callvault.web.queue``). ``200`` when all do, else ``503`` problem+json whose ``checks`` member
  names each part ``ok`` or ``failing``, and nothing more: no exception text, paths or
  URLs (the logs get the error's type).

Both are public, audit nothing and carry no tenant data. Every check runs in a thread,
never on the event loop, and is bounded by ``CHECK_TIMEOUT``: a hung database answers
``503`` in seconds, not a hung probe. A check still running from an earlier probe is
waited on again rather than started twice, so a hung dependency holds at most one
thread per check, however often the probe is called.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from callvault.audit.groupcommit import GroupCommitter
from callvault.audit.runtime import AuditRuntime
from callvault.blobs.interface import BlobStore
from callvault.errors import AuditUnavailable
from callvault.web.pools import PooledRoute
from callvault.web.problems import PROBLEM_JSON, problem
from callvault.web.queue import check_queue

log = logging.getLogger("callvault.web")

CHECK_TIMEOUT = 2.0  # seconds; well inside the usual 5 s probe timeout of a balancer
NO_STORE = {"Cache-Control": "no-store"}
CheckState = Literal["ok", "failing"]
Check = Callable[[], None]


class Health(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready"]
    checks: dict[str, CheckState]


class NotReady(BaseModel):
    """RFC 9457 problem details, with the state of each part in ``checks``."""

    type: str
    title: str
    status: int
    detail: str | None = None
    checks: dict[str, CheckState]


def _problem_response(model: type[BaseModel], description: str) -> dict[str, object]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": model.model_json_schema()}},
    }


router = APIRouter(tags=["health"], route_class=PooledRoute)


@router.get("/healthz", response_model=Health, summary="Liveness: the process is up")
async def healthz(response: Response) -> dict[str, str]:
    response.headers.update(NO_STORE)
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=Ready,
    summary="Readiness: the database, the audit writer, the blob store and the job queue answer",
    responses={503: _problem_response(NotReady, "A part named in checks is failing")},
)
async def readyz(request: Request) -> JSONResponse:
    readiness: Readiness = request.app.state.readiness
    checks = await readiness.run()
    if all(state == "ok" for state in checks.values()):
        return JSONResponse({"status": "ready", "checks": checks}, headers=NO_STORE)
    response = problem(503, "Not ready", "a part the service needs does not answer", checks=checks)
    response.headers.update(NO_STORE)
    return response


class Readiness:
    """Runs the named checks at once, each in a thread of its own, bounded in time."""

    def __init__(self, checks: dict[str, Check], timeout: float = CHECK_TIMEOUT) -> None:
        self._checks = checks
        self._timeout = timeout
        self._in_flight: dict[str, Future[None]] = {}

    async def run(self) -> dict[str, CheckState]:
        """``ok`` or ``failing`` for every check, in at most ``timeout`` seconds."""
        futures = {name: asyncio.wrap_future(self._submit(name)) for name in self._checks}
        await asyncio.wait(futures.values(), timeout=self._timeout)
        return {name: self._state(name, future) for name, future in futures.items()}

    def _submit(self, name: str) -> Future[None]:
        running = self._in_flight.get(name)  # only touched on the event loop: no lock
        if running is None or running.done():
            running = self._in_flight[name] = Future()
            running.set_running_or_notify_cancel()  # a probe that gives up cannot cancel it
            # A daemon thread, not a pool's: a check hung on a dead database must not
            # keep the process from exiting at shutdown.
            thread = threading.Thread(
                target=_run, args=(self._checks[name], running), name=f"readyz-{name}"
            )
            thread.daemon = True
            thread.start()
        return running

    @staticmethod
    def _state(name: str, future: asyncio.Future[None]) -> CheckState:
        if not future.done():
            future.cancel()  # our view of it only: the thread's check runs on
            log.warning("readiness check timed out: " + name)
            return "failing"
        error = future.exception()
        if error is not None:
            log.warning("readiness check failed: " + name, extra={"error": type(error).__name__})
            return "failing"
        return "ok"


def _run(check: Check, future: Future[None]) -> None:
    try:
        check()
    except BaseException as exc:  # handed to the probe, which names the part only
        future.set_exception(exc)
    else:
        future.set_result(None)


def standard_checks(engine: Engine, audit: AuditRuntime, blobs: BlobStore) -> dict[str, Check]:
    """The server's readiness checks: ``database``, ``audit_writer``, ``blob_store``,
    ``queue``."""
    queue_engine = _never_creating(engine)
    return {
        "database": lambda: check_database(engine),
        "audit_writer": lambda: check_audit_writer(audit),
        "blob_store": blobs.check,
        "queue": lambda: check_job_queue(queue_engine),
    }


def check_job_queue(engine: Engine) -> None:
    """The recording job queue can be read and is not stalled (``callvault.web.queue``)."""
    with engine.connect() as connection:
        check_queue(connection)


def _never_creating(engine: Engine) -> Engine:
    """On SQLite, an engine whose every connection is fresh and may not create the
    file (as ``check_database``); elsewhere ``engine`` itself."""
    if engine.dialect.name != "sqlite":
        return engine
    uri = f"file:{quote(engine.url.database or '')}?mode=rw"
    return create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, timeout=CHECK_TIMEOUT),
        poolclass=NullPool,
    )


def check_database(engine: Engine) -> None:
    """A trivial query. On SQLite through a fresh connection that may not create the
    file: a pooled one would keep answering from a database file deleted underneath."""
    if engine.dialect.name == "sqlite":
        _check_sqlite_file(engine)
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")


def _check_sqlite_file(engine: Engine) -> None:
    path = engine.url.database
    if not path:
        raise sqlite3.OperationalError("no database file")
    uri = f"file:{quote(path)}?mode=rw"  # rw: never creates a missing database
    connection = sqlite3.connect(uri, uri=True, timeout=CHECK_TIMEOUT, isolation_level=None)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        connection.close()


def check_audit_writer(audit: AuditRuntime) -> None:
    """The group committer takes events and its writer (process) answers a ping."""
    committer = audit.committer
    if not isinstance(committer, GroupCommitter):  # None: not started, or shutting down
        raise AuditUnavailable("the audit log is not running")
    committer.ping(CHECK_TIMEOUT)
