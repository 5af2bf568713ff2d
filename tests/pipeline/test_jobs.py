"""The job queue: failures, backoff, claims, leases, the server's loop and the CLI."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from typer.testing import CliRunner

from callvault.cli.main import app as cli
from callvault.jobs.service import LeaseLost, RetryPolicy, claim_next, finish_done
from callvault.settings import Settings
from callvault.web.background import jobs_running
from tests._vault import TokenFactory
from tests.pipeline._helpers import (
    Pipeline,
    create_call,
    processing,
    sine_recording,
    upload,
)

# RIFF/WAVE magic (the upload sniffer takes it), then nothing a decoder can read.
BROKEN_WAV = b"RIFF\x24\x08\x00\x00WAVEfmt " + b"\xff" * 200


def test_broken_audio_fails_with_a_reason_and_is_retried_with_backoff(
    client: TestClient, auth: TokenFactory, pipeline: Pipeline
) -> None:
    ingest, agent = auth("integration"), auth("agent")
    call_id = create_call(client, ingest)
    upload(client, ingest, call_id, BROKEN_WAV)
    pipeline.runtime.retry = RetryPolicy(max_attempts=3, base_delay=timedelta(seconds=10))
    pipeline.clock.freeze()  # the waits below are checked to the second

    [first] = pipeline.run()
    assert (first.state, first.reason) == ("pending", "BadAudio")
    state = processing(client, agent, call_id)
    assert (state["state"], state["reason"], state["attempts"]) == ("pending", "BadAudio", 1)

    assert pipeline.run() == []  # backing off: not due yet
    pipeline.clock.advance(seconds=9)
    assert pipeline.run() == []
    pipeline.clock.advance(seconds=1)  # 10 s after the first failure
    [second] = pipeline.run()
    assert (second.state, processing(client, agent, call_id)["attempts"]) == ("pending", 2)
    pipeline.clock.advance(seconds=19)
    assert pipeline.run() == []  # the second wait is twice as long
    pipeline.clock.advance(seconds=1)
    [third] = pipeline.run()
    assert (third.state, third.reason) == ("failed", "BadAudio")

    pipeline.clock.advance(days=1)
    assert pipeline.run() == []  # failed stays failed
    state = processing(client, agent, call_id)
    assert (state["state"], state["reason"], state["attempts"]) == ("failed", "BadAudio", 3)
    refused = client.get(f"/api/v1/calls/{call_id}/recording", headers=agent)
    assert refused.status_code == 409 and "could not be scrubbed" in refused.json()["detail"]


def test_a_job_is_claimed_by_one_worker_only(
    client: TestClient, auth: TokenFactory, pipeline: Pipeline, tmp_path: Path
) -> None:
    ingest = auth("integration")
    call_id = create_call(client, ingest)
    upload(client, ingest, call_id, sine_recording(tmp_path / "a.wav").read_bytes())
    policy, now = RetryPolicy(), pipeline.clock()
    claims: list[object] = []
    start = threading.Barrier(4)

    def worker() -> None:
        start.wait()
        with pipeline.sessions() as session:
            claims.append(claim_next(session, now, policy))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [c for c in claims if c is not None]
    assert len(won) == 1 and len(claims) == 4


def test_a_crashed_workers_job_is_retried_after_its_lease(
    client: TestClient, auth: TokenFactory, pipeline: Pipeline, tmp_path: Path
) -> None:
    ingest, agent = auth("integration"), auth("agent")
    call_id = create_call(client, ingest)
    upload(client, ingest, call_id, sine_recording(tmp_path / "a.wav").read_bytes())
    policy = RetryPolicy(lease=timedelta(minutes=5))
    with pipeline.sessions() as session:
        crashed = claim_next(session, pipeline.clock(), policy)  # ...and never finishes
    assert crashed is not None
    assert processing(client, agent, call_id)["state"] == "processing"
    assert pipeline.run() == []  # leased
    pipeline.clock.advance(minutes=5, seconds=1)

    [result] = pipeline.run()

    assert result.state == "done"
    assert processing(client, agent, call_id)["attempts"] == 2
    with pipeline.sessions() as session:  # the crashed worker, back, changes nothing
        try:
            finish_done(session, crashed, pipeline.clock())
        except LeaseLost:
            pass
        else:
            raise AssertionError("a lost lease must not finish the job")


def test_the_jobs_loop_runs_the_pipeline_in_the_background(
    app: FastAPI, vault: Settings, auth: TokenFactory, tmp_path: Path
) -> None:
    ingest, agent = auth("integration"), auth("agent")
    with TestClient(app, raise_server_exceptions=False) as live, jobs_running(vault):
        call_id = create_call(live, ingest)
        body = {"text": "Synthetic call."}  # with a transcript: nothing to transcribe
        assert (
            live.put(f"/api/v1/calls/{call_id}/transcript", json=body, headers=ingest).status_code
            == 204
        )
        upload(live, ingest, call_id, sine_recording(tmp_path / "a.wav").read_bytes())
        deadline = time.monotonic() + 30
        while processing(live, agent, call_id)["state"] != "done" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert processing(live, agent, call_id)["state"] == "done"
        assert live.get(f"/api/v1/calls/{call_id}/recording", headers=agent).status_code == 200


def test_the_cli_runs_due_jobs_once(
    client: TestClient, auth: TokenFactory, vault: Settings, tmp_path: Path
) -> None:
    ingest, agent = auth("integration"), auth("agent")
    call_id = create_call(client, ingest)
    client.put(f"/api/v1/calls/{call_id}/transcript", json={"text": "Synthetic."}, headers=ingest)
    upload(client, ingest, call_id, sine_recording(tmp_path / "a.wav").read_bytes())
    args = ["jobs", "run", "--once", "--data-dir", str(vault.data_dir)]
    result = CliRunner().invoke(cli, [*args, "--database-url", vault.database_url])
    assert result.exit_code == 0, result.output
    assert f"call {call_id}: done" in result.output
    assert processing(client, agent, call_id)["state"] == "done"


def attempts_counted(outcome: str) -> float:
    return (
        REGISTRY.get_sample_value(
            "callvault_recording_job_duration_seconds_count", {"outcome": outcome}
        )
        or 0.0
    )


def test_each_attempt_is_counted_for_the_metrics_by_how_it_ended(
    client: TestClient, auth: TokenFactory, pipeline: Pipeline
) -> None:
    ingest = auth("integration")
    call_id = create_call(client, ingest)
    upload(client, ingest, call_id, BROKEN_WAV)
    pipeline.runtime.retry = RetryPolicy(max_attempts=2, base_delay=timedelta(seconds=1))
    pipeline.clock.freeze()
    retries, failures = attempts_counted("retry"), attempts_counted("failed")

    [first] = pipeline.run()
    pipeline.clock.advance(seconds=1)
    [second] = pipeline.run()

    assert (first.state, second.state) == ("pending", "failed")
    assert attempts_counted("retry") == retries + 1
    assert attempts_counted("failed") == failures + 1
