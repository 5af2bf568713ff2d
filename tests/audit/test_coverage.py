"""Every PHI route leaves exactly one audit entry per request, whatever the outcome
(RELIABILITY X9): who (actor), what (action, resource), when (UTC), where (source IP),
and how it ended."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.audit.service import Outcome, RequestInfo, record_event
from callvault.authz.principal import system_principal
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from tests._vault import TENANT_A, TokenFactory
from tests.audit._log import tenant_id
from tests.audit.test_tamper import verify
from tests.calls.factories import call_payload, wav_bytes
from tests.pipeline._helpers import Pipeline

UNKNOWN_CALL = "0" * 32

# (method, path template, action, role that may, role that may not)
PHI_ROUTES = [
    ("GET", "/api/v1/calls/{id}", "call:read", "agent", "compliance_officer"),
    ("GET", "/api/v1/calls/{id}/recording", "recording:play", "agent", "marketing"),
    ("GET", "/api/v1/calls/{id}/transcript", "transcript:read", "agent", "marketing"),
]


@pytest.fixture
def call_id(client: TestClient, auth: TokenFactory, vault: Settings) -> str:
    integration = auth("integration")
    call = client.post("/api/v1/calls", json=call_payload(), headers=integration).json()["id"]
    client.put(
        f"/api/v1/calls/{call}/recording",
        content=wav_bytes(),
        headers=integration | {"Content-Type": "audio/wav"},
    )
    client.put(f"/api/v1/calls/{call}/transcript", json={"text": "Synthetic."}, headers=integration)
    pipeline = Pipeline(vault)
    try:
        [result] = pipeline.run()  # the recording is playable once scrubbed
    finally:
        pipeline.close()
    assert result.state == "done", result
    return str(call)


def new_events(settings: Settings, after_seq: int) -> list[AuditEvent]:
    with open_keyring(settings) as (session, _):
        stmt = (
            select(AuditEvent)
            .where(AuditEvent.tenant_id == tenant_id(settings, TENANT_A))
            .where(AuditEvent.seq > after_seq)
            .order_by(AuditEvent.seq)
        )
        return list(session.execute(stmt).scalars())


def last_seq(settings: Settings) -> int:
    with open_keyring(settings) as (session, _):
        stmt = (
            select(AuditEvent.seq)
            .where(AuditEvent.tenant_id == tenant_id(settings, TENANT_A))
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        )
        found = session.execute(stmt).scalar_one_or_none()
        return -1 if found is None else found


@pytest.mark.parametrize(("method", "path", "action", "allowed_role", "denied_role"), PHI_ROUTES)
@pytest.mark.parametrize("case", ["allowed", "not_found", "denied"])
def test_each_phi_request_leaves_exactly_one_complete_entry(
    client: TestClient,
    auth: TokenFactory,
    vault: Settings,
    call_id: str,
    method: str,
    path: str,
    action: str,
    allowed_role: str,
    denied_role: str,
    case: str,
) -> None:
    target = UNKNOWN_CALL if case == "not_found" else call_id
    role = denied_role if case == "denied" else allowed_role
    headers = auth(role) | {"User-Agent": "coverage-test/1", "X-Request-ID": "cov-1"}
    before, started_ms = last_seq(vault), time.time() * 1000 - 1
    response = client.request(method, path.format(id=target), headers=headers)
    assert response.status_code == {"allowed": 200, "not_found": 404, "denied": 403}[case]

    (event,) = new_events(vault, before)
    assert event.outcome == case
    assert event.actor_type == "token"
    assert event.source_ip == "testclient"
    assert event.user_agent == "coverage-test/1"
    assert started_ms <= event.at_ms <= time.time() * 1000 + 1
    if case == "denied":
        assert event.resource_type == "route"
    else:
        assert event.action == action
        assert event.resource_id == target


def test_hostile_text_in_audited_fields_is_stored_verifiably(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    """CR/LF, ANSI escapes and a lone surrogate (valid JSON, invalid UTF-8) in
    client-controlled fields neither break the audit write nor the chain (RELIABILITY
    B12)."""
    hostile = "evil\r\nINJECTED: yes \x1b[31mred\x1b[0m"
    response = client.get(
        "/api/v1/calls/" + "1" * 32, headers=auth("agent") | {"User-Agent": hostile}
    )
    assert response.status_code == 404
    with open_keyring(vault) as (session, _):
        record_event(
            session,
            system_principal(tenant_id(vault, TENANT_A), "test", []),
            "elevation:request",
            resource_type="elevation",
            resource_id="e" * 32,
            outcome=Outcome.ALLOWED,
            request=RequestInfo(user_agent=hostile),
            reason="a reason with a lone \ud800 surrogate",
        )
        session.commit()
    code, output = verify(vault)
    assert code == 0, output


def test_concurrent_phi_reads_go_through_the_group_committer(
    client: TestClient, auth: TokenFactory, vault: Settings, call_id: str
) -> None:
    """While the server runs, reads share durable commits; each is still audited once."""
    from concurrent.futures import ThreadPoolExecutor

    committer = client.app.state.audit.committer  # type: ignore[attr-defined]
    assert committer is not None
    before = committer.committed_events
    headers = auth("agent")
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(
            pool.map(
                lambda _: client.get(f"/api/v1/calls/{call_id}", headers=headers).status_code,
                range(48),
            )
        )
    assert statuses == [200] * 48
    assert committer.committed_events - before == 48
    reads = [
        e for e in new_events(vault, -1) if e.action == "call:read" and e.resource_id == call_id
    ]
    assert len(reads) == 48
    code, output = verify(vault)
    assert code == 0, output
