"""``callvault worker`` on PostgreSQL: real worker processes on a real queue (procrastinate)
run the recording pipeline, retry with backoff, lose no job to ``kill -9``, and keep the
background schedules to one run cluster-wide. On SQLite the command refuses."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from callvault.web.app import create_app
from tests._serve import Vault, make_vault
from tests.audit._log import raw_database
from tests.calls.factories import call_payload
from tests.jobs._workers import (
    WorkerProcess,
    jobs_status,
    processing,
    recording,
    upload,
    wait_for,
)

PHI = [str(value) for value in call_payload().values()]


@pytest.fixture
def vault(tmp_path: Path, database_url: str) -> Vault:
    return make_vault(tmp_path / "data", database_url)


def objects(vault: Vault, call_id: str, kind: str) -> int:
    with raw_database(vault.settings) as connection:
        sql = "SELECT count(*) FROM call_objects WHERE call_id = :c AND kind = :k"
        return int(connection.execute(text(sql), {"c": call_id, "k": kind}).scalar_one())


def pipeline_stores(vault: Vault, call_id: str) -> int:
    """Scrubs the pipeline stored for the call (the upload itself is the client's)."""
    sql = (
        "SELECT count(*) FROM audit_log_events WHERE action = 'recording:upload'"
        " AND outcome = 'allowed' AND actor_id = 'pipeline' AND resource_id = :c"
    )
    with raw_database(vault.settings) as connection:
        return int(connection.execute(text(sql), {"c": call_id}).scalar_one())


def assert_no_phi(output: str) -> None:
    for value in PHI:
        if len(value) > 6:  # dates and short codes also appear as ids' neighbours
            assert value not in output


@pytest.mark.postgresql_only
def test_a_worker_process_runs_a_deferred_job(vault: Vault, tmp_path: Path) -> None:
    with TestClient(create_app(vault.settings)) as client:
        call_id = upload(client, vault, recording(tmp_path / "call.wav", seconds=2.0))
        assert processing(client, vault, call_id)["state"] == "pending"
        worker = WorkerProcess(vault, "--concurrency", "2")
        try:
            wait_for(lambda: processing(client, vault, call_id)["state"] == "done", 180, "done")
        finally:
            worker.stop()
        assert (
            client.get(f"/api/v1/calls/{call_id}/recording", headers=vault.reader).status_code
            == 200
        )
    assert f"call {call_id}: done" in worker.output()
    status = jobs_status(vault)
    assert "recording jobs: pending 0, processing 0, done 1, review 0, failed 0" in status
    assert worker.process.returncode == 0


@pytest.mark.postgresql_only
def test_a_failing_job_is_retried_with_backoff_then_shown_failed_with_its_reason(
    vault: Vault, tmp_path: Path
) -> None:
    # No transcriber and no transcript: every attempt fails with TranscriberUnavailable.
    args = ("--retry-delay", "1", "--max-attempts", "3")
    with TestClient(create_app(vault.settings)) as client:
        call_id = upload(client, vault, recording(tmp_path / "call.wav", seconds=1.0))
        worker = WorkerProcess(vault, *args, env={"CALLVAULT_TRANSCRIBER": "none"})
        try:
            wait_for(lambda: processing(client, vault, call_id)["state"] == "failed", 120, "failed")
        finally:
            worker.stop()
        job = processing(client, vault, call_id)
    assert (job["attempts"], job["reason"]) == (3, "TranscriberUnavailable")
    failures = worker.log_events("pipeline job failed")
    assert [f["attempt"] for f in failures] == [1, 2, 3]
    assert {f["error"] for f in failures} == {"TranscriberUnavailable"}
    at = [datetime.fromisoformat(f["time"]) for f in failures]
    # Waits of 1 s, then 2 s (doubling) at least; a loaded machine only adds to them.
    assert (at[1] - at[0]).total_seconds() >= 1.0
    assert (at[2] - at[1]).total_seconds() >= 2.0
    output = worker.output()
    assert f"call {call_id}: pending (TranscriberUnavailable)" in output
    assert f"call {call_id}: failed (TranscriberUnavailable)" in output
    status = jobs_status(vault)
    assert "failed 1" in status
    assert f"call {call_id} attempts 3 reason TranscriberUnavailable" in status
    assert_no_phi(output + status)


@pytest.mark.postgresql_only
def test_a_worker_killed_mid_job_loses_nothing_and_one_result_is_stored(
    vault: Vault, tmp_path: Path
) -> None:
    fast = ("--stalled-after", "3")  # heartbeats every second; silent 3 s means dead
    with TestClient(create_app(vault.settings)) as client:
        # Long enough that the transcription is still running when the worker dies.
        call_id = upload(client, vault, recording(tmp_path / "call.wav", seconds=10.0))
        first = WorkerProcess(vault, *fast)
        try:
            wait_for(
                lambda: processing(client, vault, call_id)["state"] == "processing", 120, "claimed"
            )
        finally:
            first.kill()
        assert processing(client, vault, call_id)["attempts"] == 1
        second = WorkerProcess(vault, *fast)
        try:
            wait_for(lambda: processing(client, vault, call_id)["state"] == "done", 400, "done")
        finally:
            second.stop()
        job = processing(client, vault, call_id)
        played = client.get(f"/api/v1/calls/{call_id}/recording", headers=vault.reader)
    assert played.status_code == 200
    assert job["attempts"] == 2 and job["reason"] is None
    assert f"call {call_id}: done" in second.output()
    assert objects(vault, call_id, "recording") == 1
    assert objects(vault, call_id, "transcript") == 1
    assert pipeline_stores(vault, call_id) == 1  # the scrub was stored once, by one attempt
    status = jobs_status(vault)
    assert "done 1" in status and "queue runs: failed 1" in status  # the dead worker's run


@pytest.mark.postgresql_only
def test_two_workers_run_each_schedule_once_cluster_wide(vault: Vault) -> None:
    workers = [WorkerProcess(vault), WorkerProcess(vault)]
    try:
        # A worker's queue thread starts at the end of its first round, so both have
        # tried every schedule once by now; a few more rounds each, then count.
        wait_for(lambda: "live workers 2" in jobs_status(vault), 120, "both workers up")
        time.sleep(3)
        status = jobs_status(vault)
    finally:
        for worker in workers:
            worker.stop()
    assert "schedule retention_sweep: runs 1," in status
    assert "schedule baa_expiry_reminder: runs 1," in status
    assert all(w.process.returncode == 0 for w in workers)


@pytest.mark.sqlite_only
def test_the_worker_refuses_sqlite_and_names_the_embedded_runner(vault: Vault) -> None:
    settings = vault.settings
    command = [sys.executable, "-m", "callvault.cli", "worker"]
    command += ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: callvault worker needs PostgreSQL (--database-url postgresql://...); on "
        "SQLite use `callvault jobs run` (the embedded runner)"
    ]
