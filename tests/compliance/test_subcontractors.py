"""Integrations that send PHI out are enabled only under an active BAA with the
subcontractor of their kind: Twilio (telephony), S3 blob storage (storage)."""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from callvault.cli.main import app as cli
from callvault.settings import S3Settings, Settings
from callvault.tenants.agreements import AgreementKind
from callvault.web.app import create_app
from tests._baa import record_agreement
from tests._vault import TENANT_A, TENANT_B, TokenFactory
from tests.calls.factories import call_payload
from tests.compliance._helpers import assert_no_active_baa, call_count, events

TELEPHONY = AgreementKind.TELEPHONY
SETTINGS = "/api/v1/integrations/twilio"
TWILIO = {"account_sid": "AC" + "0" * 30 + "03", "auth_token": "synthetic-auth-token-for-baa"}


def test_twilio_is_configured_only_under_a_telephony_baa(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    admin = auth("admin")
    refused = client.put(SETTINGS, json=TWILIO, headers=admin)
    assert_no_active_baa(refused, TELEPHONY)
    assert client.get(SETTINGS, headers=admin).status_code == 404  # nothing stored
    assert events(vault, "baa:gate_refuse", TELEPHONY.value) == ["denied"]
    record_agreement(vault, TENANT_A, TELEPHONY)
    assert client.put(SETTINGS, json=TWILIO, headers=admin).status_code == 200


def test_the_cli_refuses_twilio_without_a_telephony_baa(vault: Settings) -> None:
    args = ["integrations", "twilio", "set", "--tenant", TENANT_A]
    args += ["--account-sid", TWILIO["account_sid"], "--auth-token-stdin"]
    args += ["--data-dir", str(vault.data_dir), "--database-url", vault.database_url]
    result = CliRunner().invoke(cli, args, input=TWILIO["auth_token"] + "\n")
    assert result.exit_code != 0
    assert "telephony" in result.output


def test_recordings_go_to_s3_only_under_a_storage_baa(
    vault: Settings, auth: TokenFactory, moto_endpoint: str, bucket: str
) -> None:
    in_s3 = dataclasses.replace(
        vault, blob_store="s3", s3=S3Settings(bucket=bucket, endpoint_url=moto_endpoint)
    )
    ingest = auth("integration")
    with TestClient(create_app(in_s3), raise_server_exceptions=False) as client:
        refused = client.post("/api/v1/calls", json=call_payload(), headers=ingest)
        assert_no_active_baa(refused, AgreementKind.STORAGE)
        assert call_count(vault) == 0
        record_agreement(vault, TENANT_A, AgreementKind.STORAGE)
        assert client.post("/api/v1/calls", json=call_payload(), headers=ingest).status_code == 201


def test_the_audit_trail_is_forwarded_to_a_siem_only_under_siem_baas(vault: Settings) -> None:
    record_agreement(vault, TENANT_A, AgreementKind.SIEM)
    args = ["audit", "forward-syslog", "--host", "127.0.0.1", "--port", "9", "--once"]
    args += ["--data-dir", str(vault.data_dir), "--database-url", vault.database_url]
    result = CliRunner().invoke(cli, args, env={})
    assert result.exit_code == 1
    assert "siem" in result.stderr and TENANT_B in result.stderr and TENANT_A not in result.stderr
