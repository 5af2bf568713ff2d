"""Fail closed (DESIGN "Audit", RELIABILITY A1/F5): when the audit event cannot be
written, PHI is not returned and the write it would record is not committed.

The audit write is made to fail for real, by a database trigger that refuses inserts
into the audit log (as a full or broken audit store would)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callvault.calls.models import Call, StoredObject
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from tests._vault import TokenFactory
from tests.audit._log import execute
from tests.calls.factories import call_payload, wav_bytes

CALLER_DIGITS = "2025550147"
CALLER_NAME = "Quinn Fictional"


def break_audit(settings: Settings) -> None:
    if settings.is_sqlite:
        execute(
            settings,
            "CREATE TRIGGER audit_store_full BEFORE INSERT ON audit_log_events"
            " BEGIN SELECT RAISE(ABORT, 'audit store full'); END",
        )
        return
    execute(
        settings,
        "CREATE FUNCTION audit_store_full() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'audit store full'; END $$",
    )
    execute(
        settings,
        "CREATE TRIGGER audit_store_full BEFORE INSERT ON audit_log_events"
        " FOR EACH ROW EXECUTE FUNCTION audit_store_full()",
    )


def repair_audit(settings: Settings) -> None:
    if settings.is_sqlite:
        execute(settings, "DROP TRIGGER audit_store_full")
    else:
        execute(settings, "DROP TRIGGER audit_store_full ON audit_log_events")
        execute(settings, "DROP FUNCTION audit_store_full()")


@pytest.fixture
def call_id(client: TestClient, auth: TokenFactory) -> str:
    created = client.post("/api/v1/calls", json=call_payload(), headers=auth("integration"))
    assert created.status_code == 201
    call = created.json()["id"]
    uploaded = client.put(
        f"/api/v1/calls/{call}/recording",
        content=wav_bytes(),
        headers=auth("integration") | {"Content-Type": "audio/wav"},
    )
    assert uploaded.status_code == 204, uploaded.text
    return str(call)


@pytest.fixture
def broken_audit(vault: Settings, call_id: str) -> Iterator[None]:
    break_audit(vault)
    yield
    repair_audit(vault)


def count(settings: Settings, model: type[Call] | type[StoredObject]) -> int:
    with open_keyring(settings) as (session, _):
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def assert_unavailable_without_phi(response: object) -> None:
    status = getattr(response, "status_code", None)
    body = getattr(response, "text", "")
    assert status == 503
    assert CALLER_DIGITS not in body.replace("-", "").replace(" ", "")
    assert CALLER_NAME not in body
    assert "audit" in body.lower()


@pytest.mark.usefixtures("broken_audit")
def test_a_phi_read_that_cannot_be_audited_returns_no_phi(
    client: TestClient, auth: TokenFactory, call_id: str
) -> None:
    response = client.get(f"/api/v1/calls/{call_id}", headers=auth("supervisor"))
    assert_unavailable_without_phi(response)
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.usefixtures("broken_audit")
def test_a_search_that_cannot_be_audited_returns_nothing(
    client: TestClient, auth: TokenFactory
) -> None:
    response = client.get(
        "/api/v1/calls", params={"caller_number": "+12025550147"}, headers=auth("supervisor")
    )
    assert_unavailable_without_phi(response)


@pytest.mark.usefixtures("broken_audit")
def test_a_recording_play_that_cannot_be_audited_streams_no_audio(
    client: TestClient, auth: TokenFactory, call_id: str
) -> None:
    response = client.get(f"/api/v1/calls/{call_id}/recording", headers=auth("supervisor"))
    assert response.status_code == 503
    assert not response.content.startswith(b"RIFF")


@pytest.mark.usefixtures("broken_audit")
def test_a_write_that_cannot_be_audited_is_rolled_back(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    before = count(vault, Call)
    response = client.post("/api/v1/calls", json=call_payload(), headers=auth("integration"))
    assert_unavailable_without_phi(response)
    assert count(vault, Call) == before


@pytest.mark.usefixtures("broken_audit")
def test_an_upload_that_cannot_be_audited_leaves_no_object(
    client: TestClient, auth: TokenFactory, vault: Settings, call_id: str
) -> None:
    before = count(vault, StoredObject)
    response = client.put(
        f"/api/v1/calls/{call_id}/transcript",
        json={"text": "Synthetic transcript."},
        headers=auth("integration"),
    )
    assert response.status_code == 503
    assert count(vault, StoredObject) == before


@pytest.mark.usefixtures("broken_audit")
def test_a_denial_that_cannot_be_audited_is_not_answered_as_a_denial(
    client: TestClient, auth: TokenFactory
) -> None:
    """Even a 403 goes out only with its audit entry: without one, a prober could
    try routes unrecorded."""
    response = client.get("/api/v1/users", headers=auth("agent"))
    assert response.status_code == 503


def test_service_resumes_once_the_audit_store_recovers(
    client: TestClient, auth: TokenFactory, vault: Settings, call_id: str
) -> None:
    break_audit(vault)
    assert client.get(f"/api/v1/calls/{call_id}", headers=auth("supervisor")).status_code == 503
    repair_audit(vault)
    response = client.get(f"/api/v1/calls/{call_id}", headers=auth("supervisor"))
    assert response.status_code == 200
    assert response.json()["caller_name"] == CALLER_NAME
