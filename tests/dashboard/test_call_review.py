"""The call page of a call held for review: the state says so, and no player is
offered (its scrub does not play until a reviewer approves it)."""

from __future__ import annotations

from sqlalchemy import update

from callvault.cli.vault import open_keyring
from callvault.jobs.models import JobState, RecordingJob
from tests.dashboard._calls import (
    api_session,
    create_call,
    integration_headers,
    put_recording,
    run_pipeline,
)
from tests.dashboard.conftest import Live, PersonFactory


def test_a_held_call_shows_its_state_and_no_player(live: Live, people: PersonFactory) -> None:
    headers = integration_headers(live.settings)
    with live.client() as client:
        call_id = create_call(client, headers)
        put_recording(client, headers, call_id)
    run_pipeline(live.settings)  # scrubbed: the page would offer a player
    with open_keyring(live.settings) as (session, _):
        session.execute(
            update(RecordingJob)
            .where(RecordingJob.call_id == call_id)
            .values(state=JobState.REVIEW.value, reason="LowRecognitionConfidence")
        )
        session.commit()
    with api_session(live, people("supervisor")) as signed_in:
        page = signed_in.client.get(f"/calls/{call_id}")
    assert page.status_code == 200, page.text
    assert "held for review" in page.text and "LowRecognitionConfidence" in page.text
    assert 'id="held"' in page.text and "<audio" not in page.text
