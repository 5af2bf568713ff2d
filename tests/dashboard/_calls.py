"""Calls for the calls pages' tests: made through the API with an integration token, a
recording scrubbed by one run of the pipeline, and API sessions for people (httpx)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import update

from callvault.cli.vault import open_keyring
from callvault.identity.tokens import create_token
from callvault.jobs.models import JobState, RecordingJob
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A
from tests.calls.factories import call_payload, wav_bytes
from tests.dashboard.conftest import Live, Person, fresh_code
from tests.pipeline._helpers import Pipeline

CALLER = "+12025550147"  # call_payload's caller, in E.164
CALLER_NAME = "Quinn Fictional"
NOTES = "Synthetic note about a checkup request."
TRANSCRIPT_TEXT = "hello this is Quinn Fictional calling about my checkup next week"
SESSION_COOKIE = "callvault_session"


def integration_headers(settings: Settings) -> dict[str, str]:
    with open_keyring(settings) as (session, _):
        token = create_token(session, get_tenant(session, TENANT_A).id, "integration")
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def create_call(client: httpx.Client, headers: dict[str, str], **overrides: Any) -> str:
    created = client.post("/api/v1/calls", json=call_payload(**overrides), headers=headers)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def put_transcript(client: httpx.Client, headers: dict[str, str], call_id: str, text: str) -> None:
    words = [
        {"word": w, "start": i * 0.25, "end": i * 0.25 + 0.2} for i, w in enumerate(text.split())
    ]
    answer = client.put(
        f"/api/v1/calls/{call_id}/transcript", json={"text": text, "words": words}, headers=headers
    )
    assert answer.status_code == 204, answer.text


def put_recording(client: httpx.Client, headers: dict[str, str], call_id: str) -> None:
    answer = client.put(
        f"/api/v1/calls/{call_id}/recording",
        content=wav_bytes(seconds=3.0),
        headers=headers | {"Content-Type": "audio/wav"},
    )
    assert answer.status_code == 204, answer.text


def run_pipeline(settings: Settings) -> None:
    """One run of the recording pipeline on the served vault (the call's own transcript
    says what to bleep)."""
    pipeline = Pipeline(settings)
    try:
        results = pipeline.run()
    finally:
        pipeline.close()
    assert results and all(r.state == JobState.DONE.value for r in results), results


def fail_job(settings: Settings, call_id: str) -> None:
    """Mark the call's recording job failed for good (as after its last attempt)."""
    with open_keyring(settings) as (session, _):
        session.execute(
            update(RecordingJob)
            .where(RecordingJob.call_id == call_id)
            .values(state=JobState.FAILED.value, reason="DecodeError", attempts=4)
        )
        session.commit()


@dataclass(frozen=True)
class SignedIn:
    client: httpx.Client
    csrf_token: str


@contextmanager
def api_session(live: Live, person: Person) -> Iterator[SignedIn]:
    """An HTTP client signed in as ``person`` through the API (password, then TOTP),
    carrying the session cookie, and the session's CSRF token (for a form's field)."""
    with live.client() as client:
        login = client.post(
            "/api/v1/auth/login", json={"email": person.email, "password": person.password}
        )
        assert login.status_code == 200, login.text
        mfa = client.post(
            "/api/v1/auth/mfa",
            json={"challenge": login.json()["challenge"], "code": fresh_code(person)},
        )
        assert mfa.status_code == 200, mfa.text
        yield SignedIn(client, login.json()["csrf_token"])
