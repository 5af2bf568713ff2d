"""The PHI gate on every ingest path: a tenant without an active covered-entity BAA
gets 403 ``no-active-baa``, nothing of the request is stored, and the refusal is
audited. The gate reads the agreement's dates each time: it closes on ``ends_on``."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from twilio.request_validator import RequestValidator
from typer.testing import CliRunner

from callvault.cli.main import app as cli
from callvault.settings import Settings
from callvault.tenants.agreements import AgreementKind, today_utc
from tests._baa import record_agreement
from tests._phi import shows_a_number
from tests._vault import TENANT_A, TENANT_B, TokenFactory
from tests.calls.factories import call_payload, wav_bytes
from tests.compliance._helpers import (
    assert_no_active_baa,
    call_count,
    close_gate,
    events,
    object_count,
    set_agreements,
)

COVERED = AgreementKind.COVERED_ENTITY
FIXTURES = Path(__file__).parent.parent / "integrations" / "fixtures"
ACCOUNT_SID = "AC" + "0" * 30 + "02"  # synthetic
AUTH_TOKEN = "synthetic-auth-token-for-the-gate"


@pytest.fixture
def ingest(auth: TokenFactory) -> dict[str, str]:
    return auth("integration")


def refusals(vault: Settings) -> list[str]:
    return events(vault, "baa:gate_refuse", COVERED.value)


def test_an_api_call_is_refused_without_an_active_baa(
    client: TestClient, ingest: dict[str, str], auth: TokenFactory, vault: Settings
) -> None:
    close_gate(vault)
    refused = client.post("/api/v1/calls", json=call_payload(), headers=ingest)
    assert_no_active_baa(refused, COVERED)
    assert not shows_a_number(refused.text)  # no PHI in the problem
    assert call_count(vault) == 0
    assert refusals(vault) == ["denied"]
    # The other tenant's agreement is its own: its gate is open.
    other_tenant = auth("integration", tenant=TENANT_B)
    other = client.post("/api/v1/calls", json=call_payload(), headers=other_tenant)
    assert other.status_code == 201


def test_recording_and_transcript_uploads_are_refused_without_an_active_baa(
    client: TestClient, ingest: dict[str, str], vault: Settings
) -> None:
    call_id = client.post("/api/v1/calls", json=call_payload(), headers=ingest).json()["id"]
    close_gate(vault)
    recording = client.put(
        f"/api/v1/calls/{call_id}/recording",
        content=wav_bytes(),
        headers={**ingest, "Content-Type": "audio/wav"},
    )
    assert_no_active_baa(recording, COVERED)
    transcript = client.put(
        f"/api/v1/calls/{call_id}/transcript", json={"text": "Synthetic words."}, headers=ingest
    )
    assert_no_active_baa(transcript, COVERED)
    # Not even whether a call exists is told behind a closed gate.
    unknown = client.put(
        "/api/v1/calls/no-such-call/recording",
        content=wav_bytes(),
        headers={**ingest, "Content-Type": "audio/wav"},
    )
    assert unknown.status_code == 403
    assert object_count(vault) == 0
    assert refusals(vault) == ["denied"] * 3


def test_a_freeswitch_cdr_is_refused_without_an_active_baa(
    client: TestClient, ingest: dict[str, str], vault: Settings
) -> None:
    close_gate(vault)
    body = json.loads((FIXTURES / "freeswitch_cdr.json").read_text())
    refused = client.post(f"/webhooks/freeswitch/{TENANT_A}/cdr", json=body, headers=ingest)
    assert_no_active_baa(refused, COVERED)
    assert call_count(vault) == 0
    assert refusals(vault) == ["denied"]


def _twilio_configured(vault: Settings) -> None:
    record_agreement(vault, TENANT_A, AgreementKind.TELEPHONY)
    args = ["integrations", "twilio", "set", "--tenant", TENANT_A, "--account-sid", ACCOUNT_SID]
    args += ["--data-dir", str(vault.data_dir), "--database-url", vault.database_url]
    result = CliRunner().invoke(cli, [*args, "--auth-token-stdin"], input=f"{AUTH_TOKEN}\n")
    assert result.exit_code == 0, result.output


def _post_signed(client: TestClient, hook: str, params: dict[str, str]) -> Response:
    url = f"http://testserver/webhooks/twilio/{TENANT_A}/{hook}"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    return client.post(url, data=params, headers={"X-Twilio-Signature": signature})


def test_twilio_webhooks_store_nothing_without_an_active_baa(
    client: TestClient, vault: Settings
) -> None:
    _twilio_configured(vault)
    status = {
        "AccountSid": ACCOUNT_SID,
        "CallSid": "CA" + "1" * 32,
        "From": "+12025550101",
        "To": "+12025550123",
        "Direction": "inbound",
        "CallStatus": "completed",
        "CallDuration": "30",
    }
    created = _post_signed(client, "voice-status", status)
    assert created.status_code == 204
    close_gate(vault)
    refused = _post_signed(client, "voice-status", {**status, "CallSid": "CA" + "2" * 32})
    assert_no_active_baa(refused, COVERED)
    recording = {
        "AccountSid": ACCOUNT_SID,
        "CallSid": "CA" + "1" * 32,
        "RecordingSid": "RE" + "1" * 32,
        "RecordingStatus": "completed",
        "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/RE1",
    }
    assert_no_active_baa(_post_signed(client, "recording-status", recording), COVERED)
    assert call_count(vault) == 1  # the call made while the gate was open
    assert refusals(vault) == ["denied", "denied"]
    # The answering TwiML stores nothing and still answers: a patient's call goes through.
    answered = _post_signed(client, "voice", status)
    assert answered.status_code == 200


def _import(vault: Settings) -> tuple[int, str]:
    args = ["import", "asterisk", "--tenant", TENANT_A, "--cdr", str(FIXTURES / "Master.csv")]
    args += ["--data-dir", str(vault.data_dir), "--database-url", vault.database_url]
    result = CliRunner().invoke(cli, args, env={})
    return result.exit_code, result.output


def test_an_asterisk_import_fails_without_an_active_baa(vault: Settings) -> None:
    close_gate(vault)
    code, output = _import(vault)
    assert code == 1
    assert "no active covered-entity BAA" in output
    assert call_count(vault) == 0
    assert refusals(vault) == ["denied"]


def test_the_gate_closes_on_the_day_the_agreement_ends(
    client: TestClient, ingest: dict[str, str], vault: Settings
) -> None:
    today = today_utc()
    set_agreements(vault, TENANT_A, COVERED, ends_on=today + timedelta(days=1))
    assert client.post("/api/v1/calls", json=call_payload(), headers=ingest).status_code == 201
    set_agreements(vault, TENANT_A, COVERED, ends_on=today)
    expired = client.post("/api/v1/calls", json=call_payload(), headers=ingest)
    assert_no_active_baa(expired, COVERED)


def test_an_agreement_not_yet_effective_keeps_the_gate_closed(
    client: TestClient, ingest: dict[str, str], vault: Settings
) -> None:
    set_agreements(vault, TENANT_A, COVERED, effective_on=today_utc() + timedelta(days=1))
    refused = client.post("/api/v1/calls", json=call_payload(), headers=ingest)
    assert_no_active_baa(refused, COVERED)


def test_terminating_through_the_api_closes_the_gate_at_once(
    client: TestClient, ingest: dict[str, str], auth: TokenFactory, vault: Settings
) -> None:
    officer = auth("compliance_officer")
    (agreement,) = client.get("/api/v1/baas", headers=officer).json()["items"]
    assert agreement["in_force"] is True
    ended = client.post(f"/api/v1/baas/{agreement['id']}/terminate", headers=officer)
    assert ended.status_code == 200
    refused = client.post("/api/v1/calls", json=call_payload(), headers=ingest)
    assert_no_active_baa(refused, COVERED)
