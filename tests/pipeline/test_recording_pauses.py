"""Pause markers on real audio: what was said while recording was paused is silent in
the stored recording, both the scrub and the original, and nothing else changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf  # type: ignore[import-untyped]  # publishes no type hints
from fastapi.testclient import TestClient

from callvault.settings import Settings
from callvault.transcription.fake import FakeTranscriber
from callvault.transcription.models import Transcript
from tests._vault import TokenFactory
from tests.audio._synth import write
from tests.pipeline._helpers import (
    RATE,
    Pipeline,
    add_custom_role,
    create_call,
    processing,
    samples,
    upload,
)
from tests.pipeline.test_end_to_end import audit_events, played

PAUSE = (1.0, 2.0)  # seconds
EDGE = 0.01  # the fade either side of a pause, and then some


def recording_with_tone_in_pause(path: Path) -> Path:
    """3 s of a quiet 300 Hz hum, and a loud 1.3 kHz tone (the paused speech) that
    fills the paused window exactly."""
    t = np.arange(3 * RATE) / RATE
    x = 0.1 * np.sin(2 * np.pi * 300 * t)
    inside = (t >= PAUSE[0]) & (t < PAUSE[1])
    x[inside] += 0.5 * np.sin(2 * np.pi * 1300 * t[inside])
    return write(path, x, RATE)


def rms(values: np.ndarray[Any, Any]) -> float:
    return float(np.sqrt(np.mean(values.astype(np.float64) ** 2)))


def assert_silent_in_pause_only(before: bytes, after: bytes, tmp_path: Path) -> None:
    original = samples(before, tmp_path, "before.wav")
    stored = samples(after, tmp_path, "after.wav")
    assert len(stored) == len(original)  # silenced, not cut: transcript times still hold
    lo, hi = round(PAUSE[0] * RATE), round(PAUSE[1] * RATE)
    assert rms(original[lo:hi]) > 10_000  # the tone was there...
    assert rms(stored[lo:hi]) == 0.0  # ...and not a sample of it is left
    edge = round(EDGE * RATE)
    for kept in (slice(0, lo - edge), slice(hi + edge, None)):
        assert np.array_equal(stored[kept], original[kept])  # the rest bit for bit


def reviewer(vault: Settings, auth: TokenFactory) -> dict[str, str]:
    add_custom_role(vault, "qa-unredacted", ["call:read", "recording:play_unredacted"])
    return auth("qa-unredacted")


def stored_original(client: TestClient, headers: dict[str, str], call_id: str) -> bytes:
    response = client.get(f"/api/v1/calls/{call_id}/recording/original", headers=headers)
    assert response.status_code == 200, response.text
    return response.content


def test_pauses_known_at_create_are_silent_in_the_scrub_and_the_original(
    client: TestClient, auth: TokenFactory, vault: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    ingest, agent = auth("integration"), auth("agent")
    pauses = [{"start": PAUSE[0], "end": PAUSE[1]}]
    call_id = create_call(client, ingest, recording_pauses=pauses)
    uploaded = recording_with_tone_in_pause(tmp_path / "upload.wav").read_bytes()
    upload(client, ingest, call_id, uploaded)

    [result] = pipeline.run()

    assert result.state == "done", result
    assert_silent_in_pause_only(uploaded, played(client, agent, call_id), tmp_path)
    assert_silent_in_pause_only(
        uploaded, stored_original(client, reviewer(vault, auth), call_id), tmp_path
    )
    events = audit_events(vault, call_id)
    assert ("service", "recording:pauses_apply", "allowed") in events
    assert ("service", "object:shred", "allowed") not in events  # replaced in one step


def test_pauses_that_arrive_after_the_scrub_withdraw_it_and_rewrite_both(
    client: TestClient, auth: TokenFactory, vault: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    ingest, agent = auth("integration"), auth("agent")
    call_id = create_call(client, ingest)
    uploaded = recording_with_tone_in_pause(tmp_path / "upload.wav").read_bytes()
    upload(client, ingest, call_id, uploaded)
    [first] = pipeline.run()
    assert first.state == "done"
    assert played(client, agent, call_id) == uploaded  # nothing to scrub in a hum

    pauses = {"pauses": [{"start": PAUSE[0], "end": PAUSE[1]}]}
    added = client.post(f"/api/v1/calls/{call_id}/recording-pauses", json=pauses, headers=ingest)
    assert added.status_code == 204

    # The scrub that plays the paused audio is gone at once; the job is queued again.
    assert client.get(f"/api/v1/calls/{call_id}/recording", headers=agent).status_code == 409
    assert processing(client, agent, call_id)["state"] == "pending"

    [second] = pipeline.run()

    assert second.state == "done", second
    assert_silent_in_pause_only(uploaded, played(client, agent, call_id), tmp_path)
    assert_silent_in_pause_only(
        uploaded, stored_original(client, reviewer(vault, auth), call_id), tmp_path
    )
    events = audit_events(vault, call_id)
    assert ("token", "recording:pauses_add", "allowed") in events
    assert ("service", "recording:pauses_apply", "allowed") in events


def test_an_original_already_cut_is_not_cut_again(
    client: TestClient, auth: TokenFactory, vault: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    ingest = auth("integration")
    call_id = create_call(client, ingest, recording_pauses=[{"start": 1, "end": 2}])
    upload(client, ingest, call_id, recording_with_tone_in_pause(tmp_path / "a.wav").read_bytes())
    pipeline.run()
    transcript = {"text": "agent: hello", "words": [{"word": "hello", "start": 0.1, "end": 0.4}]}
    put = client.put(f"/api/v1/calls/{call_id}/transcript", json=transcript, headers=ingest)
    assert put.status_code == 204  # queues the recording to be scrubbed again

    [again] = pipeline.run()

    assert again.state == "done", again
    applied = [e for e in audit_events(vault, call_id) if e[1] == "recording:pauses_apply"]
    assert len(applied) == 1


class HearsThenPauses(FakeTranscriber):
    """Measures the audio it is given in the paused window; on its first call, has the
    client add the pause while the job works (after its cut, before its store)."""

    def __init__(self, add_pause: Callable[[], None]) -> None:
        super().__init__(Transcript("", ()))
        self.add_pause = add_pause
        self.heard_in_pause: list[float] = []

    def transcribe(self, path: Path, progress: object = None) -> Transcript:  # type: ignore[override]
        values, _ = sf.read(str(path), dtype="int16")
        self.heard_in_pause.append(rms(values[round(PAUSE[0] * RATE) : round(PAUSE[1] * RATE)]))
        if len(self.heard_in_pause) == 1:
            self.add_pause()
        return super().transcribe(path)


def test_pauses_added_while_the_job_runs_stop_its_scrub_and_the_next_job_cuts_them(
    client: TestClient, auth: TokenFactory, vault: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    ingest, agent = auth("integration"), auth("agent")
    call_id = create_call(client, ingest)
    uploaded = recording_with_tone_in_pause(tmp_path / "upload.wav").read_bytes()
    upload(client, ingest, call_id, uploaded)

    def add_pause() -> None:
        pauses = {"pauses": [{"start": PAUSE[0], "end": PAUSE[1]}]}
        url = f"/api/v1/calls/{call_id}/recording-pauses"
        assert client.post(url, json=pauses, headers=ingest).status_code == 204

    transcriber = HearsThenPauses(add_pause)
    [first] = pipeline.run(limit=1, transcriber=transcriber)

    assert first.state == "lost"  # its scrub, made without the pause, was not stored
    assert client.get(f"/api/v1/calls/{call_id}/recording", headers=agent).status_code == 409
    [second] = pipeline.run(transcriber=transcriber)
    assert second.state == "done", second
    # The first job's transcript was made from the paused speech: the second job made
    # it again from the cut original, which has none.
    assert transcriber.heard_in_pause[0] > 10_000 and transcriber.heard_in_pause[1] == 0.0
    assert_silent_in_pause_only(uploaded, played(client, agent, call_id), tmp_path)
