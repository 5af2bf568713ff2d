"""Synthetic transcripts, word timings and policy/audit helpers for the transcript tests.
Every name, number and date here is invented (phone numbers in the 555-01xx range)."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.cli.vault import open_keyring
from callvault.identity.models import CustomRole
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests.calls.conftest import TENANT_A

REVIEWER = "transcript-reviewer"  # a custom role that may read unredacted transcripts

# The caller of call_payload() is "Quinn Fictional" on (202) 555-0147.
INTAKE = (
    "agent: thanks for calling the clinic, who am I speaking with\n"
    "caller: hi, my name is Jordan Samplewell\n"
    "agent: can I have your social security number\n"
    "caller: sure, it is five three six, nine oh, four three nine nine\n"
    "agent: and your date of birth\n"
    "caller: march third nineteen eighty two\n"
    "agent: and a good callback number\n"
    "caller: two oh two, five five five, oh one nine eight"
)
INTAKE_PHI = (
    "Jordan",
    "Samplewell",
    "five three six",
    "four three nine nine",
    "march third",
    "nineteen eighty two",
    "oh one nine eight",
)


def words_of(text: str, gap: float = 0.1, length: float = 0.4) -> list[dict[str, Any]]:
    """One timed word per whitespace token, speaker tags at line starts excluded."""
    out: list[dict[str, Any]] = []
    at = 0.0
    for line in text.split("\n"):
        tokens = line.split()
        if tokens and tokens[0].endswith(":"):
            tokens = tokens[1:]
        for token in tokens:
            out.append({"word": token, "start": round(at, 3), "end": round(at + length, 3)})
            at += length + gap
    return out


def put_transcript(
    client: TestClient, headers: dict[str, str], call_id: str, body: dict[str, Any]
) -> int:
    response = client.put(f"/api/v1/calls/{call_id}/transcript", json=body, headers=headers)
    return response.status_code


def set_redaction_policy(client: TestClient, headers: dict[str, str], **fields: Any) -> None:
    response = client.put("/api/v1/policy/redaction", json=fields, headers=headers)
    assert response.status_code == 200, response.text


def add_reviewer_role(settings: Settings, tenant: str = TENANT_A) -> None:
    with open_keyring(settings) as (session, _):
        session.add(
            CustomRole(
                tenant_id=get_tenant(session, tenant).id,
                name=REVIEWER,
                allow=json.dumps(["call:read", "transcript:read", "transcript:read_unredacted"]),
                deny="[]",
            )
        )
        session.commit()


def events(settings: Settings, action: str) -> list[tuple[str, str, str | None]]:
    """(outcome, resource_type, resource_id) of every audit event with ``action``."""
    with open_keyring(settings) as (session, _):
        rows = session.execute(
            select(AuditEvent.outcome, AuditEvent.resource_type, AuditEvent.resource_id)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.tenant_id, AuditEvent.seq)
        ).all()
    return [(r[0], r[1], r[2]) for r in rows]
