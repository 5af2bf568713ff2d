"""The alerts API: who may list alerts and change settings, the listing audited,
filters and pages, and settings validated before anything changes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from tests._vault import TENANT_B, TokenFactory
from tests.alerts.conftest import ALERTS, SETTINGS, emit, settings_body, tenant_id, watch
from tests.identity.conftest import SessionFactory, UserFactory


def events_of(vault: Settings, actor_id: str) -> list[tuple[str, str]]:
    with open_keyring(vault) as (session, _):
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.outcome)
            .where(AuditEvent.actor_id == actor_id)
            .order_by(AuditEvent.seq)
        )
        return [(action, outcome) for action, outcome in rows]


def raise_alerts(vault: Settings, tenant: str, actors: int) -> None:
    for n in range(actors):
        emit(
            vault,
            tenant,
            f"token-{n}",
            "audit:read",
            count=11,
            outcome="denied",
            actor_type="token",
        )
    # A token, not a user: no off-hours alert, whatever the time the test runs at.
    emit(vault, tenant, "reader-1", "recording:play", count=101, actor_type="token")
    watch(vault)


# -- who may ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "agent", "supervisor", "marketing"])
def test_listing_alerts_needs_audit_read(
    vault: Settings,
    client: TestClient,
    make_user: UserFactory,
    signed_in: SessionFactory,
    role: str,
) -> None:
    person = make_user(role)
    signed_in(person)
    assert client.get(ALERTS).status_code == 403
    assert events_of(vault, person.id) == [("audit:read", "denied")]


def test_tokens_without_audit_read_are_refused(client: TestClient, auth: TokenFactory) -> None:
    assert client.get(ALERTS, headers=auth("integration")).status_code == 403
    assert client.get(ALERTS).status_code == 401


@pytest.mark.parametrize("role", ["admin", "supervisor", "agent"])
def test_settings_need_alert_admin(
    client: TestClient, make_user: UserFactory, signed_in: SessionFactory, role: str
) -> None:
    csrf = signed_in(make_user(role))
    assert client.get(SETTINGS).status_code == 403
    assert client.put(SETTINGS, json=settings_body(), headers=csrf).status_code == 403


# -- listing ----------------------------------------------------------------------------


def test_the_compliance_officer_lists_alerts_and_the_reading_is_audited(
    vault: Settings,
    tenant: str,
    client: TestClient,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    raise_alerts(vault, tenant, actors=1)
    person = make_user("compliance_officer")
    signed_in(person)
    answer = client.get(ALERTS)
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert sorted(item["rule"] for item in items) == ["denied_burst", "mass_access"]
    mass = next(item for item in items if item["rule"] == "mass_access")
    assert (mass["actor_id"], mass["count"], mass["delivery_status"]) == (
        "reader-1",
        101,
        "not_configured",
    )
    assert events_of(vault, person.id) == [("alert:list", "allowed")]


def test_filters_and_pages(
    vault: Settings, tenant: str, client: TestClient, officer: dict[str, str]
) -> None:
    raise_alerts(vault, tenant, actors=3)
    bursts = client.get(ALERTS, params={"rule": "denied_burst"}).json()["items"]
    assert sorted(item["actor_id"] for item in bursts) == ["token-0", "token-1", "token-2"]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        page = client.get(ALERTS, params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 4
    later = client.get(ALERTS, params={"since": "2999-01-01T00:00:00Z"}).json()
    assert later["items"] == []


@pytest.mark.parametrize(
    "params",
    [{"rule": "sneaky"}, {"cursor": "not-a-cursor"}, {"limit": 0}, {"since": "yesterday"}],
)
def test_bad_listing_parameters_are_422(
    client: TestClient, officer: dict[str, str], params: dict[str, Any]
) -> None:
    answer = client.get(ALERTS, params=params)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"


def test_another_tenants_alerts_are_not_listed(
    vault: Settings,
    client: TestClient,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    raise_alerts(vault, tenant_id(vault, TENANT_B), actors=1)
    signed_in(make_user("compliance_officer"))
    assert client.get(ALERTS).json()["items"] == []


# -- settings ---------------------------------------------------------------------------


def test_defaults_then_a_saved_change_audited(
    vault: Settings,
    client: TestClient,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    person = make_user("compliance_officer")
    csrf = signed_in(person)
    defaults = client.get(SETTINGS).json()
    assert defaults == settings_body(
        disabled_rules=[], webhook_secret_set=False, webhook_secret=None
    )
    change = settings_body(
        mass_access_threshold=250,
        timezone="America/Chicago",
        work_days=["sat", "mon"],
        work_start="06:30",
        work_end="24:00",
        disabled_rules=["same_surname"],
    )
    answer = client.put(SETTINGS, json=change, headers=csrf)
    assert answer.status_code == 200, answer.text
    saved = client.get(SETTINGS).json()
    assert saved["work_days"] == ["mon", "sat"]
    assert (saved["timezone"], saved["work_start"], saved["work_end"]) == (
        "America/Chicago",
        "06:30",
        "24:00",
    )
    assert saved["disabled_rules"] == ["same_surname"]
    assert events_of(vault, person.id) == [("alert:settings_update", "allowed")]


BAD_SETTINGS = [
    {"timezone": "Mars/Olympus_Mons"},
    {"timezone": "../../etc/passwd"},
    {"timezone": "localtime"},
    {"work_start": "19:00", "work_end": "07:00"},
    {"work_start": "25:00"},
    {"work_days": []},
    {"work_days": ["someday"]},
    {"mass_access_threshold": 0},
    {"denied_burst_threshold": "10"},
    {"disabled_rules": ["no_such_rule"]},
    {"rotate_webhook_secret": True},  # with no webhook
    {"surprise": 1},
]


@pytest.mark.parametrize("bad", BAD_SETTINGS)
def test_bad_settings_are_422_and_change_nothing(
    client: TestClient, officer: dict[str, str], bad: dict[str, Any]
) -> None:
    before = client.get(SETTINGS).json()
    answer = client.put(SETTINGS, json=settings_body(**bad), headers=officer)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert client.get(SETTINGS).json() == before


def test_settings_are_per_tenant(
    vault: Settings,
    client: TestClient,
    officer: dict[str, str],
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    client.put(SETTINGS, json=settings_body(mass_access_threshold=7), headers=officer)
    signed_in(make_user("compliance_officer", tenant=TENANT_B))
    assert client.get(SETTINGS).json()["mass_access_threshold"] == 100
