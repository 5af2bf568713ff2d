"""Twilio settings: the CLI and the API store them; nothing ever shows the token."""

from __future__ import annotations

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from callvault.cli.main import app as cli
from callvault.settings import Settings
from tests._vault import TokenFactory
from tests.integrations import _db
from tests.integrations.conftest import ACCOUNT_SID, AUTH_TOKEN, TENANT_A

SETTINGS = "/api/v1/integrations/twilio"


def cli_set(vault: Settings, *extra: str, token: str | None = AUTH_TOKEN) -> tuple[int, str]:
    args = ["integrations", "twilio", "set", "--tenant", TENANT_A, "--account-sid", ACCOUNT_SID]
    args += ["--data-dir", str(vault.data_dir), "--database-url", vault.database_url, *extra]
    if token is not None:
        args.append("--auth-token-stdin")
    result = CliRunner().invoke(cli, args, input=f"{token}\n" if token else "")
    return result.exit_code, result.output


def test_cli_set_stores_the_token_encrypted_and_never_prints_it(
    vault: Settings, client: TestClient, auth: TokenFactory
) -> None:
    code, output = cli_set(vault, "--disclosure", "Synthetic disclosure.")
    assert code == 0, output
    assert AUTH_TOKEN not in output
    row = _db.settings_row(vault)
    assert row is not None and AUTH_TOKEN.encode() not in row.auth_token_enc
    assert [o for _, o, _, _ in _db.events(vault, "integration:update")] == ["allowed"]
    shown = client.get(SETTINGS, headers=auth("admin"))
    assert shown.status_code == 200 and AUTH_TOKEN not in shown.text
    assert shown.json()["auth_token_set"] is True
    assert shown.json()["disclosure"] == "Synthetic disclosure."
    assert shown.headers["cache-control"] == "no-store"


def test_cli_first_set_needs_a_token(vault: Settings) -> None:
    code, output = cli_set(vault, token=None)
    assert code != 0 and "auth_token" in output
    assert _db.settings_row(vault) is None


def test_api_put_then_get(client: TestClient, vault: Settings, auth: TokenFactory) -> None:
    admin = auth("admin")
    assert client.get(SETTINGS, headers=admin).status_code == 404
    body = {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "forward_to": "202-555-0142"}
    put = client.put(SETTINGS, json=body, headers=admin)
    assert put.status_code == 200, put.text
    assert AUTH_TOKEN not in put.text and put.json()["forward_to"] == "+12025550142"
    # A later PUT without a token keeps the stored one.
    keep = client.put(SETTINGS, json={**body, "auth_token": None}, headers=admin)
    assert keep.status_code == 200 and keep.json()["auth_token_set"] is True
    assert _db.settings_row(vault).api_base == "https://api.twilio.com"  # type: ignore[union-attr]
    shown = client.get(SETTINGS, headers=admin)
    assert shown.status_code == 200 and AUTH_TOKEN not in shown.text
    assert len(_db.events(vault, "integration:update")) == 2
    assert len(_db.events(vault, "integration:read")) == 1


def test_api_refuses_bad_settings_and_other_roles(
    client: TestClient, vault: Settings, auth: TokenFactory
) -> None:
    admin = auth("admin")
    for bad in (
        {"account_sid": "AC-not-a-sid", "auth_token": AUTH_TOKEN},
        {"account_sid": ACCOUNT_SID},  # no token the first time
        {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "api_base": "http://insecure"},
        {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "surprise": 1},
    ):
        assert client.put(SETTINGS, json=bad, headers=admin).status_code == 422, bad
    assert _db.settings_row(vault) is None
    for role in ("supervisor", "compliance_officer", "integration"):
        assert client.get(SETTINGS, headers=auth(role)).status_code == 403
