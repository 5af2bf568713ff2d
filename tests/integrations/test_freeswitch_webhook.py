"""``POST /webhooks/freeswitch/{tenant}/cdr`` with the mod_json_cdr fixture."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callvault.calls.models import Call
from callvault.cli.vault import open_keyring
from callvault.integrations.freeswitch import read_json_cdr
from callvault.integrations.pbx_models import PbxImport
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._phi import shows_a_number
from tests._vault import TENANT_A, TENANT_B, TokenFactory

FIXTURE = Path(__file__).parent / "fixtures" / "freeswitch_cdr.json"
URL = f"/webhooks/freeswitch/{TENANT_A}/cdr"


def cdr(**variables: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(FIXTURE.read_text())
    for name, value in variables.items():
        if value is None:
            document["variables"].pop(name, None)
        else:
            document["variables"][name] = value
    return document


def stored(vault: Settings) -> tuple[int, int]:
    with open_keyring(vault) as (session, _):
        calls = session.scalar(select(func.count()).select_from(Call)) or 0
        markers = session.scalar(select(func.count()).select_from(PbxImport)) or 0
    return calls, markers


@pytest.fixture
def ingest(auth: TokenFactory) -> dict[str, str]:
    return auth("integration")


def test_a_cdr_creates_its_call_once(
    client: TestClient, ingest: dict[str, str], auth: TokenFactory, vault: Settings
) -> None:
    first = client.post(URL, json=cdr(), headers=ingest)
    assert first.status_code == 201, first.text
    again = client.post(URL, json=cdr(), headers=ingest)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert stored(vault) == (1, 1)
    call = client.get(f"/api/v1/calls/{first.json()['id']}", headers=auth("supervisor")).json()
    assert call["tracking_number"] == "+12025550111"
    assert call["started_at"].startswith("2026-12-01T10:00:00")
    assert call["ended_at"].startswith("2026-12-01T10:04:30")
    assert (call["direction"], call["disposition"]) == ("inbound", "answered")


def test_another_uuid_is_another_call(
    client: TestClient, ingest: dict[str, str], vault: Settings
) -> None:
    client.post(URL, json=cdr(), headers=ingest)
    other = cdr(uuid="3f1c9a7e-5b2d-4e8f-9c01-a1b2c3d40002", billsec="0", hangup_cause="USER_BUSY")
    assert client.post(URL, json=other, headers=ingest).status_code == 201
    assert stored(vault) == (2, 2)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        json.dumps(cdr(uuid=None) | {"callflow": []}).encode(),
        json.dumps(cdr(caller_id_number="anonymous")).encode(),
        json.dumps(cdr(start_epoch=None) | {"callflow": []}).encode(),
        json.dumps(cdr(end_epoch="1796119100")).encode(),  # ends before it starts
    ],
)
def test_a_bad_cdr_is_refused_with_422_and_changes_nothing(
    client: TestClient, ingest: dict[str, str], vault: Settings, body: bytes
) -> None:
    answer = client.post(URL, content=body, headers=ingest | {"Content-Type": "application/json"})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert not shows_a_number(answer.text)
    assert stored(vault) == (0, 0)


@pytest.mark.parametrize("tenant", [TENANT_B, "no-such-clinic"])
def test_a_tenant_other_than_the_tokens_is_not_found(
    client: TestClient, ingest: dict[str, str], vault: Settings, tenant: str
) -> None:
    answer = client.post(f"/webhooks/freeswitch/{tenant}/cdr", json=cdr(), headers=ingest)
    assert answer.status_code == 404
    assert stored(vault) == (0, 0)


def test_the_tenant_may_be_named_by_its_id(
    client: TestClient, ingest: dict[str, str], vault: Settings
) -> None:
    with open_keyring(vault) as (session, _):
        tenant_id = get_tenant(session, TENANT_A).id
    url = f"/webhooks/freeswitch/{tenant_id}/cdr"
    assert client.post(url, json=cdr(), headers=ingest).status_code == 201


def test_without_a_token_it_is_401(client: TestClient, vault: Settings) -> None:
    assert client.post(URL, json=cdr()).status_code == 401
    assert stored(vault) == (0, 0)


def test_a_role_without_call_create_is_refused(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    assert client.post(URL, json=cdr(), headers=auth("marketing")).status_code == 403
    assert stored(vault) == (0, 0)


def test_values_are_read_url_encoded_or_plain() -> None:
    encoded = cdr(caller_id_number="%2B12025550147")
    plain = cdr(caller_id_number="+12025550147")
    for document in (encoded, plain):
        parsed = read_json_cdr(json.dumps(document).encode())
        assert parsed.call.caller_number == "+12025550147"


def test_callflow_fills_in_what_variables_lack() -> None:
    document = cdr(caller_id_number=None, destination_number=None, start_epoch=None)
    document["variables"].pop("end_epoch")
    document["callflow"] = document["callflow"][0]  # older FreeSWITCH: one object
    parsed = read_json_cdr(json.dumps(document).encode())
    assert parsed.call.called_number == "+12025550111"
    assert parsed.call.started_at.timestamp() == 1796119200
    assert parsed.call.ended_at.timestamp() == 1796119470


@pytest.mark.parametrize(
    ("variables", "disposition"),
    [
        ({"billsec": "0", "hangup_cause": "NO_ANSWER"}, "no_answer"),
        ({"billsec": "0", "hangup_cause": "USER_BUSY"}, "busy"),
        ({"billsec": "0", "hangup_cause": "RECOVERY_ON_TIMER_EXPIRE"}, "failed"),
        ({"billsec": "12"}, "answered"),
    ],
)
def test_disposition_from_billsec_and_hangup_cause(
    variables: dict[str, str], disposition: str
) -> None:
    parsed = read_json_cdr(json.dumps(cdr(**variables)).encode())
    assert parsed.call.disposition == disposition
