"""Campaigns and tracking numbers through the API: CRUD, 422 and 409, permissions,
audit, and the link a call gets at ingest."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.calls.models import Call
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from tests._phi import shows_a_number
from tests._vault import TokenFactory
from tests.tracking.conftest import (
    CAMPAIGNS,
    NUMBERS,
    add_campaign,
    add_number,
    audit_trail,
    create_call,
)


def test_campaigns_are_created_listed_read_and_patched(
    client: TestClient, marketing: dict[str, str], vault: Settings
) -> None:
    campaign_id = add_campaign(client, marketing, "spring-checkups", source="google")
    listed = client.get(CAMPAIGNS, headers=marketing).json()["items"]
    assert [(c["id"], c["name"], c["source"]) for c in listed] == [
        (campaign_id, "spring-checkups", "google")
    ]
    patched = client.patch(
        f"{CAMPAIGNS}/{campaign_id}", json={"medium": "cpc", "archived": True}, headers=marketing
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["medium"] == "cpc"
    assert patched.json()["archived_at"] is not None
    one = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=marketing).json()
    assert one["source"] == "google"
    actions = [a for a, _, _, _ in audit_trail(vault, "tracking:")]
    assert actions[:2] == ["tracking:campaign_create", "tracking:list"]
    assert "tracking:campaign_update" in actions


def test_a_duplicate_campaign_name_is_409(client: TestClient, marketing: dict[str, str]) -> None:
    add_campaign(client, marketing, "flu-shots")
    assert client.post(CAMPAIGNS, json={"name": "flu-shots"}, headers=marketing).status_code == 409
    other = add_campaign(client, marketing, "dental")
    renamed = client.patch(f"{CAMPAIGNS}/{other}", json={"name": "flu-shots"}, headers=marketing)
    assert renamed.status_code == 409


def test_an_unknown_campaign_is_404(client: TestClient, marketing: dict[str, str]) -> None:
    assert client.get(f"{CAMPAIGNS}/nope", headers=marketing).status_code == 404
    assert client.patch(f"{CAMPAIGNS}/nope", json={}, headers=marketing).status_code == 404


def test_numbers_are_normalised_listed_and_deleted(
    client: TestClient, marketing: dict[str, str], vault: Settings
) -> None:
    campaign_id = add_campaign(client, marketing, "spring-checkups")
    by_id = add_number(client, marketing, "(202) 555-0111", campaign_id=campaign_id, pool="web")
    add_number(client, marketing, "+1 202 555 0112", campaign="spring-checkups", source="flyer")
    items = client.get(NUMBERS, headers=marketing).json()["items"]
    assert [(n["number"], n["campaign"], n["pool"]) for n in items] == [
        ("+12025550111", "spring-checkups", "web"),
        ("+12025550112", "spring-checkups", None),
    ]
    assert client.delete(f"{NUMBERS}/{by_id}", headers=marketing).status_code == 204
    assert client.delete(f"{NUMBERS}/{by_id}", headers=marketing).status_code == 404
    assert len(client.get(NUMBERS, headers=marketing).json()["items"]) == 1
    actions = [a for a, o, _, _ in audit_trail(vault, "tracking:number")]
    assert actions.count("tracking:number_create") == 2
    assert actions.count("tracking:number_delete") == 2  # the allowed one and the 404


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"number": "12345"}, 422),  # no possible number
        ({"number": "+1 202 555 0111", "campaign": "no-such"}, 422),
        ({"number": "+1 202 555 0111", "campaign": None}, 422),  # no campaign named
        ({"number": "+1 202 555 0111", "campaign": "c", "campaign_id": "x"}, 422),
        ({"number": "+1 (202) 555-0110", "campaign": "c"}, 409),  # the same number again
    ],
)
def test_bad_or_duplicate_numbers_are_refused(
    client: TestClient, marketing: dict[str, str], body: dict[str, str | None], status: int
) -> None:
    add_campaign(client, marketing, "c")
    add_number(client, marketing, "+12025550110", campaign="c")
    answer = client.post(NUMBERS, json={"campaign": "c", **body}, headers=marketing)
    assert answer.status_code == status, answer.text
    assert not shows_a_number(answer.text)  # the number is never echoed back in an error
    assert len(client.get(NUMBERS, headers=marketing).json()["items"]) == 1


def test_an_archived_campaign_takes_no_new_numbers(
    client: TestClient, marketing: dict[str, str]
) -> None:
    campaign_id = add_campaign(client, marketing, "old")
    client.patch(f"{CAMPAIGNS}/{campaign_id}", json={"archived": True}, headers=marketing)
    answer = client.post(
        NUMBERS, json={"number": "+12025550113", "campaign_id": campaign_id}, headers=marketing
    )
    assert answer.status_code == 422


@pytest.mark.parametrize("role", ["agent", "supervisor", "integration", "compliance_officer"])
def test_roles_without_tracking_admin_are_refused(
    client: TestClient, auth: TokenFactory, role: str
) -> None:
    headers = auth(role)
    assert client.get(CAMPAIGNS, headers=headers).status_code == 403
    assert client.post(CAMPAIGNS, json={"name": "x"}, headers=headers).status_code == 403
    assert client.get(NUMBERS, headers=headers).status_code == 403


def test_admin_may_manage_tracking(client: TestClient, auth: TokenFactory) -> None:
    add_campaign(client, auth("admin"), "admin-made")


def test_campaigns_of_another_tenant_are_not_seen(
    client: TestClient, marketing: dict[str, str], auth: TokenFactory
) -> None:
    campaign_id = add_campaign(client, marketing, "tenant-a-only")
    other = auth("marketing", tenant="clinic-b")
    assert client.get(CAMPAIGNS, headers=other).json()["items"] == []
    assert client.get(f"{CAMPAIGNS}/{campaign_id}", headers=other).status_code == 404
    add_campaign(client, other, "tenant-a-only")  # names are unique per tenant only


def _stored_call(vault: Settings, call_id: str) -> tuple[str | None, str | None]:
    with open_keyring(vault) as (session, _):
        row = session.execute(
            select(Call.campaign, Call.campaign_id).where(Call.id == call_id)
        ).one()
        return row[0], row[1]


def test_a_call_to_a_tracking_number_is_linked_at_ingest(
    client: TestClient, marketing: dict[str, str], ingest: dict[str, str], vault: Settings
) -> None:
    campaign_id = add_campaign(client, marketing, "spring-checkups")
    add_number(client, marketing, "+12025550111", campaign_id=campaign_id)
    # Any spelling of the number links; the request's own campaign text is kept.
    unnamed = create_call(client, ingest, tracking_number="(202) 555-0111", campaign=None)
    named = create_call(client, ingest, tracking_number="202.555.0111", campaign="from-crm")
    other = create_call(client, ingest, tracking_number="+12025550119", campaign=None)
    assert _stored_call(vault, unnamed) == ("spring-checkups", campaign_id)
    assert _stored_call(vault, named) == ("from-crm", campaign_id)
    assert _stored_call(vault, other) == (None, None)


def test_a_number_added_just_now_links_the_next_call(
    client: TestClient, marketing: dict[str, str], ingest: dict[str, str], vault: Settings
) -> None:
    campaign_id = add_campaign(client, marketing, "late")
    before = create_call(client, ingest, tracking_number="+12025550114", campaign=None)
    add_number(client, marketing, "+12025550114", campaign_id=campaign_id)
    after = create_call(client, ingest, tracking_number="+12025550114", campaign=None)
    assert _stored_call(vault, before) == (None, None)
    assert _stored_call(vault, after) == ("late", campaign_id)


def test_a_number_of_another_tenant_does_not_link(
    client: TestClient, auth: TokenFactory, ingest: dict[str, str], vault: Settings
) -> None:
    other = auth("marketing", tenant="clinic-b")
    add_number(client, other, "+12025550115", campaign_id=add_campaign(client, other, "b"))
    call_id = create_call(client, ingest, tracking_number="+12025550115", campaign=None)
    assert _stored_call(vault, call_id) == (None, None)
