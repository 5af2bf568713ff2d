"""A call whose recognition is too uncertain to vouch for is held for review: scrubbed,
not played, until a reviewer with ``recording:play_unredacted`` approves it."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.settings import Settings
from callvault.transcription.fake import FakeTranscriber
from tests._vault import TokenFactory
from tests.pipeline._helpers import (
    Pipeline,
    add_custom_role,
    create_call,
    processing,
    sine_recording,
    timed_transcript,
    upload,
)

GUESSED = timed_transcript(["mumble"] * 12, confidence=0.05)


def held_call(client: TestClient, auth: TokenFactory, pipeline: Pipeline, tmp: Path) -> str:
    ingest = auth("integration")
    call_id = create_call(client, ingest)
    upload(client, ingest, call_id, sine_recording(tmp / "a.wav").read_bytes())
    [result] = pipeline.run(transcriber=FakeTranscriber(GUESSED))
    assert (result.state, result.reason) == ("review", "LowRecognitionConfidence")
    return call_id


def test_a_poorly_recognised_call_is_held_and_does_not_play(
    client: TestClient, auth: TokenFactory, pipeline: Pipeline, tmp_path: Path
) -> None:
    agent = auth("agent")
    call_id = held_call(client, auth, pipeline, tmp_path)

    state = processing(client, agent, call_id)
    assert (state["state"], state["reason"]) == ("review", "LowRecognitionConfidence")
    for response in (
        client.get(f"/api/v1/calls/{call_id}/recording", headers=agent),
        client.post(f"/api/v1/calls/{call_id}/playback-links", headers=agent),
    ):
        assert response.status_code == 409, response.text
        assert "held for review" in response.text
    assert pipeline.run() == []  # held is not due: nothing runs it again


def test_a_reviewer_approves_a_held_call_and_then_it_plays(
    client: TestClient,
    auth: TokenFactory,
    vault: Settings,
    pipeline: Pipeline,
    tmp_path: Path,
) -> None:
    agent = auth("agent")
    call_id = held_call(client, auth, pipeline, tmp_path)
    approve = f"/api/v1/calls/{call_id}/recording/review"

    assert client.post(approve, headers=agent).status_code == 403  # no play_unredacted
    add_custom_role(vault, "reviewer", ["call:read", "recording:play_unredacted"])
    reviewer = auth("reviewer")
    assert client.post(approve, headers=reviewer).status_code == 204

    assert processing(client, agent, call_id)["state"] == "done"
    assert client.get(f"/api/v1/calls/{call_id}/recording", headers=agent).status_code == 200
    again = client.post(approve, headers=reviewer)
    assert again.status_code == 409 and "not held for review" in again.text

    with pipeline.sessions() as session:
        outcomes = session.execute(
            select(AuditEvent.outcome).where(
                AuditEvent.action == "recording:review_approve",
                AuditEvent.resource_id == call_id,
            )
        ).scalars()
        assert sorted(outcomes) == ["allowed", "denied"]  # approved; then not held


def test_a_well_recognised_call_is_not_held(
    client: TestClient, auth: TokenFactory, pipeline: Pipeline, tmp_path: Path
) -> None:
    ingest = auth("integration")
    call_id = create_call(client, ingest)
    upload(client, ingest, call_id, sine_recording(tmp_path / "a.wav").read_bytes())
    heard = timed_transcript(["thank", "you", "for", "calling", "how", "can", "i", "help"])
    [result] = pipeline.run(transcriber=FakeTranscriber(heard))
    assert result.state == "done"
    assert processing(client, auth("agent"), call_id)["state"] == "done"
