"""Group commit of audit events (``callvault.audit.groupcommit``) on a real database:
batching with gap-free numbering that verifies, fail closed on a failing batch with
recovery, and a hung database turned into ``AuditUnavailable`` within the timeout. The
committer's tests run with both writers (``callvault.audit.writer``): in its thread, and
in a child process as the server does; the child's own failures are tested at the end.

The audit store is broken for real (a trigger that refuses inserts) and hung for real
(another connection holding the lock the append needs)."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from callvault.audit.append import append_events
from callvault.audit.groupcommit import GroupCommitter
from callvault.audit.models import AuditLog, AuditTreeHead
from callvault.audit.proofs import current_size
from callvault.audit.runtime import AuditRuntime, SigningPolicy, runtime
from callvault.audit.verify import verify_tenant
from callvault.audit.writer import FAILED, ProcessWriter, SessionWriter
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.db.base import create_db_engine, create_session_factory
from callvault.errors import AuditUnavailable, InvalidInput
from callvault.settings import Settings, load_settings
from callvault.tenants.service import get_tenant
from callvault.web.app import create_app
from tests._vault import TENANT_A, TENANT_B, TokenFactory

Sessions = sessionmaker[Session]
SLACK = 1.5  # seconds a timed-out waiter may take beyond its timeout on a busy machine


def event(request_id: str) -> dict[str, object]:
    return {
        "actor_type": "user",
        "actor_id": "user-0001",
        "action": "call:read",
        "resource_type": "call",
        "resource_id": "call-0001",
        "outcome": "allowed",
        "source_ip": "192.0.2.7",
        "request_id": request_id,
    }


@pytest.fixture
def engine(vault: Settings) -> Iterator[Engine]:
    engine = create_db_engine(vault.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(vault: Settings, engine: Engine) -> Sessions:
    audit = AuditRuntime.for_settings(vault, LocalKeyFileProvider(vault.root_key_path))
    return create_session_factory(engine, audit.session_info())


def child_of(writer: ProcessWriter) -> int:
    assert writer.pid is not None
    return writer.pid


def process_writer(vault: Settings, **options: float) -> ProcessWriter:
    root = LocalKeyFileProvider(vault.root_key_path)
    return ProcessWriter(
        vault.database_url, root, SigningPolicy(), schema_module="callvault.db.models", **options
    )


@pytest.fixture(params=["thread", "process"])
def committer(
    request: pytest.FixtureRequest, vault: Settings, sessions: Sessions
) -> Iterator[GroupCommitter]:
    target = sessions if request.param == "thread" else process_writer(vault)
    with GroupCommitter(target) as committer:
        yield committer


@pytest.fixture
def tenant(sessions: Sessions) -> str:
    return tenant_of(sessions, TENANT_A)


def tenant_of(sessions: Sessions, name: str) -> str:
    with sessions() as session:
        return get_tenant(session, name).id


def stored_request_ids(sessions: Sessions, tenant_id: str) -> dict[int, str]:
    with sessions() as session:
        rows = session.execute(
            text("SELECT seq, request_id FROM audit_log_events WHERE tenant_id = :t"),
            {"t": tenant_id},
        )
        return {seq: request_id for seq, request_id in rows}


def log_size(sessions: Sessions, tenant_id: str) -> int:
    with sessions() as session:
        return current_size(session, tenant_id)


def assert_verifies(sessions: Sessions, tenant_id: str, events: int) -> None:
    with sessions() as session:
        verdict = verify_tenant(session, runtime(session).keys, tenant_id)
    assert verdict.ok, verdict.problem
    assert verdict.events == events


def run_threads(threads: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` for i in range(threads), all released at once; results or errors."""
    start = threading.Barrier(threads)

    def task(i: int) -> object:
        start.wait()
        try:
            return work(i)
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(task, range(threads)))


# -- batching ---------------------------------------------------------------------


def test_concurrent_appends_share_commits_and_number_every_event_once(
    committer: GroupCommitter, sessions: Sessions, tenant: str
) -> None:
    threads, per_thread = 16, 200
    before = log_size(sessions, tenant)

    def append_many(thread: int) -> dict[str, int]:
        got = {}
        for n in range(per_thread):
            request_id = f"req-{thread:02d}-{n:03d}"
            got[request_id] = committer.append(tenant, event(request_id))
        return got

    returned: dict[str, int] = {}
    for result in run_threads(threads, append_many):
        assert isinstance(result, dict), result
        returned.update(result)

    total = threads * per_thread
    assert len(returned) == total
    assert sorted(returned.values()) == list(range(before, before + total))
    stored = stored_request_ids(sessions, tenant)
    assert {seq: stored[seq] for seq in returned.values()} == {
        seq: request_id for request_id, seq in returned.items()
    }
    assert committer.committed_events == total
    assert committer.committed_batches < total // 2  # batching happened
    assert committer.failed_batches == 0
    assert_verifies(sessions, tenant, before + total)


def test_batches_sign_the_head_when_the_policy_says_and_verify(
    vault: Settings, engine: Engine, tenant: str
) -> None:
    keys = AuditRuntime.for_settings(vault, LocalKeyFileProvider(vault.root_key_path)).keys
    every_three = AuditRuntime(keys, SigningPolicy(sign_every_events=3, sign_every_seconds=3600))
    sessions = create_session_factory(engine, every_three.session_info())
    with sessions() as session:
        head = session.get_one(AuditLog, tenant)
        size, unsigned = head.size, head.size - head.signed_size
    writer, signed_sizes = SessionWriter(sessions), []
    for number in range(7):
        writer.write([(tenant, event(f"req-{number}"), ())])
        size, unsigned = size + 1, unsigned + 1
        if unsigned >= 3:  # the batch that makes three unsigned signs, and only that one
            signed_sizes.append(size)
            unsigned = 0
    with sessions() as session:
        heads = session.scalars(
            select(AuditTreeHead.tree_size).where(
                AuditTreeHead.tenant_id == tenant, AuditTreeHead.tree_size > size - 7
            )
        ).all()
    assert sorted(heads) == signed_sizes
    assert_verifies(sessions, tenant, size)


def test_an_orm_copy_of_the_head_is_current_after_an_append_in_its_session(
    sessions: Sessions, tenant: str
) -> None:
    with sessions() as session:
        head = session.get_one(AuditLog, tenant)
        before = head.size
        append_events(session, tenant, [event("req-1"), event("req-2")])
        session.commit()
        assert session.get_one(AuditLog, tenant).size == before + 2


def test_a_batch_with_two_tenants_keeps_each_log_gap_free(
    committer: GroupCommitter, sessions: Sessions
) -> None:
    with sessions() as session:
        tenants = [get_tenant(session, TENANT_A).id, get_tenant(session, TENANT_B).id]
    before = {t: log_size(sessions, t) for t in tenants}

    def append_many(thread: int) -> list[tuple[str, int]]:
        tenant_id = tenants[thread % 2]
        return [
            (tenant_id, committer.append(tenant_id, event(f"req-{thread}-{n}"))) for n in range(50)
        ]

    seqs: dict[str, list[int]] = {t: [] for t in tenants}
    for result in run_threads(8, append_many):
        assert isinstance(result, list), result
        for tenant_id, seq in result:
            seqs[tenant_id].append(seq)
    for tenant_id in tenants:
        start = before[tenant_id]
        assert sorted(seqs[tenant_id]) == list(range(start, start + 200))
        assert_verifies(sessions, tenant_id, start + 200)


# -- fail closed -------------------------------------------------------------------


def refuse_audit_inserts(engine: Engine) -> None:
    with engine.begin() as db:
        if engine.dialect.name == "sqlite":
            db.exec_driver_sql(
                "CREATE TRIGGER audit_disk_full BEFORE INSERT ON audit_log_events"
                " BEGIN SELECT RAISE(ABORT, 'audit disk full'); END"
            )
            return
        db.exec_driver_sql(
            "CREATE FUNCTION audit_disk_full() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'audit disk full'; END $$"
        )
        db.exec_driver_sql(
            "CREATE TRIGGER audit_disk_full BEFORE INSERT ON audit_log_events"
            " FOR EACH ROW EXECUTE FUNCTION audit_disk_full()"
        )


def accept_audit_inserts(engine: Engine) -> None:
    with engine.begin() as db:
        db.exec_driver_sql("DROP TRIGGER audit_disk_full" + _on_table(engine))


def _on_table(engine: Engine) -> str:
    return "" if engine.dialect.name == "sqlite" else " ON audit_log_events"


def test_a_failing_batch_fails_every_waiter_stores_nothing_and_recovers(
    committer: GroupCommitter, sessions: Sessions, engine: Engine, tenant: str
) -> None:
    before = log_size(sessions, tenant)
    refuse_audit_inserts(engine)

    results = run_threads(8, lambda i: committer.append(tenant, event(f"req-refused-{i}")))

    assert all(isinstance(r, AuditUnavailable) for r in results), results
    assert committer.failed_batches >= 1
    assert committer.committed_events == 0
    assert log_size(sessions, tenant) == before
    assert not any(
        r.startswith("req-refused") for r in stored_request_ids(sessions, tenant).values()
    )

    accept_audit_inserts(engine)
    assert committer.append(tenant, event("req-after")) == before
    assert stored_request_ids(sessions, tenant)[before] == "req-after"
    assert_verifies(sessions, tenant, before + 1)


# -- a hung database -----------------------------------------------------------------


@contextmanager
def audit_log_locked(engine: Engine) -> Iterator[Connection]:
    """Another party holds what an append needs: on SQLite the write lock, on
    PostgreSQL the log head table. Released (rolled back) on exit."""
    with engine.connect() as holder:
        holder.begin()
        if engine.dialect.name == "sqlite":
            holder.exec_driver_sql("SELECT 1")  # BEGIN IMMEDIATE took the write lock
        else:
            holder.exec_driver_sql("LOCK TABLE audit_logs IN ACCESS EXCLUSIVE MODE")
        try:
            yield holder
        finally:
            holder.rollback()


def timed_append(committer: GroupCommitter, tenant: str, name: str, timeout: float) -> float:
    started = time.monotonic()
    with pytest.raises(AuditUnavailable):
        committer.append(tenant, event(name), timeout=timeout)
    return time.monotonic() - started


def test_a_hung_commit_fails_every_waiter_within_its_timeout(
    committer: GroupCommitter, sessions: Sessions, engine: Engine, tenant: str
) -> None:
    timeout = 1.0
    with audit_log_locked(engine):
        waited = run_threads(8, lambda i: timed_append(committer, tenant, f"req-h-{i}", timeout))
    assert all(isinstance(w, float) for w in waited), waited
    assert all(timeout <= w < timeout + SLACK for w in waited), waited  # type: ignore[operator]

    # Once the lock is gone the committer works again, without a restart.
    seq = committer.append(tenant, event("req-after"), timeout=10.0)
    assert stored_request_ids(sessions, tenant)[seq] == "req-after"
    assert_verifies(sessions, tenant, log_size(sessions, tenant))


@pytest.mark.postgresql_only
@pytest.mark.parametrize("kind", ["thread", "process"])
def test_a_batch_stuck_behind_a_lock_fails_after_the_batch_timeout_on_postgresql(
    kind: str, vault: Settings, sessions: Sessions, engine: Engine, tenant: str
) -> None:
    # The writer is not stuck for as long as the lock is held: its batch gives up. (The
    # thread bounds each batch's waits; the process's engine bounds every statement.)
    target = sessions if kind == "thread" else process_writer(vault, batch_timeout=0.5)
    with GroupCommitter(target, batch_timeout=0.5) as committer:
        with audit_log_locked(engine):
            waited = timed_append(committer, tenant, "req-stuck", 5.0)
            assert waited < 0.5 + SLACK
            assert committer.failed_batches == 1
        assert committer.append(tenant, event("req-after"), timeout=10.0) >= 0


def test_an_event_whose_waiter_gave_up_before_it_was_taken_is_never_written(
    committer: GroupCommitter, sessions: Sessions, engine: Engine, tenant: str
) -> None:
    with audit_log_locked(engine):
        in_flight = threading.Thread(
            target=timed_append, args=(committer, tenant, "req-in-flight", 0.5)
        )
        in_flight.start()
        time.sleep(0.3)  # the writer has taken it and waits for the lock
        timed_append(committer, tenant, "req-withdrawn", 0.3)
        in_flight.join()

    seq = committer.append(tenant, event("req-after"), timeout=10.0)
    stored = stored_request_ids(sessions, tenant)
    assert stored[seq] == "req-after"
    assert "req-withdrawn" not in stored.values()


def test_a_full_queue_fails_at_once(sessions: Sessions, engine: Engine, tenant: str) -> None:
    with GroupCommitter(sessions, max_pending=1) as committer, audit_log_locked(engine):
        in_flight = threading.Thread(target=timed_append, args=(committer, tenant, "req-1", 1.0))
        queued = threading.Thread(target=timed_append, args=(committer, tenant, "req-2", 1.0))
        in_flight.start()
        time.sleep(0.3)  # taken by the writer, which now waits for the lock
        queued.start()
        time.sleep(0.1)  # queued behind it: the queue is full
        assert timed_append(committer, tenant, "req-3", 5.0) < 0.5
        in_flight.join()
        queued.join()


# -- lifecycle and input --------------------------------------------------------------


def test_close_commits_what_was_queued_and_refuses_what_comes_after(
    sessions: Sessions, tenant: str
) -> None:
    committer = GroupCommitter(sessions)
    seq = committer.append(tenant, event("req-before-close"))
    committer.close()
    committer.close()  # twice is fine
    with pytest.raises(AuditUnavailable):
        committer.append(tenant, event("req-after-close"))
    stored = stored_request_ids(sessions, tenant)
    assert stored[seq] == "req-before-close"
    assert "req-after-close" not in stored.values()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tenant_id": "another"}, "unknown audit event fields: tenant_id"),
        ({"seq": 7}, "unknown audit event fields: seq"),
        ({"colour": "red"}, "unknown audit event fields: colour"),
        ({"actor_id": None}, "needs actor_id"),
        ({"outcome": ""}, "needs outcome"),
        ({"resource_id": "x" * 65}, "resource_id is longer than 64"),
        ({"user_agent": "x" * 257}, "user_agent is longer than 256"),
        ({"actor_id": 7}, "actor_id must be text"),
        ({"reason": "lone \ud800 surrogate"}, "reason is not valid UTF-8"),
        ({"at_ms": -1}, "at_ms must be milliseconds"),
        ({"at_ms": "1700000000000"}, "at_ms must be milliseconds"),
    ],
)
def test_an_event_that_would_fail_its_batch_is_refused_before_it_is_queued(
    committer: GroupCommitter,
    sessions: Sessions,
    tenant: str,
    change: dict[str, object],
    message: str,
) -> None:
    before = log_size(sessions, tenant)
    with pytest.raises(ValueError, match=message):
        committer.append(tenant, {**event("req-bad"), **change})
    assert log_size(sessions, tenant) == before
    assert committer.append(tenant, event("req-good")) == before


def test_non_ascii_text_is_stored_as_given(
    committer: GroupCommitter, sessions: Sessions, tenant: str
) -> None:
    seq = committer.append(tenant, {**event("req-ünïcode"), "reason": "Überprüfung"})
    assert stored_request_ids(sessions, tenant)[seq] == "req-ünïcode"
    assert_verifies(sessions, tenant, log_size(sessions, tenant))


def test_settings_that_make_no_sense_are_refused(sessions: Sessions) -> None:
    for bad in ({"max_batch": 0}, {"max_pending": 0}, {"batch_timeout": 0}):
        with pytest.raises(ValueError, match="must be positive"):
            GroupCommitter(sessions, **bad)


# -- waiting on an event loop (how the server waits: callvault.audit.deferred) ---------


async def gather_results(*waits: Coroutine[Any, Any, int]) -> list[object]:
    return list(await asyncio.gather(*waits, return_exceptions=True))


async def submit_and_wait(
    committer: GroupCommitter, tenant: str, name: str, timeout: float = 5.0
) -> int:
    return await committer.submit(tenant, event(name)).wait_async(timeout)


def test_async_waiters_share_commits_and_number_every_event_once(
    committer: GroupCommitter, sessions: Sessions, tenant: str
) -> None:
    before = log_size(sessions, tenant)
    names = [f"req-async-{n:03d}" for n in range(400)]

    seqs = asyncio.run(gather_results(*(submit_and_wait(committer, tenant, n) for n in names)))

    assert sorted(seqs) == list(range(before, before + len(names)))  # type: ignore[type-var]
    stored = stored_request_ids(sessions, tenant)
    assert [stored[seq] for seq in seqs] == names  # type: ignore[index]
    assert committer.committed_batches < len(names) // 4  # one loop, big batches
    assert_verifies(sessions, tenant, before + len(names))


def test_async_waiters_of_a_failing_batch_all_fail_and_nothing_is_stored(
    committer: GroupCommitter, sessions: Sessions, engine: Engine, tenant: str
) -> None:
    before = log_size(sessions, tenant)
    refuse_audit_inserts(engine)
    waits = (submit_and_wait(committer, tenant, f"req-refused-{n}") for n in range(20))
    results = asyncio.run(gather_results(*waits))
    accept_audit_inserts(engine)

    assert all(isinstance(r, AuditUnavailable) for r in results), results
    assert log_size(sessions, tenant) == before
    assert asyncio.run(submit_and_wait(committer, tenant, "req-after")) == before


def test_an_async_wait_on_a_hung_commit_times_out_without_holding_up_the_loop(
    committer: GroupCommitter, engine: Engine, tenant: str
) -> None:
    timeout = 1.0

    async def timed(name: str) -> float:
        started = time.monotonic()
        with pytest.raises(AuditUnavailable):
            await submit_and_wait(committer, tenant, name, timeout)
        return time.monotonic() - started

    async def main() -> tuple[list[float], int]:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        waited = await asyncio.gather(*(timed(f"req-hung-{n}") for n in range(8)))
        ticker.cancel()
        return waited, ticks

    with audit_log_locked(engine):
        waited, ticks = asyncio.run(main())
    assert all(timeout <= w < timeout + SLACK for w in waited), waited
    assert ticks >= 40  # the loop kept running other work while they waited


def test_a_receipt_finished_before_anyone_waits_answers_at_once(
    committer: GroupCommitter, sessions: Sessions, tenant: str
) -> None:
    receipt = committer.submit(tenant, event("req-early"))
    seq = receipt.wait()
    assert asyncio.run(receipt.wait_async(timeout=0.01)) == seq
    assert stored_request_ids(sessions, tenant)[seq] == "req-early"


# -- the writer process ------------------------------------------------------------------


def test_a_writer_process_that_dies_fails_its_batch_and_a_fresh_one_takes_over(
    vault: Settings, sessions: Sessions, engine: Engine, tenant: str
) -> None:
    writer = process_writer(vault)
    with GroupCommitter(writer) as committer:
        first = committer.append(tenant, event("req-first"))
        dead = child_of(writer)
        with audit_log_locked(engine):
            receipt = committer.submit(tenant, event("req-lost"))
            time.sleep(0.3)  # the child has taken the batch and waits for the lock
            os.kill(dead, signal.SIGKILL)
            with pytest.raises(AuditUnavailable):
                receipt.wait(timeout=10.0)
        assert committer.failed_batches == 1

        assert committer.append(tenant, event("req-after"), timeout=10.0) == first + 1
        assert writer.pid != dead
    assert stored_request_ids(sessions, tenant)[first + 1] == "req-after"
    assert_verifies(sessions, tenant, first + 2)


def test_a_writer_process_that_does_not_answer_in_time_is_replaced(
    vault: Settings, sessions: Sessions, engine: Engine, tenant: str
) -> None:
    writer = process_writer(vault, reply_timeout=0.5)
    hung = child_of(writer)
    with audit_log_locked(engine):
        started = time.monotonic()
        with pytest.raises(AuditUnavailable, match="writer process"):
            writer.write([(tenant, event("req-hung"), ())])
        assert time.monotonic() - started < 0.5 + SLACK
    assert writer.write([(tenant, event("req-after"), ())]) == [log_size(sessions, tenant) - 1]
    assert writer.pid != hung
    writer.close()
    with pytest.raises(ProcessLookupError):
        os.kill(hung, 0)  # killed, not left behind


def test_a_writer_process_that_cannot_open_the_database_fails_at_once(
    vault: Settings, tmp_path: Path
) -> None:
    root = LocalKeyFileProvider(vault.root_key_path)
    unreachable = f"sqlite:///{tmp_path / 'no-such-dir' / 'callvault.db'}"
    started = time.monotonic()
    with pytest.raises(AuditUnavailable, match=r"could not start \(OperationalError\)"):
        ProcessWriter(unreachable, root, SigningPolicy(), schema_module="callvault.db.models")
    assert time.monotonic() - started < 5.0  # told at once, not after the 20 s reply timeout


def test_close_stops_the_writer_process(vault: Settings, tenant: str) -> None:
    writer = process_writer(vault)
    child = child_of(writer)
    writer.write([(tenant, event("req-one"), ())])
    writer.close()
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


def wait_until_gone(pid: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    raise AssertionError("the process is still there")


def test_a_ping_reports_a_killed_writer_process_and_the_next_one_starts_afresh(
    vault: Settings, sessions: Sessions, tenant: str
) -> None:
    writer = process_writer(vault)
    with GroupCommitter(writer) as committer:
        committer.ping(timeout=2.0)
        dead = child_of(writer)
        os.kill(dead, signal.SIGKILL)
        wait_until_gone(dead)
        with pytest.raises(AuditUnavailable, match="writer process"):
            committer.ping(timeout=2.0)
        committer.ping(timeout=2.0)  # a fresh child: ready again without a request
        assert writer.pid not in (None, dead)
        assert committer.append(tenant, event("req-after-ping")) >= 0
    with pytest.raises(AuditUnavailable):
        committer.ping(timeout=2.0)  # closed: it takes no more events


def test_a_ping_while_the_writer_hangs_fails_within_its_timeout(
    vault: Settings, engine: Engine, tenant: str
) -> None:
    writer = process_writer(vault)
    with GroupCommitter(writer) as committer, audit_log_locked(engine):
        receipt = committer.submit(tenant, event("req-stuck"))
        time.sleep(0.3)  # the child has taken the batch and waits for the lock
        started = time.monotonic()
        with pytest.raises(AuditUnavailable, match="busy"):
            committer.ping(timeout=0.5)
        assert time.monotonic() - started < 0.5 + SLACK
        with pytest.raises(AuditUnavailable):
            receipt.wait(timeout=0.1)


def test_the_audit_writer_is_chosen_in_the_environment() -> None:
    def writer(value: str) -> str:
        return load_settings("/tmp/unused", environ={"CALLVAULT_AUDIT_WRITER": value}).audit_writer

    assert load_settings("/tmp/unused", environ={}).audit_writer == "process"
    assert writer("thread") == "thread"
    with pytest.raises(InvalidInput, match="CALLVAULT_AUDIT_WRITER"):
        writer("fork")


def test_a_server_with_the_thread_writer_audits_its_reads(
    vault: Settings, sessions: Sessions, tenant: str, auth: TokenFactory
) -> None:
    headers = auth("supervisor")
    before = log_size(sessions, tenant)
    app = create_app(dataclasses.replace(vault, audit_writer="thread"))
    with TestClient(app) as client:
        assert client.get("/api/v1/calls", headers=headers).status_code == 200
    assert log_size(sessions, tenant) == before + 1


# -- rows committed with their event (group-committed creates) --------------------------


def policy_row(tenant_id: str) -> tuple[str, dict[str, object]]:
    """A new row for a table with a primary key: inserting it twice fails the second."""
    return ("tenant_policies", {"tenant_id": tenant_id})


def policy_rows(sessions: Sessions, tenant_id: str) -> int:
    with sessions() as session:
        query = text("SELECT count(*) FROM tenant_policies WHERE tenant_id = :t")
        return int(session.execute(query, {"t": tenant_id}).scalar_one())


@pytest.mark.parametrize("kind", ["thread", "process"])
def test_rows_that_cannot_be_inserted_fail_their_own_item_and_nothing_of_it_is_written(
    kind: str, vault: Settings, sessions: Sessions, tenant: str
) -> None:
    writer = process_writer(vault) if kind == "process" else SessionWriter(sessions)
    before = log_size(sessions, tenant)
    try:
        seqs = writer.write(
            [
                (tenant, event("req-plain"), ()),
                (tenant, event("req-creates"), [policy_row(tenant)]),
                (tenant, event("req-duplicate"), [policy_row(tenant)]),
                (tenant, event("req-after"), ()),
            ]
        )
    finally:
        writer.close()
    assert seqs == [before, before + 1, FAILED, before + 2]
    assert policy_rows(sessions, tenant) == 1
    assert "req-duplicate" not in stored_request_ids(sessions, tenant).values()
    assert_verifies(sessions, tenant, before + 3)


def test_items_with_rows_of_different_columns_all_go_in_as_given(
    sessions: Sessions, tenant: str
) -> None:
    other = tenant_of(sessions, TENANT_B)
    seqs = SessionWriter(sessions).write(
        [
            (tenant, event("req-a"), [policy_row(tenant)]),
            (
                other,
                event("req-b"),
                [("tenant_policies", {"tenant_id": other, "session_idle_minutes": 7})],
            ),
        ]
    )
    assert FAILED not in seqs
    with sessions() as session:
        query = text("SELECT tenant_id, session_idle_minutes FROM tenant_policies")
        minutes = dict(session.execute(query).tuples().all())
    assert minutes == {tenant: 15, other: 7}


def test_rows_for_a_table_that_does_not_exist_fail_their_own_item(
    sessions: Sessions, tenant: str
) -> None:
    before = log_size(sessions, tenant)
    seqs = SessionWriter(sessions).write(
        [
            (tenant, event("req-a"), [policy_row(tenant)]),
            (tenant, event("req-b"), [("no_such_table", {"id": "x"})]),
        ]
    )
    assert seqs == [before, FAILED]
    assert policy_rows(sessions, tenant) == 1


def test_a_submission_with_rows_commits_them_with_its_event_or_fails_alone(
    committer: GroupCommitter, sessions: Sessions, tenant: str
) -> None:
    seq = committer.submit(tenant, event("req-creates"), [policy_row(tenant)]).wait()
    with pytest.raises(AuditUnavailable, match="record could not be written"):
        committer.submit(tenant, event("req-duplicate"), [policy_row(tenant)]).wait()
    assert committer.append(tenant, event("req-next")) == seq + 1
    assert policy_rows(sessions, tenant) == 1
    assert stored_request_ids(sessions, tenant)[seq] == "req-creates"


START_AND_WRITE = """
import sys
from callvault.audit.runtime import SigningPolicy
from callvault.audit.writer import ProcessWriter
from callvault.crypto.keyprovider import LocalKeyFileProvider
from tests.audit.test_groupcommit import event
writer = ProcessWriter(sys.argv[1], LocalKeyFileProvider(sys.argv[2]), SigningPolicy(),
                       schema_module="callvault.db.models")
writer.write([(sys.argv[3], event("req-long-tmpdir"), ())])
writer.close()
"""


def test_the_writer_starts_under_a_temp_dir_too_long_for_a_socket(
    vault: Settings, tenant: str, tmp_path: Path
) -> None:
    # The fork server listens on a Unix socket under TMPDIR; past about 70 characters its
    # path no longer fits (107 bytes), and a server started there could not audit at all.
    long_tmp = tmp_path / ("t" * 40) / ("m" * 40)
    long_tmp.mkdir(parents=True)
    started = subprocess.run(
        [
            sys.executable,
            "-c",
            START_AND_WRITE,
            vault.database_url,
            str(vault.root_key_path),
            tenant,
        ],
        env={**os.environ, "TMPDIR": str(long_tmp)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr[-2000:]
