"""Done when: an incident's scope matches a hand-computed scope from a seeded audit
trail. Calls come in through the API; two agents read different calls from different
addresses at different times; a call's PHI is shredded afterwards (a call without a
number). Each expectation below was worked out by hand from the table of reads."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests._vault import TENANT_B, TokenFactory
from tests.identity.conftest import SessionFactory, UserFactory
from tests.incidents.conftest import INCIDENTS, ReaderFactory, add_scope, open_incident
from tests.lifecycle.conftest import create_call

# The callers (synthetic numbers, 555-01xx). c5 is c1's caller again; c6's PHI is
# shredded after it was read; c7 is toll-free (no State); c8 is never read.
NUMBERS = {
    "c1": "+13105550101",  # California
    "c2": "+14155550102",  # California
    "c3": "+17135550103",  # Texas
    "c4": "+12125550104",  # New York
    "c5": "+13105550101",  # California, the same person as c1
    "c6": "+13055550106",  # Florida, until shredded
    "c7": "+18005550107",  # toll-free
    "c8": "+16175550108",  # Massachusetts, never read
}
# Every way a number could show up in an answer that must not show one.
NUMBER_FORMS = [n[2:] for n in NUMBERS.values()] + [n[-7:] for n in NUMBERS.values()]


def now() -> str:
    """A phase boundary: the audit trail has millisecond times, so keep them apart."""
    time.sleep(0.01)
    stamp = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    return stamp


def read(reader: TestClient, call_id: str) -> None:
    assert reader.get(f"/api/v1/calls/{call_id}").status_code == 200


@pytest.fixture
def trail(
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
    reader_at: ReaderFactory,
) -> dict[str, Any]:
    """The seeded trail: the calls' ids, the two agents' ids, the phase boundaries."""
    ingest = auth("integration")
    calls = {name: create_call(client, ingest, caller_number=n) for name, n in NUMBERS.items()}
    agent_a, agent_b = make_user("agent"), make_user("agent")
    a_office = reader_at(agent_a, "10.1.0.5")
    a_home = reader_at(agent_a, "198.51.100.7")
    b_remote = reader_at(agent_b, "192.0.2.20")
    b_office = reader_at(agent_b, "10.1.0.9")

    t0 = now()
    read(a_office, calls["c1"])
    read(a_office, calls["c3"])
    assert a_office.get("/api/v1/calls/no-such-call").status_code == 404  # not a disclosure
    t1 = now()
    read(b_remote, calls["c4"])
    read(b_remote, calls["c5"])
    read(b_remote, calls["c6"])
    read(a_home, calls["c2"])
    t2 = now()
    read(b_office, calls["c7"])
    assert b_remote.get("/api/v1/calls").status_code == 200  # a search names no call
    t3 = now()

    shredder = make_user("compliance_officer")
    csrf = signed_in(shredder, stepped_up=True)
    shred = {"data_types": ["call_phi"]}
    answer = client.post(f"/api/v1/calls/{calls['c6']}/shred", json=shred, headers=csrf)
    assert answer.status_code == 200, answer.text
    client.cookies.clear()
    return {"calls": calls, "a": agent_a.id, "b": agent_b.id, "t": (t0, t1, t2, t3)}


def scope_of(
    client: TestClient, officer: dict[str, str], *queries: dict[str, str]
) -> dict[str, Any]:
    incident = open_incident(client, officer)
    for query in queries:
        incident = add_scope(client, officer, incident["id"], **query)
    return incident


def expect(calls: int, identified: int, without: int, by_state: dict[str, int]) -> dict[str, Any]:
    return {
        "affected_calls": calls,
        "identified_callers": identified,
        "calls_without_number": without,
        "affected_individuals": identified + without,
        "by_state": by_state,
    }


def counts(incident: dict[str, Any]) -> dict[str, Any]:
    scope = dict(incident["scope"])
    del scope["computed_at"]
    return scope


def test_scope_by_actor_network_and_window_matches_the_hand_computed_scope(
    client: TestClient,
    officer: dict[str, str],
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
    trail: dict[str, Any],
) -> None:
    a, b, (_t0, t1, t2, t3) = trail["a"], trail["b"], trail["t"]
    cases = [
        # agent A read c1, c3 (office) and c2 (home): three callers, two in California
        ([{"actor_id": a}], ["c1", "c2", "c3"], expect(3, 3, 0, {"California": 2, "Texas": 1})),
        # 10.1.0.0/24: A's c1 and c3, B's c7 (toll-free: no State)
        (
            [{"network": "10.1.0.0/24"}],
            ["c1", "c3", "c7"],
            expect(3, 3, 0, {"California": 1, "Texas": 1, "unknown": 1}),
        ),
        # t1-t2: B's c4, c5 (c1's caller), c6 (shredded since) and A's c2
        (
            [{"since": t1, "until": t2}],
            ["c2", "c4", "c5", "c6"],
            expect(4, 3, 1, {"California": 2, "New York": 1, "unknown": 1}),
        ),
        # B from 192.0.2.0/24 (both criteria): c4, c5, c6
        (
            [{"actor_id": b, "network": "192.0.2.0/24"}],
            ["c4", "c5", "c6"],
            expect(3, 2, 1, {"California": 1, "New York": 1, "unknown": 1}),
        ),
        # one address
        ([{"network": "198.51.100.7"}], ["c2"], expect(1, 1, 0, {"California": 1})),
        # two queries, OR-ed: A's reads, and everything from t2 to t3 (B's c7)
        (
            [{"actor_id": a}, {"since": t2, "until": t3}],
            ["c1", "c2", "c3", "c7"],
            expect(4, 4, 0, {"California": 2, "Texas": 1, "unknown": 1}),
        ),
        # A's reads and t1-t2: c1 and c5 are one person
        (
            [{"actor_id": a}, {"since": t1, "until": t2}],
            ["c1", "c2", "c3", "c4", "c5", "c6"],
            expect(6, 4, 1, {"California": 2, "Texas": 1, "New York": 1, "unknown": 1}),
        ),
    ]
    investigator = make_user("compliance_officer", "agent")  # may see the numbers too
    for queries, expected_calls, expected_counts in cases:
        incident = scope_of(client, officer, *queries)
        assert counts(incident) == expected_counts, queries
        text = client.get(f"{INCIDENTS}/{incident['id']}", headers=officer).text
        assert not any(form in text for form in NUMBER_FORMS)

        signed_in(investigator)
        listed = client.get(f"{INCIDENTS}/{incident['id']}/affected").json()["items"]
        client.cookies.clear()
        names = {call_id: name for name, call_id in trail["calls"].items()}
        assert sorted(names[item["call_id"]] for item in listed) == expected_calls, queries
        for item in listed:
            name = names[item["call_id"]]
            assert item["caller_number"] == (None if name == "c6" else NUMBERS[name])


def test_a_scope_is_the_tenants_own(
    client: TestClient, officer: dict[str, str], auth: TokenFactory, trail: dict[str, Any]
) -> None:
    """Another tenant's officer asking about the same actor finds none of its reads."""
    other = scope_of(client, auth("compliance_officer", tenant=TENANT_B), {"actor_id": trail["a"]})
    assert counts(other) == expect(0, 0, 0, {})
    mine = scope_of(client, officer, {"actor_id": trail["a"]})
    assert counts(mine)["affected_calls"] == 3
