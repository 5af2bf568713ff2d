"""The job queue in ``/readyz``: a stalled queue (jobs overdue past ``STALL`` and none
moving) is not ready; a busy one that moves is; an unreadable table is not."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import insert, text, update

from callvault.calls.models import Call
from callvault.db.base import new_id, utcnow
from callvault.jobs.models import JobState, RecordingJob
from callvault.settings import Settings
from callvault.web.queue import ACTIVE_STATES, JOB_STATES, STALL
from tests._vault import TokenFactory
from tests.audit._log import raw_database
from tests.calls.factories import call_payload
from tests.web.test_health import not_ready

LONG_AGO = STALL + timedelta(minutes=5)


def test_the_states_named_here_are_the_jobs_states() -> None:
    assert set(JOB_STATES) == {state.value for state in JobState}
    assert set(ACTIVE_STATES) == {JobState.PENDING.value, JobState.PROCESSING.value}


def add_job(
    client: TestClient,
    auth: TokenFactory,
    vault: Settings,
    state: JobState,
    due: datetime | None,
    updated: datetime,
) -> str:
    response = client.post("/api/v1/calls", json=call_payload(), headers=auth("integration"))
    call_id: str = response.json()["id"]
    job_id = new_id()
    with raw_database(vault) as connection:
        tenant_id = connection.execute(
            Call.__table__.select().with_only_columns(Call.tenant_id).limit(1)
        ).scalar_one()
        connection.execute(
            insert(RecordingJob).values(
                id=job_id,
                tenant_id=tenant_id,
                call_id=call_id,
                recording_id=new_id(),
                state=state.value,
                attempts=1,
                next_attempt_at=due,
                created_at=updated,
                updated_at=updated,
            )
        )
    return job_id


def test_jobs_overdue_with_nothing_moving_make_the_queue_not_ready(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    stale = utcnow() - LONG_AGO
    assert client.get("/readyz").status_code == 200
    add_job(client, auth, vault, JobState.PENDING, due=stale, updated=stale)
    not_ready(client.get("/readyz"), "queue")


def test_a_lease_run_out_long_ago_makes_the_queue_not_ready(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    stale = utcnow() - LONG_AGO
    add_job(client, auth, vault, JobState.PROCESSING, due=stale, updated=stale)
    not_ready(client.get("/readyz"), "queue")


def test_a_long_backlog_that_is_being_worked_stays_ready(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    stale = utcnow() - LONG_AGO
    waiting = add_job(client, auth, vault, JobState.PENDING, due=stale, updated=stale)
    not_ready(client.get("/readyz"), "queue")
    # A worker finishes another job: the queue moves, so it is busy, not stalled.
    add_job(client, auth, vault, JobState.DONE, due=None, updated=utcnow())
    assert client.get("/readyz").status_code == 200
    # Jobs due recently (under STALL) never count against it, moving or not.
    with raw_database(vault) as connection:
        connection.execute(
            update(RecordingJob)
            .where(RecordingJob.id == waiting)
            .values(next_attempt_at=utcnow() - timedelta(minutes=1))
        )
        connection.execute(update(RecordingJob).values(updated_at=utcnow() - LONG_AGO))
    assert client.get("/readyz").status_code == 200


def test_an_unreadable_queue_table_is_not_ready(client: TestClient, vault: Settings) -> None:
    assert client.get("/readyz").status_code == 200
    with raw_database(vault) as connection:
        connection.execute(text("ALTER TABLE recording_jobs RENAME TO recording_jobs_gone"))
    try:
        body = not_ready(client.get("/readyz"), "queue")
        assert "recording_jobs" not in str(body)
    finally:
        with raw_database(vault) as connection:
            connection.execute(text("ALTER TABLE recording_jobs_gone RENAME TO recording_jobs"))
    assert client.get("/readyz").status_code == 200
