"""Running the pipeline from tests, and the recordings it is run on."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf  # type: ignore[import-untyped]  # publishes no type hints
from fastapi.testclient import TestClient

from callvault.audit.runtime import AuditRuntime
from callvault.blobs.factory import create_blob_store
from callvault.cli.vault import open_keyring
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.db.base import create_db_engine, create_session_factory
from callvault.identity.models import CustomRole
from callvault.jobs.service import RetryPolicy
from callvault.pipeline.runner import JobResult, PipelineRuntime, run_due_jobs
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from callvault.transcription.fake import FakeTranscriber
from callvault.transcription.interface import Transcriber
from callvault.transcription.models import Transcript, Word
from tests._vault import TENANT_A
from tests.audio._synth import noise, place, tone, write
from tests.calls.factories import call_payload

RATE = 8000
DIGITS = "4711"


class Clock:
    """The real time, moved ahead by ``advance`` (backoffs and leases without sleeping).
    ``freeze`` stops it where it is, for a test that checks a wait to the second: on a
    loaded machine a second of real time can pass between two steps."""

    def __init__(self) -> None:
        self.offset = timedelta()
        self.frozen_at: datetime | None = None

    def __call__(self) -> datetime:
        return (self.frozen_at or datetime.now(UTC)) + self.offset

    def freeze(self) -> None:
        self.frozen_at = datetime.now(UTC)

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


class Pipeline:
    """``run_due_jobs`` on the test vault, as ``callvault jobs run`` would do it."""

    def __init__(self, vault: Settings) -> None:
        self.vault = vault
        self.engine = create_db_engine(vault.database_url)
        root = LocalKeyFileProvider(vault.root_key_path)
        info = AuditRuntime.for_settings(vault, root).session_info()
        self.sessions = create_session_factory(self.engine, info)
        self.blobs = create_blob_store(vault)
        self.clock = Clock()
        self.transcriber: Transcriber = FakeTranscriber(Transcript("", ()))
        self.runtime = PipelineRuntime(root, vault, retry=RetryPolicy(), clock=self.clock)

    def run(self, limit: int = 10, transcriber: Transcriber | None = None) -> list[JobResult]:
        self.runtime.transcriber = transcriber or self.transcriber
        return run_due_jobs(self.sessions, self.blobs, self.runtime, limit)

    def close(self) -> None:
        self.engine.dispose()


def dtmf_recording(path: Path, digits: str = DIGITS, seconds: float = 3.0) -> Path:
    """Quiet noise with keypad tones (80 ms each, 120 ms apart) from 0.5 s."""
    x = noise(seconds, RATE, level_dbfs=-45.0)
    for i, digit in enumerate(digits):
        place(x, tone(digit, 0.08, RATE, level_dbfs=-12.0), 0.5 + 0.2 * i, RATE)
    return write(path, x, RATE)


def sine_recording(path: Path, seconds: float = 3.0, frequency: float = 300.0) -> Path:
    t = np.arange(round(seconds * RATE)) / RATE
    return write(path, 0.3 * np.sin(2 * np.pi * frequency * t), RATE)


def samples(data: bytes, tmp_path: Path, name: str) -> np.ndarray[Any, np.dtype[np.int16]]:
    path = tmp_path / name
    path.write_bytes(data)
    values, rate = sf.read(str(path), dtype="int16")
    assert rate == RATE
    return np.asarray(values)


def timed_transcript(
    text_words: list[str], step: float = 0.25, confidence: float | None = 0.9
) -> Transcript:
    """Words ``step`` apart, each heard with ``confidence`` (a sure recogniser: the
    fail-safe and the review rule leave its common words alone)."""
    words = tuple(
        Word(w, i * step, (i + 1) * step - 0.02, confidence) for i, w in enumerate(text_words)
    )
    return Transcript("agent: " + " ".join(text_words), words)


def create_call(client: TestClient, headers: dict[str, str], **overrides: Any) -> str:
    created = client.post("/api/v1/calls", json=call_payload(**overrides), headers=headers)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def upload(client: TestClient, headers: dict[str, str], call_id: str, data: bytes) -> None:
    response = client.put(
        f"/api/v1/calls/{call_id}/recording",
        content=data,
        headers=headers | {"Content-Type": "audio/wav"},
    )
    assert response.status_code == 204, response.text


def processing(client: TestClient, headers: dict[str, str], call_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/calls/{call_id}", headers=headers)
    assert response.status_code == 200, response.text
    state: dict[str, Any] = response.json()["processing"]
    return state


def add_custom_role(vault: Settings, name: str, allow: list[str]) -> None:
    with open_keyring(vault) as (db, _):
        tenant_id = get_tenant(db, TENANT_A).id
        db.add(CustomRole(tenant_id=tenant_id, name=name, allow=json.dumps(allow)))
        db.commit()
