"""Lifecycle tests (legal holds, retention, sweeps): the shared vault fixtures of
``tests/_vault.py``, people from ``tests/identity``, and generic helpers to make calls
through the API and to read what the database holds.

Fixtures:
    compliance_officer  Authorization headers of a ``compliance_officer`` token (tenant A)
    ingest              Authorization headers of an ``integration`` token (tenant A)
    make_user, signed_in  people and signed-in sessions (``tests/identity/conftest.py``)
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A, TokenFactory
from tests.calls.factories import call_payload
from tests.identity import conftest as people

make_user = people.make_user
signed_in = people.signed_in


@pytest.fixture
def compliance_officer(auth: TokenFactory) -> dict[str, str]:
    return auth("compliance_officer")


@pytest.fixture
def ingest(auth: TokenFactory) -> dict[str, str]:
    return auth("integration")


def create_call(client: TestClient, headers: dict[str, str], **overrides: Any) -> str:
    """A call made through the API (``tests.calls.factories.call_payload`` with
    ``overrides``); its id."""
    answer = client.post("/api/v1/calls", json=call_payload(**overrides), headers=headers)
    assert answer.status_code == 201, answer.text
    call_id: str = answer.json()["id"]
    return call_id


def tenant_id_of(vault: Settings, tenant: str = TENANT_A) -> str:
    with open_keyring(vault) as (session, _):
        return get_tenant(session, tenant).id


def audit_trail(vault: Settings, action_prefix: str) -> list[tuple[str, str, str | None, str]]:
    """``(action, outcome, resource_id, resource_type)`` of every event whose action
    starts with ``action_prefix``, oldest first."""
    with open_keyring(vault) as (session, _):
        rows = session.execute(
            select(
                AuditEvent.action,
                AuditEvent.outcome,
                AuditEvent.resource_id,
                AuditEvent.resource_type,
            )
            .where(AuditEvent.action.startswith(action_prefix))
            .order_by(AuditEvent.tenant_id, AuditEvent.seq)
        )
        return [(a, o, r, t) for a, o, r, t in rows]


# -- legal holds (for hold tests, and for retention tests that need a call held) ------

HOLDS = "/api/v1/holds"
MATTER = {"reason": "Synthetic litigation notice", "matter": "Doe v. Clinic (synthetic)"}


def place_hold(client: TestClient, headers: dict[str, str], **selector: Any) -> str:
    """A hold placed through the API with ``selector`` (``call_id=...``,
    ``caller_number=...``, ``since=..., until=...`` or ``campaign=...``); its id."""
    answer = client.post(HOLDS, json=MATTER | selector, headers=headers)
    assert answer.status_code == 201, answer.text
    hold_id: str = answer.json()["id"]
    return hold_id
