"""Twilio tests: the shared vault of ``tests/_vault.py`` (both tenants with an active
telephony BAA besides their covered-entity one), its app trusting a local CA (for the
recording server), Twilio settings for tenant A, and signed posts.

Every number is a 555-01xx number and every SID is made up; signatures are made by
Twilio's own ``RequestValidator`` (the ``twilio`` test dependency), not by our code.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from twilio.request_validator import RequestValidator

from callvault.audit.context import ServiceContext
from callvault.cli.options import CLI_REQUEST, cli_principal
from callvault.cli.vault import open_keyring
from callvault.integrations.schemas import TwilioSettingsIn
from callvault.integrations.settings_service import TwilioSettingsService
from callvault.settings import Settings
from callvault.tenants.agreements import AgreementKind
from callvault.tenants.service import get_tenant
from callvault.web.app import create_app
from tests._baa import record_agreement
from tests._vault import TENANT_A, TENANT_B
from tests.integrations._recording_server import RecordingServer, ServerThread, make_tls_files

__all__ = ["TENANT_A", "TENANT_B"]

ACCOUNT_SID = "AC" + "0" * 30 + "01"  # synthetic
AUTH_TOKEN = "synthetic-auth-token-0123456789ab"
DISCLOSURE = "This call is recorded. Synthetic clinic disclosure."
FORWARD_TO = "+12025550142"
CALLER = "+12025550101"
TRACKING = "+12025550123"


def call_sid() -> str:
    return "CA" + secrets.token_hex(16)


def recording_sid() -> str:
    return "RE" + secrets.token_hex(16)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return make_tls_files(tmp_path_factory.mktemp("twilio-tls"))


@pytest.fixture(scope="session")
def _server_thread(tls_files: tuple[Path, Path, Path]) -> Iterator[ServerThread]:
    thread = ServerThread(tls_files[1], tls_files[2])
    yield thread
    thread.stop()


@pytest.fixture
def recording_server(_server_thread: ServerThread) -> RecordingServer:
    """The HTTPS recording server, reset for this test, wanting tenant A's credentials."""
    state = _server_thread.state
    state.username, state.password = ACCOUNT_SID, AUTH_TOKEN
    state.recordings.clear()
    state.requests.clear()
    state.fail_with, state.refused = None, 0
    return state


@pytest.fixture(autouse=True)
def _telephony_baa(request: pytest.FixtureRequest) -> None:
    """Twilio may be configured only under a telephony BAA (tests/compliance tests
    the refusal)."""
    if "vault" in request.fixturenames:
        vault: Settings = request.getfixturevalue("vault")
        for tenant in (TENANT_A, TENANT_B):
            record_agreement(vault, tenant, AgreementKind.TELEPHONY)


@pytest.fixture
def app(vault: Settings, tls_files: tuple[Path, Path, Path]) -> FastAPI:
    return create_app(replace(vault, twilio_ca_bundle=tls_files[0]))


def store_settings(vault: Settings, tenant: str = TENANT_A, **overrides: Any) -> None:
    """Tenant's Twilio settings, stored as the CLI would (audited as the CLI actor)."""
    values: dict[str, Any] = {
        "account_sid": ACCOUNT_SID,
        "auth_token": AUTH_TOKEN,
        "disclosure": DISCLOSURE,
        "forward_to": FORWARD_TO,
    }
    data = TwilioSettingsIn.model_validate({**values, **overrides})
    with open_keyring(vault) as (session, keyring):
        tenant_id = get_tenant(session, tenant).id
        ctx = ServiceContext(session, cli_principal(tenant_id), CLI_REQUEST, keyring)
        TwilioSettingsService(ctx).put(data)


@pytest.fixture
def twilio(vault: Settings, recording_server: RecordingServer) -> RecordingServer:
    """Tenant A configured for Twilio, its recordings fetched from the local server."""
    store_settings(vault, api_base=recording_server.base_url)
    return recording_server


def hook_url(hook: str, tenant: str = TENANT_A) -> str:
    """The URL as the test client's requests reach the app (Twilio signs this one)."""
    return f"http://testserver/webhooks/twilio/{tenant}/{hook}"


def post_signed(
    client: TestClient,
    hook: str,
    params: dict[str, str],
    *,
    tenant: str = TENANT_A,
    token: str = AUTH_TOKEN,
    signature: str | None = None,
) -> Response:
    """``params`` form-posted to the webhook, signed by Twilio's RequestValidator with
    ``token`` (or carrying ``signature`` as given; "" sends none)."""
    url = hook_url(hook, tenant)
    if signature is None:
        signature = RequestValidator(token).compute_signature(url, params)
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return client.post(url, data=params, headers=headers)


def voice_status(sid: str, status: str = "ringing", **extra: str) -> dict[str, str]:
    """A voice status callback's parameters, as Twilio sends them (synthetic)."""
    return {
        "AccountSid": ACCOUNT_SID,
        "CallSid": sid,
        "From": CALLER,
        "To": TRACKING,
        "Direction": "inbound",
        "CallStatus": status,
        "Timestamp": "Sun, 06 Dec 2026 09:30:00 +0000",
        "ApiVersion": "2010-04-01",
        **extra,
    }


def recording_status(
    server: RecordingServer, call: str, recording: str, **extra: str
) -> dict[str, str]:
    return {
        "AccountSid": ACCOUNT_SID,
        "CallSid": call,
        "RecordingSid": recording,
        "RecordingStatus": "completed",
        "RecordingUrl": recording_url(server, recording),
        "RecordingDuration": "1",
        **extra,
    }


def recording_url(server: RecordingServer, recording: str) -> str:
    return f"{server.base_url}/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{recording}"
