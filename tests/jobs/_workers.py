"""Real ``callvault worker`` processes on a test vault, and what the tests read back:
a call's processing state through the API, and ``callvault jobs status``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from fastapi.testclient import TestClient

from tests._serve import Vault
from tests.audio._synth import noise, write
from tests.calls.factories import call_payload


class WorkerProcess:
    """``callvault worker`` with ``args``; its output (job lines, JSON logs) in a file."""

    def __init__(self, vault: Vault, *args: str, env: dict[str, str] | None = None) -> None:
        settings = vault.settings
        command = [sys.executable, "-m", "callvault.cli", "worker"]
        command += ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url]
        self.log = settings.data_dir / f"worker-{time.monotonic_ns()}.log"
        self._out = self.log.open("wb")
        self.process = subprocess.Popen(
            [*command, *args],
            stdout=self._out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def log_events(self, event: str) -> list[dict[str, Any]]:
        lines = [line for line in self.output().splitlines() if line.startswith("{")]
        return [entry for entry in map(json.loads, lines) if entry.get("event") == event]

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no drain, no goodbye to the queue
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._out.close()


def wait_for(condition: Callable[[], bool], timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"not in {timeout:.0f} s: {what}")


def recording(path: Path, seconds: float) -> bytes:
    """Tones over noise and no transcript: the pipeline has to transcribe all of it."""
    rate = 16000
    t = np.arange(round(seconds * rate)) / rate
    x = noise(seconds, rate, level_dbfs=-30.0) + 0.2 * np.sin(2 * np.pi * 220 * t)
    return write(path, x, rate).read_bytes()


def upload(client: TestClient, vault: Vault, audio: bytes) -> str:
    created = client.post("/api/v1/calls", json=call_payload(), headers=vault.ingest)
    assert created.status_code == 201, created.text
    call_id: str = created.json()["id"]
    headers = vault.ingest | {"Content-Type": "audio/wav"}
    response = client.put(f"/api/v1/calls/{call_id}/recording", content=audio, headers=headers)
    assert response.status_code == 204, response.text
    return call_id


def processing(client: TestClient, vault: Vault, call_id: str) -> dict[str, Any]:
    call = client.get(f"/api/v1/calls/{call_id}", headers=vault.reader).json()
    state: dict[str, Any] = call.get("processing") or {}
    return state


def jobs_status(vault: Vault) -> str:
    settings = vault.settings
    command = [sys.executable, "-m", "callvault.cli", "jobs", "status"]
    command += ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout
