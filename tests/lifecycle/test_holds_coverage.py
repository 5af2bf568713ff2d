"""Which calls a legal hold covers (``callvault.lifecycle.holds.is_call_held``), for
each kind of hold, placed through the API on calls made through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from callvault.cli.vault import open_keyring
from callvault.lifecycle.holds import is_call_held
from callvault.settings import Settings
from tests._vault import TENANT_B, TokenFactory
from tests.lifecycle.conftest import HOLDS, create_call, tenant_id_of
from tests.lifecycle.conftest import place_hold as place


def held(vault: Settings, *call_ids: str) -> list[bool]:
    tenant_id = tenant_id_of(vault)
    with open_keyring(vault) as (session, _):
        return [is_call_held(session, tenant_id, call_id) for call_id in call_ids]


def test_a_call_hold_covers_that_call_only(
    client: TestClient, vault: Settings, ingest: dict[str, str], compliance_officer: dict[str, str]
) -> None:
    target, other = create_call(client, ingest), create_call(client, ingest)
    assert held(vault, target, other) == [False, False]
    place(client, compliance_officer, call_id=target)
    assert held(vault, target, other) == [True, False]


def test_a_caller_hold_covers_the_number_in_any_format_and_later_calls(
    client: TestClient, vault: Settings, ingest: dict[str, str], compliance_officer: dict[str, str]
) -> None:
    before = create_call(client, ingest, caller_number="+1 202 555 0147")
    stranger = create_call(client, ingest, caller_number="(202) 555-0148")
    place(client, compliance_officer, caller_number="+12025550147")
    after = create_call(client, ingest, caller_number="(202) 555-0147")
    assert held(vault, before, after, stranger) == [True, True, False]


def test_a_date_range_hold_includes_both_ends(
    client: TestClient, vault: Settings, ingest: dict[str, str], compliance_officer: dict[str, str]
) -> None:
    calls = {
        at: create_call(client, ingest, started_at=at, ended_at="2026-03-04T00:00:00Z")
        for at in (
            "2026-03-01T08:59:59Z",  # a second before
            "2026-03-01T09:00:00Z",  # since
            "2026-03-02T12:00:00Z",
            "2026-03-03T17:00:00Z",  # until
            "2026-03-03T17:00:01Z",  # a second after
        )
    }
    # The same instants, written in another zone.
    place(
        client,
        compliance_officer,
        since="2026-03-01T04:00:00-05:00",
        until="2026-03-03T12:00:00-05:00",
    )
    assert held(vault, *calls.values()) == [False, True, True, True, False]


def test_a_campaign_hold_covers_the_campaigns_calls_later_ones_too(
    client: TestClient, vault: Settings, ingest: dict[str, str], compliance_officer: dict[str, str]
) -> None:
    before = create_call(client, ingest, campaign="fall-flu-shots")
    other = create_call(client, ingest, campaign="spring-checkups")
    place(client, compliance_officer, campaign="fall-flu-shots")
    after = create_call(client, ingest, campaign="fall-flu-shots")
    assert held(vault, before, after, other) == [True, True, False]


def test_a_released_hold_holds_nothing_and_another_hold_still_does(
    client: TestClient, vault: Settings, ingest: dict[str, str], compliance_officer: dict[str, str]
) -> None:
    call_id = create_call(client, ingest, campaign="fall-flu-shots")
    by_call = place(client, compliance_officer, call_id=call_id)
    by_campaign = place(client, compliance_officer, campaign="fall-flu-shots")
    release = f"{HOLDS}/{by_call}/release"
    assert client.post(release, headers=compliance_officer).status_code == 200
    assert held(vault, call_id) == [True]
    release = f"{HOLDS}/{by_campaign}/release"
    assert client.post(release, headers=compliance_officer).status_code == 200
    assert held(vault, call_id) == [False]


def test_another_tenants_hold_does_not_cover_this_tenants_calls(
    client: TestClient, vault: Settings, ingest: dict[str, str], auth: TokenFactory
) -> None:
    ours = create_call(client, ingest, caller_number="(202) 555-0147", campaign="shared-name")
    theirs = auth("compliance_officer", tenant=TENANT_B)
    place(client, theirs, caller_number="(202) 555-0147")
    place(client, theirs, campaign="shared-name")
    place(client, theirs, since="2020-01-01T00:00:00Z", until="2030-01-01T00:00:00Z")
    assert held(vault, ours) == [False]


def test_an_unknown_call_is_not_held(vault: Settings) -> None:
    assert held(vault, "no-such-call") == [False]
