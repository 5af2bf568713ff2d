"""Alerts tests: audit events fed straight into a tenant's log (for volume and for
chosen timestamps), the watcher and the delivery job driven by hand, and people from
``tests/identity`` for the tests that go through the real API.

The app runs no background jobs (the jobs process does), so each test decides when
the watcher and the delivery job run; ``client`` here runs no lifespan either."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.alerts.delivery import deliver_due_alerts
from callvault.alerts.models import Alert
from callvault.alerts.watcher import run_watcher
from callvault.alerts.webhook import ALLOW_LOOPBACK_ENV
from callvault.audit.append import append_events
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A
from tests.alerts._receiver import Receiver, running_receiver
from tests.identity import conftest as people

make_user = people.make_user
signed_in = people.signed_in


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    yield TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def tenant(vault: Settings) -> str:
    return tenant_id(vault, TENANT_A)


def tenant_id(vault: Settings, name: str) -> str:
    with open_keyring(vault) as (session, _):
        return get_tenant(session, name).id


def emit(
    vault: Settings,
    tenant: str,
    actor_id: str,
    action: str,
    *,
    count: int = 1,
    outcome: str = "allowed",
    actor_type: str = "user",
    at_ms: int | None = None,
    step_ms: int = 0,
    source_ip: str | None = None,
    hashed_terms: str | None = None,
) -> None:
    """Append ``count`` events to the tenant's real audit log, stamped now or from
    ``at_ms`` on, ``step_ms`` apart."""
    rows: list[dict[str, Any]] = [
        {
            "actor_type": actor_type,
            "actor_id": actor_id,
            "action": action,
            "resource_type": "call",
            "resource_id": f"call-{n:05d}",
            "outcome": outcome,
            "source_ip": source_ip,
            "hashed_terms": hashed_terms,
            "at_ms": None if at_ms is None else at_ms + n * step_ms,
        }
        for n in range(count)
    ]
    with open_keyring(vault) as (session, _):
        append_events(session, tenant, rows)
        session.commit()


def watch(vault: Settings, **options: Any) -> int:
    with open_keyring(vault) as (session, _):
        return run_watcher(session, **options)


def deliver(vault: Settings, **options: Any) -> int:
    with open_keyring(vault) as (session, keyring):
        return deliver_due_alerts(session, keyring, **options)


def alerts(vault: Settings, rule: str | None = None) -> list[Alert]:
    with open_keyring(vault) as (session, _):
        stmt = select(Alert).order_by(Alert.created_at, Alert.first_seq)
        if rule is not None:
            stmt = stmt.where(Alert.rule == rule)
        return list(session.execute(stmt).scalars())


SETTINGS = "/api/v1/alerts/settings"
ALERTS = "/api/v1/alerts"


def settings_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "mass_access_threshold": 100,
        "denied_burst_threshold": 10,
        "timezone": "UTC",
        "work_days": ["mon", "tue", "wed", "thu", "fri"],
        "work_start": "07:00",
        "work_end": "19:00",
        "webhook_url": None,
    }
    body.update(overrides)
    return body


@pytest.fixture
def officer(make_user: people.UserFactory, signed_in: people.SessionFactory) -> dict[str, str]:
    """A signed-in compliance officer on ``client``: the CSRF header for changes."""
    return signed_in(make_user("compliance_officer"))


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ALLOW_LOOPBACK_ENV, "1")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def configure_webhook(client: TestClient, csrf: dict[str, str], url: str, **extra: Any) -> str:
    """Point the tenant's webhook at ``url``; return the secret shown (once)."""
    answer = client.put(SETTINGS, json=settings_body(webhook_url=url, **extra), headers=csrf)
    assert answer.status_code == 200, answer.text
    secret: str = answer.json()["webhook_secret"]
    return secret
