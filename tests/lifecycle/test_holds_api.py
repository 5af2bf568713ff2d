"""The legal holds API: who may, what a hold shows (never a phone number), release,
tenants, bodies refused with nothing written, the audit trail, the export for counsel."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callvault.cli.vault import open_keyring
from callvault.lifecycle.models import LegalHold
from callvault.settings import Settings
from tests._vault import TENANT_B, TokenFactory
from tests.identity.conftest import SessionFactory, UserFactory
from tests.lifecycle.conftest import HOLDS, MATTER, audit_trail, create_call
from tests.lifecycle.conftest import place_hold as place

# What must never come back: the number a caller hold names, in any of its forms.
NUMBER_FORMS = ("555-0147", "5550147", "555 0147", "*0147")


def hold_count(vault: Settings) -> int:
    with open_keyring(vault) as (session, _):
        return session.execute(select(func.count()).select_from(LegalHold)).scalar_one()


def token_id(headers: dict[str, str]) -> str:
    return headers["Authorization"].split("_")[1]  # "Bearer cvt_<id>_<secret>"


def shows_a_number(text: str) -> bool:
    return any(form in text for form in NUMBER_FORMS)


# -- each kind ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "covers"),
    [
        ({"caller_number": "(202) 555-0147"}, "caller"),
        ({"since": "2026-03-01T00:00:00Z", "until": "2026-03-31T23:59:59Z"}, "date_range"),
        ({"campaign": "spring-checkups"}, "campaign"),
    ],
)
def test_each_kind_of_hold_is_placed_and_shown_without_a_number(
    client: TestClient,
    compliance_officer: dict[str, str],
    selector: dict[str, str],
    covers: str,
) -> None:
    hold_id = place(client, compliance_officer, **selector)
    answer = client.get(f"{HOLDS}/{hold_id}", headers=compliance_officer)
    assert answer.status_code == 200
    hold = answer.json()
    assert hold["covers"] == covers and hold["caller"] is (covers == "caller")
    assert hold["owner"] == token_id(compliance_officer)
    assert (hold["reason"], hold["matter"]) == (MATTER["reason"], MATTER["matter"])
    assert hold["released_at"] is None and hold["released_by"] is None
    assert not shows_a_number(answer.text)


def test_a_call_hold_names_the_call(
    client: TestClient, ingest: dict[str, str], compliance_officer: dict[str, str]
) -> None:
    call_id = create_call(client, ingest)
    hold_id = place(client, compliance_officer, call_id=call_id)
    hold = client.get(f"{HOLDS}/{hold_id}", headers=compliance_officer).json()
    assert (hold["covers"], hold["call_id"], hold["caller"]) == ("call", call_id, False)


def test_holds_have_no_cap(client: TestClient, compliance_officer: dict[str, str]) -> None:
    for n in range(30):
        place(client, compliance_officer, campaign=f"campaign-{n}")
    listed = client.get(HOLDS, headers=compliance_officer).json()["items"]
    assert len(listed) == 30


# -- release and listing --------------------------------------------------------------


def test_release_sets_who_and_when_and_a_second_release_is_a_conflict(
    client: TestClient, vault: Settings, compliance_officer: dict[str, str]
) -> None:
    hold_id = place(client, compliance_officer, campaign="spring-checkups")
    first = client.post(f"{HOLDS}/{hold_id}/release", headers=compliance_officer)
    assert first.status_code == 200
    assert first.json()["released_at"] is not None
    assert first.json()["released_by"] == token_id(compliance_officer)
    second = client.post(f"{HOLDS}/{hold_id}/release", headers=compliance_officer)
    assert second.status_code == 409
    assert second.headers["content-type"].startswith("application/problem+json")
    again = client.get(f"{HOLDS}/{hold_id}", headers=compliance_officer).json()
    assert again["released_at"] == first.json()["released_at"]


def test_the_listing_shows_active_holds_unless_asked_otherwise(
    client: TestClient, compliance_officer: dict[str, str]
) -> None:
    active = place(client, compliance_officer, campaign="kept")
    released = place(client, compliance_officer, campaign="let-go")
    client.post(f"{HOLDS}/{released}/release", headers=compliance_officer)

    def listed(query: str) -> set[str]:
        answer = client.get(f"{HOLDS}{query}", headers=compliance_officer)
        assert answer.status_code == 200
        return {hold["id"] for hold in answer.json()["items"]}

    assert listed("") == listed("?status=active") == {active}
    assert listed("?status=released") == {released}
    assert listed("?status=all") == {active, released}
    assert client.get(f"{HOLDS}?status=some", headers=compliance_officer).status_code == 422


# -- tenants --------------------------------------------------------------------------


def test_another_tenants_hold_is_not_found(
    client: TestClient, vault: Settings, compliance_officer: dict[str, str], auth: TokenFactory
) -> None:
    theirs = place(client, auth("compliance_officer", tenant=TENANT_B), campaign="theirs")
    for answer in (
        client.get(f"{HOLDS}/{theirs}", headers=compliance_officer),
        client.post(f"{HOLDS}/{theirs}/release", headers=compliance_officer),
        client.get(f"{HOLDS}/no-such-hold", headers=compliance_officer),
    ):
        assert answer.status_code == 404, answer.text
        assert "theirs" not in answer.text
    assert client.get(HOLDS, headers=compliance_officer).json()["items"] == []
    with open_keyring(vault) as (session, _):
        assert session.get_one(LegalHold, theirs).released_at is None
    assert ("hold:release", "not_found", theirs, "legal_hold") in audit_trail(vault, "hold:")


@pytest.mark.parametrize("whose", ["other tenant", "nobody"])
def test_a_hold_on_a_call_this_tenant_does_not_have_is_not_found_and_audited(
    client: TestClient,
    vault: Settings,
    auth: TokenFactory,
    compliance_officer: dict[str, str],
    whose: str,
) -> None:
    if whose == "nobody":
        call_id = "0" * 32
    else:
        call_id = create_call(client, auth("integration", tenant=TENANT_B))
    answer = client.post(HOLDS, json=MATTER | {"call_id": call_id}, headers=compliance_officer)
    assert answer.status_code == 404
    assert answer.json()["detail"] == "no such call"
    assert hold_count(vault) == 0
    assert audit_trail(vault, "hold:") == [("hold:create", "not_found", call_id, "call")]


# -- bodies ---------------------------------------------------------------------------

BAD_BODIES: list[tuple[str, Any]] = [
    ("no selector", MATTER),
    ("two selectors", MATTER | {"campaign": "a", "caller_number": "(202) 555-0147"}),
    ("call and range", MATTER | {"call_id": "x", "since": "2026-03-01T00:00:00Z"}),
    ("since only", MATTER | {"since": "2026-03-01T00:00:00Z"}),
    ("until only", MATTER | {"until": "2026-03-01T00:00:00Z"}),
    (
        "since after until",
        MATTER | {"since": "2026-03-02T00:00:00Z", "until": "2026-03-01T00:00:00Z"},
    ),
    ("no time zone", MATTER | {"since": "2026-03-01T00:00:00", "until": "2026-03-02T00:00:00"}),
    (
        "no such instant in UTC",
        MATTER | {"since": "0001-01-01T00:00:00+05:00", "until": "2026-03-02T00:00:00Z"},
    ),
    ("not a date", MATTER | {"since": "yesterday", "until": "2026-03-02T00:00:00Z"}),
    ("unknown field", MATTER | {"campaign": "a", "scope": "everything"}),
    ("empty reason", {"reason": "  ", "matter": "m", "campaign": "a"}),
    ("empty matter", {"reason": "r", "matter": "", "campaign": "a"}),
    ("no reason", {"matter": "m", "campaign": "a"}),
    ("no matter", {"reason": "r", "campaign": "a"}),
    ("letters for a number", MATTER | {"caller_number": "call me maybe"}),
    ("too few digits", MATTER | {"caller_number": "555-01"}),
    ("impossible number", MATTER | {"caller_number": "+1 000 555 01479999"}),
    ("empty campaign", MATTER | {"campaign": ""}),
    ("a number for a campaign", MATTER | {"campaign": 7}),
    ("a list", [MATTER]),
]


@pytest.mark.parametrize("body", [b for _, b in BAD_BODIES], ids=[n for n, _ in BAD_BODIES])
def test_a_bad_body_is_a_422_that_writes_nothing(
    client: TestClient, vault: Settings, compliance_officer: dict[str, str], body: Any
) -> None:
    answer = client.post(HOLDS, json=body, headers=compliance_officer)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert not shows_a_number(answer.text) and "maybe" not in answer.text
    assert hold_count(vault) == 0
    assert audit_trail(vault, "hold:") == []


def test_a_body_that_is_not_json_is_refused(
    client: TestClient, vault: Settings, compliance_officer: dict[str, str]
) -> None:
    text = json.dumps(MATTER | {"campaign": "a"})
    plain = compliance_officer | {"Content-Type": "text/plain"}
    assert client.post(HOLDS, content=text, headers=plain).status_code == 415
    assert hold_count(vault) == 0


# -- who may --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "agent", "supervisor", "marketing"])
def test_roles_without_hold_admin_are_refused(
    client: TestClient,
    vault: Settings,
    make_user: UserFactory,
    signed_in: SessionFactory,
    compliance_officer: dict[str, str],
    role: str,
) -> None:
    hold_id = place(client, compliance_officer, campaign="spring-checkups")
    csrf = signed_in(make_user(role))
    body = MATTER | {"campaign": "theirs"}
    answers = [
        client.post(HOLDS, json=body, headers=csrf),
        client.get(HOLDS),
        client.get(f"{HOLDS}/export"),
        client.get(f"{HOLDS}/{hold_id}"),
        client.post(f"{HOLDS}/{hold_id}/release", headers=csrf),
    ]
    assert [a.status_code for a in answers] == [403] * 5
    assert hold_count(vault) == 1


def test_a_signed_in_compliance_officer_may(
    client: TestClient, make_user: UserFactory, signed_in: SessionFactory
) -> None:
    csrf = signed_in(make_user("compliance_officer"))
    answer = client.post(HOLDS, json=MATTER | {"campaign": "spring-checkups"}, headers=csrf)
    assert answer.status_code == 201


def test_integration_tokens_and_strangers_are_refused(
    client: TestClient, auth: TokenFactory
) -> None:
    assert client.get(HOLDS, headers=auth("integration")).status_code == 403
    assert client.get(HOLDS).status_code == 401


# -- audit ----------------------------------------------------------------------------


def test_every_step_is_audited_with_references_only(
    client: TestClient, vault: Settings, compliance_officer: dict[str, str]
) -> None:
    hold_id = place(client, compliance_officer, caller_number="(202) 555-0147")
    client.get(HOLDS, headers=compliance_officer)
    client.get(f"{HOLDS}/{hold_id}", headers=compliance_officer)
    client.post(f"{HOLDS}/{hold_id}/release", headers=compliance_officer)
    client.get(f"{HOLDS}/export", headers=compliance_officer)
    assert audit_trail(vault, "hold:") == [
        ("hold:create", "allowed", hold_id, "legal_hold"),
        ("hold:list", "allowed", None, "legal_hold"),
        ("hold:list", "allowed", hold_id, "legal_hold"),
        ("hold:release", "allowed", hold_id, "legal_hold"),
        ("hold:export", "allowed", None, "legal_hold"),
    ]


# -- export ---------------------------------------------------------------------------


def test_the_export_lists_every_hold_and_the_calls_active_ones_cover(
    client: TestClient, ingest: dict[str, str], compliance_officer: dict[str, str]
) -> None:
    by_number = create_call(client, ingest, caller_number="(202) 555-0147", campaign="a")
    in_campaign = create_call(client, ingest, caller_number="(202) 555-0148", campaign="b")
    create_call(client, ingest, caller_number="(202) 555-0149", campaign="c")  # held by none
    caller_hold = place(client, compliance_officer, caller_number="+12025550147")
    campaign_hold = place(client, compliance_officer, campaign="b")
    released = place(client, compliance_officer, call_id=in_campaign)
    client.post(f"{HOLDS}/{released}/release", headers=compliance_officer)

    answer = client.get(f"{HOLDS}/export", headers=compliance_officer)
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    holds = {hold["id"]: hold for hold in answer.json()["holds"]}
    assert set(holds) == {caller_hold, campaign_hold, released}
    assert [c["id"] for c in holds[caller_hold]["calls"]] == [by_number]
    assert [c["campaign"] for c in holds[campaign_hold]["calls"]] == ["b"]
    assert [c["id"] for c in holds[campaign_hold]["calls"]] == [in_campaign]
    assert holds[released]["calls"] is None and holds[released]["released_at"] is not None
    assert set(holds[caller_hold]["calls"][0]) == {"id", "started_at", "campaign"}
    # No PHI: neither a number (in any form) nor the callers' names or notes.
    assert not shows_a_number(answer.text)
    assert "Quinn" not in answer.text and "Synthetic note" not in answer.text
