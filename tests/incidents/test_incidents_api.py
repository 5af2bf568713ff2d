"""The incidents API: the clock, who may, bad input refused with nothing written, the
timeline and its notices, closing, tenants, and the audit trail of each step."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callvault.cli.vault import open_keyring
from callvault.incidents.models import Incident, IncidentScopeQuery, IncidentTimelineEntry
from callvault.settings import Settings
from tests._vault import TENANT_B, TokenFactory
from tests.identity.conftest import UserFactory
from tests.incidents.conftest import INCIDENTS, ReaderFactory, add_scope, open_incident
from tests.lifecycle.conftest import create_call


def rows(vault: Settings) -> dict[str, int]:
    with open_keyring(vault) as (session, _):
        return {
            model.__tablename__: session.execute(
                select(func.count()).select_from(model)
            ).scalar_one()
            for model in (Incident, IncidentScopeQuery, IncidentTimelineEntry)
        }


def today() -> date:
    return datetime.now(UTC).date()


def test_an_incident_starts_the_sixty_day_clock(
    client: TestClient, officer: dict[str, str]
) -> None:
    discovered = today() - timedelta(days=10)
    incident = open_incident(client, officer, discovered.isoformat())
    assert incident["deadline"] == (discovered + timedelta(days=60)).isoformat()
    assert incident["days_remaining"] == 50
    assert incident["status"] == "open" and incident["scope"] is None
    assert [o["duty"] for o in incident["obligations"]] == ["individuals"]
    assert [e["kind"] for e in incident["timeline"]] == ["created"]

    listed = client.get(INCIDENTS, headers=officer).json()["items"]
    assert [(i["id"], i["days_remaining"]) for i in listed] == [(incident["id"], 50)]
    assert client.get(f"{INCIDENTS}/{incident['id']}", headers=officer).json() == incident
    assert [a for a, *_ in audit_trail_of(client, officer)] == [
        "incident:create",
        "incident:list",
        "incident:list",
    ]


def audit_trail_of(client: TestClient, officer: dict[str, str]) -> list[tuple[str, str]]:
    events = client.get("/api/v1/audit/events?resource_type=incident", headers=officer)
    return [(e["action"], e["outcome"]) for e in events.json()["items"]]


@pytest.mark.parametrize(
    "body",
    [
        {"title": "Synthetic", "discovered_on": "FUTURE"},
        {"title": "Synthetic", "discovered_on": "2026-13-01"},
        {"title": "Synthetic", "discovered_on": "03/10/2026"},
        {"title": "Synthetic", "discovered_on": 20260310},
        {"title": "", "discovered_on": "2026-03-10"},
        {"title": "Synthetic\nsecond line", "discovered_on": "2026-03-10"},
        {"discovered_on": "2026-03-10"},
        {"title": "Synthetic", "discovered_on": "2026-03-10", "status": "closed"},
    ],
)
def test_bad_incidents_are_refused_and_change_nothing(
    client: TestClient, vault: Settings, officer: dict[str, str], body: dict[str, Any]
) -> None:
    if body.get("discovered_on") == "FUTURE":
        body = body | {"discovered_on": (today() + timedelta(days=2)).isoformat()}
    answer = client.post(INCIDENTS, json=body, headers=officer)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert rows(vault) == {"incidents": 0, "incident_scope_queries": 0, "incident_timeline": 0}


@pytest.mark.parametrize("role", ["agent", "admin", "supervisor", "marketing"])
def test_only_incident_admin_may(
    client: TestClient, auth: TokenFactory, officer: dict[str, str], role: str
) -> None:
    incident = open_incident(client, officer)
    headers = auth(role)
    body = {"title": "Synthetic", "discovered_on": "2026-03-10"}
    assert client.post(INCIDENTS, json=body, headers=headers).status_code == 403
    assert client.get(INCIDENTS, headers=headers).status_code == 403
    assert client.get(f"{INCIDENTS}/{incident['id']}/evidence", headers=headers).status_code == 403
    denied = [e for e in audit_trail_of(client, officer) if e[1] == "denied"]
    assert denied == []  # a denial names the route, not the incident
    route_denials = client.get(
        "/api/v1/audit/events?action=incident:admin&outcome=denied", headers=officer
    ).json()["items"]
    assert len(route_denials) == 3


def test_another_tenants_incident_is_not_found(
    client: TestClient, auth: TokenFactory, officer: dict[str, str]
) -> None:
    theirs = open_incident(client, auth("compliance_officer", tenant=TENANT_B))
    assert client.get(f"{INCIDENTS}/{theirs['id']}", headers=officer).status_code == 404
    note = {"kind": "note", "note": "synthetic"}
    answer = client.post(f"{INCIDENTS}/{theirs['id']}/timeline", json=note, headers=officer)
    assert answer.status_code == 404
    assert audit_trail_of(client, officer) == [
        ("incident:list", "not_found"),
        ("incident:timeline", "not_found"),
    ]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"network": "10.1.0.0/33"},
        {"network": "not-a-network"},
        {"since": "2026-03-02T10:00:00"},  # no offset
        {"since": "2026-03-02T10:00:00Z", "until": "2026-03-02T09:00:00Z"},
        {"actor_id": "x" * 65},
        {"actor_id": "someone", "caller_number": "+13105550101"},
    ],
)
def test_bad_scope_queries_are_refused_and_change_nothing(
    client: TestClient, vault: Settings, officer: dict[str, str], query: dict[str, str]
) -> None:
    incident = open_incident(client, officer)
    before = rows(vault)
    answer = client.post(f"{INCIDENTS}/{incident['id']}/scope", json=query, headers=officer)
    assert answer.status_code == 422, answer.text
    assert rows(vault) == before


def test_a_small_breach_goes_to_the_annual_log_and_its_notices_are_recorded(
    client: TestClient,
    officer: dict[str, str],
    ingest: dict[str, str],
    make_user: UserFactory,
    reader_at: ReaderFactory,
) -> None:
    """End to end with two callers: individuals within 60 days, the Secretary in the
    annual log; notices recorded as sent discharge them on the incident."""
    agent = make_user("agent")
    reader = reader_at(agent, "203.0.113.9")
    for number in ("+13105550101", "+17135550103"):
        call_id = create_call(client, ingest, caller_number=number)
        assert reader.get(f"/api/v1/calls/{call_id}").status_code == 200
    incident = open_incident(client, officer, "2026-03-10")
    incident = add_scope(client, officer, incident["id"], network="203.0.113.0/24")
    assert incident["scope"]["affected_individuals"] == 2
    assert incident["affected_individuals"] == 2
    duties = {o["duty"]: o for o in incident["obligations"]}
    assert set(duties) == {"individuals", "secretary_annual_log"}
    assert duties["individuals"]["due_on"] == "2026-05-09"
    assert duties["secretary_annual_log"]["due_on"] == "2027-03-01"
    assert duties["secretary_annual_log"]["regulation"] == "45 CFR 164.408(c)"

    timeline = f"{INCIDENTS}/{incident['id']}/timeline"
    notice = {"kind": "notice", "duty": "individuals", "sent_on": "2026-04-01"}
    incident = client.post(timeline, json=notice, headers=officer).json()
    sent = {o["duty"]: o["sent_on"] for o in incident["obligations"]}
    assert sent == {"individuals": "2026-04-01", "secretary_annual_log": None}
    note = {"kind": "note", "note": "Synthetic: letters mailed by first-class mail."}
    assert client.post(timeline, json=note, headers=officer).status_code == 200

    closed = client.post(f"{INCIDENTS}/{incident['id']}/close", headers=officer)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    kinds = [e["kind"] for e in closed.json()["timeline"]]
    assert kinds == ["created", "scope_computed", "notice", "note", "closed"]
    assert client.post(f"{INCIDENTS}/{incident['id']}/close", headers=officer).status_code == 409
    assert client.post(timeline, json=note, headers=officer).status_code == 409


@pytest.mark.parametrize(
    "entry",
    [
        {"kind": "notice", "duty": "secretary", "sent_on": "FUTURE"},
        {"kind": "notice", "duty": "secretary", "sent_on": "2026-03-09"},  # before discovery
        {"kind": "notice", "duty": "media", "sent_on": "2026-04-01"},  # which State?
        {"kind": "notice", "duty": "media", "state": "Atlantis", "sent_on": "2026-04-01"},
        {"kind": "notice", "duty": "media", "state": "TX", "sent_on": "2026-04-01"},
        {"kind": "notice", "duty": "individuals", "state": "Texas", "sent_on": "2026-04-01"},
        {"kind": "notice", "duty": "nobody", "sent_on": "2026-04-01"},
        {"kind": "notice", "duty": "individuals"},
        {"kind": "note"},
        {"kind": "note", "note": "x", "sent_on": "2026-04-01"},
        {"kind": "closed"},
        {"kind": "created"},
    ],
)
def test_bad_timeline_entries_are_refused_and_change_nothing(
    client: TestClient, vault: Settings, officer: dict[str, str], entry: dict[str, str]
) -> None:
    if entry.get("sent_on") == "FUTURE":
        entry = entry | {"sent_on": (today() + timedelta(days=2)).isoformat()}
    incident = open_incident(client, officer, "2026-03-10")
    before = rows(vault)
    answer = client.post(f"{INCIDENTS}/{incident['id']}/timeline", json=entry, headers=officer)
    assert answer.status_code == 422, answer.text
    assert rows(vault) == before


def test_the_affected_calls_need_call_read_phi_too(
    client: TestClient, officer: dict[str, str]
) -> None:
    incident = open_incident(client, officer)
    answer = client.get(f"{INCIDENTS}/{incident['id']}/affected", headers=officer)
    assert answer.status_code == 403
    denied = client.get(
        "/api/v1/audit/events?action=call:read_phi&outcome=denied", headers=officer
    ).json()["items"]
    assert [e["resource_id"] for e in denied] == [incident["id"]]
