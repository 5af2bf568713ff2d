"""``/api/v1/baas``: drafts, activation on a document hash, termination, and the rules
and refusals of each step (on SQLite and PostgreSQL alike)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from callvault.settings import Settings
from tests._vault import TENANT_B, TokenFactory
from tests.compliance._helpers import BAAS, events

DOCUMENT_HASH = "0f" * 32


def draft(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "transcription",
        "counterparty": "Example Transcription LLC",
        "effective_on": "2026-01-01",
        "ends_on": "2030-01-01",
        "signers": [{"name": "Pat Example", "role": "Privacy officer"}],
    }
    return {**body, **overrides}


@pytest.fixture
def officer(auth: TokenFactory) -> dict[str, str]:
    return auth("compliance_officer")


def create(client: TestClient, headers: dict[str, str], **overrides: Any) -> str:
    created = client.post(BAAS, json=draft(**overrides), headers=headers)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def test_a_draft_is_recorded_listed_and_opens_nothing(
    client: TestClient, officer: dict[str, str], vault: Settings
) -> None:
    baa_id = create(client, officer)
    shown = client.get(f"{BAAS}/{baa_id}", headers=officer).json()
    assert (shown["status"], shown["in_force"], shown["reminder_days"]) == ("draft", False, 30)
    assert shown["signers"] == [{"name": "Pat Example", "role": "Privacy officer"}]
    listing = client.get(BAAS, headers=officer).json()["items"]
    # The fixture's covered-entity agreement comes first; then this draft.
    assert [(i["kind"], i["status"]) for i in listing] == [
        ("covered_entity", "active"),
        ("transcription", "draft"),
    ]
    assert (
        client.get(BAAS, params={"status": "draft"}, headers=officer).json()["items"][0]["id"]
        == baa_id
    )
    assert events(vault, "baa:create", baa_id) == ["allowed"]


def test_activation_needs_the_document_hash(
    client: TestClient, officer: dict[str, str], vault: Settings
) -> None:
    baa_id = create(client, officer)
    refused = client.post(f"{BAAS}/{baa_id}/activate", headers=officer)
    assert refused.status_code == 422
    assert "document_sha256" in refused.json()["detail"]
    assert client.get(f"{BAAS}/{baa_id}", headers=officer).json()["status"] == "draft"
    assert events(vault, "baa:activate", baa_id) == []

    changed = client.patch(
        f"{BAAS}/{baa_id}", json={"document_sha256": DOCUMENT_HASH}, headers=officer
    )
    assert changed.status_code == 200, changed.text
    active = client.post(f"{BAAS}/{baa_id}/activate", headers=officer)
    assert active.status_code == 200, active.text
    assert (active.json()["status"], active.json()["in_force"]) == ("active", True)
    assert events(vault, "baa:activate", baa_id) == ["allowed"]


def test_the_life_of_an_agreement_goes_one_way(
    client: TestClient, officer: dict[str, str], vault: Settings
) -> None:
    baa_id = create(client, officer, document_sha256=DOCUMENT_HASH)
    assert client.post(f"{BAAS}/{baa_id}/terminate", headers=officer).status_code == 409
    assert client.post(f"{BAAS}/{baa_id}/activate", headers=officer).status_code == 200
    assert client.post(f"{BAAS}/{baa_id}/activate", headers=officer).status_code == 409
    # Past its draft, only the reminder changes: a changed agreement is a new one.
    renamed = client.patch(f"{BAAS}/{baa_id}", json={"counterparty": "Other"}, headers=officer)
    assert renamed.status_code == 409
    reminder = client.patch(f"{BAAS}/{baa_id}", json={"reminder_days": 60}, headers=officer)
    assert reminder.status_code == 200 and reminder.json()["reminder_days"] == 60
    ended = client.post(f"{BAAS}/{baa_id}/terminate", headers=officer)
    assert ended.status_code == 200
    assert (ended.json()["status"], ended.json()["in_force"]) == ("terminated", False)
    assert client.post(f"{BAAS}/{baa_id}/activate", headers=officer).status_code == 409
    assert events(vault, "baa:terminate", baa_id) == ["allowed"]
    assert events(vault, "baa:update", baa_id) == ["allowed"]


def test_an_agreement_that_has_ended_cannot_be_activated(
    client: TestClient, officer: dict[str, str]
) -> None:
    baa_id = create(
        client,
        officer,
        effective_on="2020-01-01",
        ends_on="2021-01-01",
        document_sha256=DOCUMENT_HASH,
    )
    refused = client.post(f"{BAAS}/{baa_id}/activate", headers=officer)
    assert refused.status_code == 422 and "ended" in refused.json()["detail"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": "printer"},
        {"counterparty": ""},
        {"counterparty": "line\nbreak"},
        {"effective_on": "2026-02-30"},
        {"effective_on": "2026-03-01", "ends_on": "2026-03-01"},
        {"document_sha256": "not-a-hash"},
        {"document_sha256": "0F" * 32},
        {"reminder_days": -1},
        {"signers": [{"name": "Pat Example"}]},
        {"status": "active"},
    ],
)
def test_bad_input_is_refused_and_records_nothing(
    client: TestClient, officer: dict[str, str], vault: Settings, overrides: dict[str, Any]
) -> None:
    refused = client.post(BAAS, json=draft(**overrides), headers=officer)
    assert refused.status_code == 422, refused.text
    assert len(client.get(BAAS, headers=officer).json()["items"]) == 1  # the fixture's
    assert events(vault, "baa:create") == []


def test_a_draft_cannot_be_changed_to_end_before_it_starts(
    client: TestClient, officer: dict[str, str]
) -> None:
    baa_id = create(client, officer)
    refused = client.patch(f"{BAAS}/{baa_id}", json={"ends_on": "2025-06-01"}, headers=officer)
    assert refused.status_code == 422
    shown = client.get(f"{BAAS}/{baa_id}", headers=officer).json()
    assert shown["ends_on"] == "2030-01-01"
    cleared = client.patch(f"{BAAS}/{baa_id}", json={"ends_on": None}, headers=officer)
    assert cleared.status_code == 200 and cleared.json()["ends_on"] is None


def test_another_tenants_agreement_is_not_found(
    client: TestClient, officer: dict[str, str], auth: TokenFactory, vault: Settings
) -> None:
    baa_id = create(client, officer, document_sha256=DOCUMENT_HASH)
    other = auth("compliance_officer", tenant=TENANT_B)
    for method, path in (
        ("GET", f"{BAAS}/{baa_id}"),
        ("POST", f"{BAAS}/{baa_id}/activate"),
        ("POST", f"{BAAS}/{baa_id}/terminate"),
    ):
        assert client.request(method, path, headers=other).status_code == 404
    assert client.get(f"{BAAS}/{baa_id}", headers=officer).json()["status"] == "draft"
    assert "not_found" in events(vault, "baa:activate", baa_id)


@pytest.mark.parametrize("role", ["admin", "supervisor", "agent", "integration"])
def test_only_baa_admin_reaches_the_registry(
    client: TestClient, auth: TokenFactory, role: str
) -> None:
    headers = auth(role)
    assert client.get(BAAS, headers=headers).status_code == 403
    assert client.post(BAAS, json=draft(), headers=headers).status_code == 403
