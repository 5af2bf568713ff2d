from __future__ import annotations

import base64
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callvault.audit.models import AuditEvent
from callvault.calls.models import Call
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from tests.calls.conftest import TENANT_B, TokenFactory
from tests.calls.factories import call_payload

PHI_VALUES = ("5550147", "555-0147", "Quinn", "Fictional", "checkup request")


def create(client: TestClient, headers: dict[str, str], **overrides: object) -> str:
    response = client.post("/api/v1/calls", json=call_payload(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    call_id: str = response.json()["id"]
    return call_id


def count_calls(settings: Settings) -> int:
    with open_keyring(settings) as (session, _):
        return session.execute(select(func.count()).select_from(Call)).scalar_one()


def test_created_call_reads_back_with_phi_for_a_supervisor(
    client: TestClient, auth: TokenFactory
) -> None:
    call_id = create(client, auth("integration"))

    body = client.get(f"/api/v1/calls/{call_id}", headers=auth("supervisor")).json()

    assert body["caller_number"] == "+12025550147"
    assert body["caller_name"] == "Quinn Fictional"
    assert body["notes"] == "Synthetic note about a checkup request."
    assert body["tracking_number"] == "+12025550111"
    assert body["started_at"].startswith("2026-03-02T14:00:00")
    assert body["recording"] is None and body["transcript"] is None


def test_without_read_phi_the_number_is_masked_and_name_and_notes_absent(
    client: TestClient, auth: TokenFactory
) -> None:
    call_id = create(client, auth("integration"))

    body = client.get(f"/api/v1/calls/{call_id}", headers=auth("marketing")).json()

    assert body["caller_number"] == "+1******0147"
    assert body["caller_name"] is None
    assert body["notes"] is None


@pytest.mark.parametrize(
    "spelling", ["+12025550147", "202-555-0147", "(202) 555 0147", "+1 (202) 555-0147"]
)
def test_search_by_caller_number_matches_any_spelling(
    client: TestClient, auth: TokenFactory, spelling: str
) -> None:
    ingest = auth("integration")
    wanted = create(client, ingest)
    create(client, ingest, caller_number="+1 202 555 0199")

    response = client.get(
        "/api/v1/calls", params={"caller_number": spelling}, headers=auth("supervisor")
    )

    assert [item["id"] for item in response.json()["items"]] == [wanted]


def test_search_by_tracking_number_and_time_window(client: TestClient, auth: TokenFactory) -> None:
    ingest = auth("integration")
    early = create(
        client, ingest, started_at="2026-03-01T09:00:00Z", ended_at="2026-03-01T09:01:00Z"
    )
    late = create(
        client, ingest, started_at="2026-03-05T09:00:00Z", ended_at="2026-03-05T09:01:00Z"
    )
    create(client, ingest, tracking_number="+1 202 555 0112")
    reader = auth("supervisor")

    window = client.get(
        "/api/v1/calls",
        params={"since": "2026-03-04T00:00:00Z", "until": "2026-03-06T00:00:00Z"},
        headers=reader,
    ).json()
    tracked = client.get(
        "/api/v1/calls", params={"tracking_number": "202-555-0111"}, headers=reader
    ).json()

    assert [c["id"] for c in window["items"]] == [late]
    assert {c["id"] for c in tracked["items"]} >= {early, late}
    assert all(c["tracking_number"] == "+12025550111" for c in tracked["items"])


def test_pagination_walks_every_call_once_newest_first(
    client: TestClient, auth: TokenFactory
) -> None:
    ingest = auth("integration")
    ids = [
        create(
            client, ingest, started_at=f"2026-03-0{d}T10:00:00Z", ended_at=f"2026-03-0{d}T10:05:00Z"
        )
        for d in range(1, 8)
    ]
    reader, seen, cursor = auth("supervisor"), [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/calls", params=params, headers=reader).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!",
        base64.urlsafe_b64encode(b"no separator").decode(),
        base64.urlsafe_b64encode(b"yesterday|abc").decode(),
        # A time without an offset: it could not be compared with stored times.
        base64.urlsafe_b64encode(b"2026-01-01T00:00:00|abc").decode().rstrip("="),
    ],
)
def test_a_cursor_the_server_did_not_issue_is_a_422(
    client: TestClient, auth: TokenFactory, cursor: str
) -> None:
    response = client.get("/api/v1/calls", params={"cursor": cursor}, headers=auth("supervisor"))
    assert response.status_code == 422
    assert response.json()["detail"] == "cursor is not one this server issued"


def test_page_size_is_capped(client: TestClient, auth: TokenFactory) -> None:
    create(client, auth("integration"))
    response = client.get("/api/v1/calls", params={"limit": 10**9}, headers=auth("supervisor"))
    assert response.status_code == 200
    assert len(response.json()["items"]) == 1


def test_searching_by_number_needs_read_phi(client: TestClient, auth: TokenFactory) -> None:
    create(client, auth("integration"))
    response = client.get(
        "/api/v1/calls", params={"caller_number": "202-555-0147"}, headers=auth("marketing")
    )
    assert response.status_code == 403


BAD_BODIES = [
    ("malformed json", b'{"caller_number": ', 422),
    ("not an object", b"[1, 2]", 422),
    ("wrong type", json.dumps(call_payload(caller_number=2025550147)).encode(), 422),
    ("unknown field", json.dumps(call_payload(ssn="000-00-0000")).encode(), 422),
    ("missing field", json.dumps(call_payload(direction=None)).encode(), 422),
    ("naive time", json.dumps(call_payload(started_at="2026-03-02T14:00:00")).encode(), 422),
    ("ends first", json.dumps(call_payload(ended_at="2026-03-02T13:00:00Z")).encode(), 422),
    ("bad direction", json.dumps(call_payload(direction="sideways")).encode(), 422),
    ("not a number", json.dumps(call_payload(caller_number="call me maybe")).encode(), 422),
    ("too short", json.dumps(call_payload(caller_number="12")).encode(), 422),
    ("oversize", json.dumps(call_payload(notes="x" * 70_000)).encode(), 413),
]


@pytest.mark.parametrize(("case", "body", "status"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
def test_bad_call_bodies_get_a_problem_and_change_nothing(
    client: TestClient, auth: TokenFactory, vault: Settings, case: str, body: bytes, status: int
) -> None:
    response = client.post(
        "/api/v1/calls",
        content=body,
        headers=auth("integration") | {"Content-Type": "application/json"},
    )

    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["title"]
    assert not any(value in response.text for value in PHI_VALUES)
    assert count_calls(vault) == 0


def test_validation_problem_names_the_field(client: TestClient, auth: TokenFactory) -> None:
    response = client.post(
        "/api/v1/calls", json=call_payload(direction="sideways"), headers=auth("integration")
    )
    assert [e["field"] for e in response.json()["errors"]] == ["direction"]


def test_call_body_must_be_json(client: TestClient, auth: TokenFactory) -> None:
    response = client.post(
        "/api/v1/calls",
        content=json.dumps(call_payload()),
        headers=auth("integration") | {"Content-Type": "text/plain"},
    )
    assert response.status_code == 415


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer cvt_" + "0" * 32 + "_" + "A" * 43},
    ],
    ids=["missing", "garbage", "wrong-scheme", "unknown-token"],
)
def test_requests_without_a_valid_token_get_401(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.get("/api/v1/calls", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_role_without_the_permission_gets_403_and_the_denial_is_audited(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    response = client.post("/api/v1/calls", json=call_payload(), headers=auth("marketing"))

    assert response.status_code == 403
    with open_keyring(vault) as (session, _):
        outcomes = session.execute(select(AuditEvent.action, AuditEvent.outcome)).all()
    assert ("call:create", "denied") in outcomes
    assert count_calls(vault) == 0


def test_a_call_of_another_tenant_is_not_found(client: TestClient, auth: TokenFactory) -> None:
    call_id = create(client, auth("integration"))
    other = auth("supervisor", tenant=TENANT_B)

    assert client.get(f"/api/v1/calls/{call_id}", headers=other).status_code == 404
    assert client.get("/api/v1/calls", headers=other).json()["items"] == []
    for path in ("recording", "transcript"):
        assert client.get(f"/api/v1/calls/{call_id}/{path}", headers=other).status_code == 404


def test_reads_and_writes_are_audited_without_phi(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    call_id = create(client, auth("integration"))
    client.get(f"/api/v1/calls/{call_id}", headers=auth("supervisor"))

    with open_keyring(vault) as (session, _):
        events = session.execute(select(AuditEvent)).scalars().all()
    actions = [(e.action, e.resource_id, e.outcome) for e in events]
    assert ("call:create", call_id, "allowed") in actions
    assert ("call:read", call_id, "allowed") in actions
    dumped = " ".join(str(vars(e)) for e in events)
    assert not any(value in dumped for value in PHI_VALUES)


def test_another_tenant_cannot_attach_objects_to_a_call(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    call_id = create(client, auth("integration"))
    other = auth("integration", tenant=TENANT_B)

    recording = client.put(
        f"/api/v1/calls/{call_id}/recording",
        content=b"RIFF\x00\x00\x00\x00WAVEfmt " + bytes(64),
        headers=other | {"Content-Type": "audio/wav"},
    )
    transcript = client.put(
        f"/api/v1/calls/{call_id}/transcript", json={"text": "hello"}, headers=other
    )

    assert (recording.status_code, transcript.status_code) == (404, 404)
    body = client.get(f"/api/v1/calls/{call_id}", headers=auth("supervisor")).json()
    assert body["recording"] is None and body["transcript"] is None
    with open_keyring(vault) as (session, _):
        outcomes = session.execute(select(AuditEvent.action, AuditEvent.outcome)).all()
    assert ("recording:upload", "not_found") in outcomes
