"""The background jobs run in one process of their own, beside the API: supervised by
``callvault serve`` (restarted if it dies, gone when serve is), or on its own with
``callvault jobs run``. A transcription there never holds up an API request."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from callvault.web.app import create_app
from tests._serve import Served, Vault, alive, cpu_seconds, make_vault
from tests.audio._synth import noise, write
from tests.calls.factories import call_payload

SPEECHLESS_SECONDS = 8.0  # pocketsphinx works through all of it: over ten seconds of CPU


@pytest.fixture
def vault(tmp_path: Path, database_url: str) -> Vault:
    return make_vault(tmp_path / "data", database_url)


def recording(path: Path, seconds: float = SPEECHLESS_SECONDS) -> bytes:
    """Tones over noise and no transcript: the pipeline has to transcribe it."""
    rate = 16000
    t = np.arange(round(seconds * rate)) / rate
    x = noise(seconds, rate, level_dbfs=-30.0) + 0.2 * np.sin(2 * np.pi * 220 * t)
    return write(path, x, rate).read_bytes()


def upload(client: httpx.Client | TestClient, vault: Vault, audio: bytes) -> str:
    created = client.post("/api/v1/calls", json=call_payload(), headers=vault.ingest)
    call_id: str = created.json()["id"]
    headers = vault.ingest | {"Content-Type": "audio/wav"}
    response = client.put(f"/api/v1/calls/{call_id}/recording", content=audio, headers=headers)
    assert response.status_code == 204, response.text
    return call_id


def state(client: httpx.Client | TestClient, vault: Vault, call_id: str) -> str:
    call = client.get(f"/api/v1/calls/{call_id}", headers=vault.reader).json()
    return str((call.get("processing") or {}).get("state"))


def test_the_jobs_process_transcribes_while_the_api_stays_responsive(
    vault: Vault, tmp_path: Path
) -> None:
    served = Served(vault.settings).start()
    try:
        jobs = served.jobs_pid()
        assert jobs is not None
        api_cpu, jobs_cpu = cpu_seconds(served.pid), cpu_seconds(jobs)
        latencies: list[float] = []
        with httpx.Client(base_url=served.url, timeout=30) as client:
            call_id = upload(client, vault, recording(tmp_path / "call.wav"))
            deadline = time.monotonic() + 240
            while state(client, vault, call_id) != "done" and time.monotonic() < deadline:
                for _ in range(10):
                    started = time.monotonic()
                    assert client.get("/healthz").status_code == 200
                    latencies.append(time.monotonic() - started)
                    time.sleep(0.05)
            assert state(client, vault, call_id) == "done"
        api_used, jobs_used = cpu_seconds(served.pid) - api_cpu, cpu_seconds(jobs) - jobs_cpu
    finally:
        served.close()
    assert jobs_used > 2.0 and jobs_used > 3 * api_used  # the transcription ran over there
    # In the API's process a transcription held the interpreter for up to 2.7 s at a
    # time, again and again while it ran. One stall of a second or two is the loaded
    # two-core machine's scheduler (seen once: 1.6 s with two test workers, a server and
    # a benchmark on two cores), so the stalls are summed rather than the worst taken.
    stalled = [latency for latency in latencies if latency > 0.5]
    assert sum(stalled) < 2.0, sorted(latencies)[-5:]
    assert statistics.median(latencies) < 0.1


def wait_for(condition: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_serve_restarts_a_dead_jobs_process_and_takes_it_along_when_killed(
    vault: Vault,
) -> None:
    served = Served(vault.settings).start()
    try:
        first = served.jobs_pid()
        assert first is not None
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: served.jobs_pid() not in (None, first))
        second = served.jobs_pid()
        assert second is not None and alive(second)
        os.kill(served.pid, signal.SIGKILL)  # no chance to clean up...
        served.wait(10)
        wait_for(lambda: not alive(second), timeout=10)  # ...and still no orphan left
    finally:
        served.close()


def test_jobs_run_on_its_own_finishes_the_job_in_flight_on_sigterm(
    vault: Vault, tmp_path: Path
) -> None:
    with TestClient(create_app(vault.settings)) as client:
        call_id = upload(client, vault, recording(tmp_path / "call.wav", seconds=5.0))
        settings = vault.settings
        command = [sys.executable, "-m", "callvault.cli", "jobs", "run"]
        command += ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url]
        jobs = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: state(client, vault, call_id) == "processing", timeout=120)
        finally:
            jobs.send_signal(signal.SIGTERM)  # mid-transcription: claimed, not finished
            output, _ = jobs.communicate(timeout=60)
        assert jobs.returncode == 0, output.decode()
        assert state(client, vault, call_id) == "done"  # drained: it finished, not abandoned
    assert f"call {call_id}: done" in output.decode()
