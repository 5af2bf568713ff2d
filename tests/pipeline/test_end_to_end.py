"""Upload -> jobs -> scrubbed playback, through the API, on real audio."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.settings import Settings
from callvault.transcription.fake import FakeTranscriber
from callvault.transcription.models import Transcript
from tests._vault import TokenFactory
from tests.audio._synth import have_decoder, multimon_digits
from tests.pipeline._helpers import (
    DIGITS,
    Pipeline,
    add_custom_role,
    create_call,
    dtmf_recording,
    processing,
    samples,
    sine_recording,
    timed_transcript,
    upload,
)


def test_upload_is_scrubbed_and_the_original_needs_play_unredacted(
    client: TestClient, auth: TokenFactory, vault: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    if not have_decoder():
        pytest.skip("multimon-ng and sox are needed to decode keypad tones (apt: multimon-ng sox)")
    ingest, agent = auth("integration"), auth("agent")
    call_id = create_call(client, ingest)
    original = dtmf_recording(tmp_path / "upload.wav").read_bytes()
    upload(client, ingest, call_id, original)

    assert processing(client, agent, call_id)["state"] == "pending"
    not_yet = client.get(f"/api/v1/calls/{call_id}/recording", headers=agent)
    assert not_yet.status_code == 409
    assert "still being scrubbed" in not_yet.json()["detail"]

    [result] = pipeline.run()
    assert result.state == "done", result
    state = processing(client, agent, call_id)
    assert (state["state"], state["attempts"], state["reason"]) == ("done", 1, None)

    played = client.get(f"/api/v1/calls/{call_id}/recording", headers=agent)
    assert played.status_code == 200
    scrubbed_path = tmp_path / "played.wav"
    scrubbed_path.write_bytes(played.content)
    assert multimon_digits(tmp_path / "upload.wav") == DIGITS  # the decoder hears them...
    assert multimon_digits(scrubbed_path) == ""  # ...and nothing is left to hear

    assert (
        client.get(f"/api/v1/calls/{call_id}/recording/original", headers=agent).status_code == 403
    )
    add_custom_role(vault, "qa-unredacted", ["call:read", "recording:play_unredacted"])
    reviewer = auth("qa-unredacted")
    unredacted = client.get(f"/api/v1/calls/{call_id}/recording/original", headers=reviewer)
    assert unredacted.status_code == 200
    assert unredacted.content == original
    part = client.get(
        f"/api/v1/calls/{call_id}/recording/original", headers=reviewer | {"Range": "bytes=0-99"}
    )
    assert (part.status_code, part.content) == (206, original[:100])

    events = audit_events(vault, call_id)
    assert ("token", "recording:play", "allowed") in events
    assert ("token", "recording:play_unredacted", "allowed") in events
    assert ("service", "recording:play_unredacted", "allowed") in events  # the pipeline's read
    assert ("service", "recording:upload", "allowed") in events  # ...and its write
    denied = [e for e in events if e[1] == "recording:play_unredacted" and e[2] == "denied"]
    assert len(denied) == 1


def test_a_transcript_with_timings_has_its_redacted_words_bleeped(
    client: TestClient, auth: TokenFactory, pipeline: Pipeline, tmp_path: Path
) -> None:
    ingest, agent = auth("integration"), auth("agent")
    call_id = create_call(client, ingest)  # the caller is "Quinn Fictional"
    words = ["hello", "this", "is", "Quinn", "Fictional", "calling", "about", "my", "visit"]
    transcript = timed_transcript(words)
    body = {
        "text": transcript.text,
        "words": [{"word": w.w, "start": w.start_s, "end": w.end_s} for w in transcript.words],
    }
    assert (
        client.put(f"/api/v1/calls/{call_id}/transcript", json=body, headers=ingest).status_code
        == 204
    )
    original = sine_recording(tmp_path / "upload.wav").read_bytes()
    upload(client, ingest, call_id, original)

    [result] = pipeline.run(transcriber=NeverTranscriber())
    assert result.state == "done", result

    stored = client.get(f"/api/v1/calls/{call_id}/transcript", headers=agent).json()
    ranges = stored["redacted_time_ranges"]
    assert ranges and ranges[0][0] <= 0.75 and ranges[-1][1] >= 1.23  # "Quinn Fictional"
    assert_bleeped_only_in(ranges, original, played(client, agent, call_id), tmp_path)


def test_a_transcript_that_arrives_after_the_scrub_has_the_recording_scrubbed_again(
    client: TestClient, auth: TokenFactory, pipeline: Pipeline, tmp_path: Path
) -> None:
    ingest, agent = auth("integration"), auth("agent")
    call_id = create_call(client, ingest)
    original = sine_recording(tmp_path / "upload.wav").read_bytes()
    upload(client, ingest, call_id, original)
    empty = FakeTranscriber(Transcript("", ()))
    [first] = pipeline.run(transcriber=empty)
    assert first.state == "done" and processing(client, agent, call_id)["state"] == "done"

    words = ["hello", "this", "is", "Quinn", "Fictional", "calling", "about", "my", "visit"]
    transcript = timed_transcript(words)
    body = {
        "text": transcript.text,
        "words": [{"word": w.w, "start": w.start_s, "end": w.end_s} for w in transcript.words],
    }
    put = client.put(f"/api/v1/calls/{call_id}/transcript", json=body, headers=ingest)
    assert put.status_code == 204
    # The scrub without these ranges is withdrawn until the new one is done.
    assert processing(client, agent, call_id)["state"] == "pending"
    assert client.get(f"/api/v1/calls/{call_id}/recording", headers=agent).status_code == 409

    [again] = pipeline.run(transcriber=NeverTranscriber())
    assert again.state == "done", again
    ranges = client.get(f"/api/v1/calls/{call_id}/transcript", headers=agent).json()[
        "redacted_time_ranges"
    ]
    assert ranges
    assert_bleeped_only_in(ranges, original, played(client, agent, call_id), tmp_path)


def test_without_a_transcript_the_transcriber_makes_one_which_is_redacted_and_stored(
    client: TestClient, auth: TokenFactory, vault: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    ingest, agent = auth("integration"), auth("agent")
    call_id = create_call(client, ingest)
    original = sine_recording(tmp_path / "upload.wav").read_bytes()
    upload(client, ingest, call_id, original)
    fake = PrivateFileCheck(timed_transcript(["my", "name", "is", "Quinn", "Fictional", "thanks"]))

    [result] = pipeline.run(transcriber=fake)

    assert result.state == "done", result
    assert len(fake.calls) == 1 and fake.private_file
    assert list((vault.data_dir / "tmp").iterdir()) == []  # the decrypted copy is gone
    stored = client.get(f"/api/v1/calls/{call_id}/transcript", headers=agent).json()
    assert "Quinn" not in stored["text"] and "[NAME]" in stored["text"]
    assert_bleeped_only_in(
        stored["redacted_time_ranges"], original, played(client, agent, call_id), tmp_path
    )


def test_a_call_with_a_timed_transcript_is_not_transcribed_again(
    client: TestClient, auth: TokenFactory, pipeline: Pipeline, tmp_path: Path
) -> None:
    ingest = auth("integration")
    call_id = create_call(client, ingest)
    body = {"text": "agent: synthetic", "words": [{"word": "synthetic", "start": 0, "end": 1}]}
    client.put(f"/api/v1/calls/{call_id}/transcript", json=body, headers=ingest)
    upload(client, ingest, call_id, sine_recording(tmp_path / "a.wav").read_bytes())
    [result] = pipeline.run(transcriber=NeverTranscriber())
    assert result.state == "done"


def test_a_transcript_without_timings_has_the_audio_transcribed_for_them(
    client: TestClient, auth: TokenFactory, pipeline: Pipeline, tmp_path: Path
) -> None:
    ingest, agent = auth("integration"), auth("agent")
    call_id = create_call(client, ingest)  # the caller is "Quinn Fictional"
    said = "agent: hello this is Quinn Fictional calling about my visit"
    client.put(f"/api/v1/calls/{call_id}/transcript", json={"text": said}, headers=ingest)
    original = sine_recording(tmp_path / "upload.wav").read_bytes()
    upload(client, ingest, call_id, original)
    heard = timed_transcript(said.removeprefix("agent: ").split())

    [result] = pipeline.run(transcriber=FakeTranscriber(heard))

    assert result.state == "done", result
    stored = client.get(f"/api/v1/calls/{call_id}/transcript", headers=agent).json()
    assert "words" not in stored and "[NAME]" in stored["text"]  # the upload stays the call's
    name = [w for w in heard.words if w.w in ("Quinn", "Fictional")]
    ranges = [[name[0].start_s, name[-1].end_s]]
    assert_bleeped_only_in(ranges, original, played(client, agent, call_id), tmp_path)


def test_the_default_pocketsphinx_transcriber_runs_in_the_pipeline(
    client: TestClient, auth: TokenFactory, vault: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    pytest.importorskip("pocketsphinx")
    assert vault.transcriber == "pocketsphinx"
    ingest, agent = auth("integration"), auth("agent")
    call_id = create_call(client, ingest)
    upload(client, ingest, call_id, dtmf_recording(tmp_path / "a.wav", seconds=2.0).read_bytes())
    pipeline.runtime.transcriber = None  # made from the settings, as the server does

    [result] = run_default(pipeline)

    assert result.state == "done", result
    stored = client.get(f"/api/v1/calls/{call_id}/transcript", headers=agent)
    assert stored.status_code == 200 and "text" in stored.json()


def test_a_new_upload_resets_the_job_and_withdraws_the_old_scrub(
    client: TestClient, auth: TokenFactory, pipeline: Pipeline, tmp_path: Path
) -> None:
    ingest, agent = auth("integration"), auth("agent")
    call_id = create_call(client, ingest)
    upload(client, ingest, call_id, sine_recording(tmp_path / "a.wav").read_bytes())
    pipeline.run()
    assert client.get(f"/api/v1/calls/{call_id}/recording", headers=agent).status_code == 200
    upload(client, ingest, call_id, sine_recording(tmp_path / "b.wav", frequency=500).read_bytes())
    state = processing(client, agent, call_id)
    assert (state["state"], state["attempts"]) == ("pending", 0)
    assert client.get(f"/api/v1/calls/{call_id}/recording", headers=agent).status_code == 409
    [result] = pipeline.run()
    assert result.state == "done"
    assert client.get(f"/api/v1/calls/{call_id}/recording", headers=agent).status_code == 200


# -- helpers ---------------------------------------------------------------------------


class NeverTranscriber(FakeTranscriber):
    def __init__(self) -> None:
        super().__init__(Transcript("", ()))

    def transcribe(self, path: Path, progress: object = None) -> Transcript:  # type: ignore[override]
        raise AssertionError("the call has a transcript: nothing to transcribe")


class PrivateFileCheck(FakeTranscriber):
    """Records whether the file it was given is private and inside the data dir."""

    private_file = False

    def transcribe(self, path: Path, progress: object = None) -> Transcript:  # type: ignore[override]
        mode = stat.S_IMODE(os.stat(path).st_mode)
        parent = stat.S_IMODE(os.stat(path.parent).st_mode)
        self.private_file = mode == 0o600 and parent == 0o700 and path.parent.parent.name == "tmp"
        return super().transcribe(path)


def run_default(pipeline: Pipeline) -> list[object]:
    from callvault.pipeline.runner import run_due_jobs

    return list(run_due_jobs(pipeline.sessions, pipeline.blobs, pipeline.runtime))


def played(client: TestClient, headers: dict[str, str], call_id: str) -> bytes:
    response = client.get(f"/api/v1/calls/{call_id}/recording", headers=headers)
    assert response.status_code == 200, response.text
    return response.content


def assert_bleeped_only_in(
    ranges: list[list[float]], original: bytes, scrubbed: bytes, tmp_path: Path
) -> None:
    before = samples(original, tmp_path, "before.wav").astype(np.int32)
    after = samples(scrubbed, tmp_path, "after.wav").astype(np.int32)
    assert len(before) == len(after)
    inside = np.zeros(len(before), dtype=bool)
    for start, end in ranges:
        lo, hi = round(start * 8000), round(end * 8000)
        inside[lo:hi] = True
        core = slice(lo + 80, hi - 80)  # 10 ms in: past any ramp
        assert np.mean(np.abs(after[core] - before[core])) > 1000  # replaced by the bleep
    margin = np.convolve(inside, np.ones(801), mode="same") > 0  # +/-50 ms
    assert np.array_equal(after[~margin], before[~margin])  # untouched elsewhere


def audit_events(vault: Settings, call_id: str) -> list[tuple[str, str, str]]:
    from callvault.cli.vault import open_keyring

    with open_keyring(vault) as (session, _):
        rows = session.execute(
            select(AuditEvent.actor_type, AuditEvent.action, AuditEvent.outcome).order_by(
                AuditEvent.seq
            )
        ).all()
    return [(a, b, c) for a, b, c in rows]
