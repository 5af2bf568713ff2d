"""Twilio webhooks: signatures, tenants, idempotent voice statuses, the TwiML answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from fastapi.testclient import TestClient

from callvault.settings import Settings
from tests._phi import shows_a_number
from tests._vault import TokenFactory
from tests.integrations import _db
from tests.integrations._recording_server import RecordingServer
from tests.integrations.conftest import (
    DISCLOSURE,
    FORWARD_TO,
    TENANT_A,
    TENANT_B,
    TRACKING,
    call_sid,
    hook_url,
    post_signed,
    store_settings,
    voice_status,
)
from tests.lifecycle.conftest import tenant_id_of
from tests.tracking.conftest import add_campaign, add_number

AT = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


def test_first_status_creates_the_call(
    client: TestClient, vault: Settings, twilio: RecordingServer, auth: TokenFactory
) -> None:
    sid = call_sid()
    answer = post_signed(client, "voice-status", voice_status(sid, "ringing"))
    assert answer.status_code == 204, answer.text
    (call,) = _db.calls(vault)
    assert (call.external_source, call.external_id) == ("twilio", sid)
    assert (call.direction, call.tracking_number, call.disposition) == ("inbound", TRACKING, None)
    assert call.started_at == AT == call.ended_at
    assert call.caller_number_enc is not None and b"555" not in call.caller_number_enc
    shown = client.get(f"/api/v1/calls/{call.id}", headers=auth("supervisor")).json()
    assert shown["tracking_number"] == TRACKING
    assert [(o, r) for _, o, r, _ in _db.events(vault, "call:create")] == [("allowed", call.id)]


def test_the_final_status_sets_duration_and_disposition_once(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    sid = call_sid()
    post_signed(client, "voice-status", voice_status(sid, "ringing"))
    done = voice_status(
        sid, "completed", CallDuration="42", Timestamp="Sun, 06 Dec 2026 09:31:00 +0000"
    )
    for _ in range(2):
        assert post_signed(client, "voice-status", done).status_code == 204
    (call,) = _db.calls(vault)
    assert (call.disposition, call.ended_at) == ("completed", AT + timedelta(seconds=42))
    assert len(_db.events(vault, "call:update")) == 1  # the repeat changed nothing
    # A late progress status never undoes the outcome.
    assert post_signed(client, "voice-status", voice_status(sid, "in-progress")).status_code == 204
    assert _db.calls(vault)[0].disposition == "completed"


def test_repeats_change_nothing(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    params = voice_status(call_sid(), "busy", CallDuration="0")
    assert post_signed(client, "voice-status", params).status_code == 204
    before = (_db.calls(vault), _db.event_count(vault))
    assert post_signed(client, "voice-status", params).status_code == 204
    after = (_db.calls(vault), _db.event_count(vault))
    assert [c.id for c in after[0]] == [c.id for c in before[0]] and after[1] == before[1]
    assert after[0][0].disposition == "busy"


def test_first_sight_of_a_finished_call_counts_back_from_its_end(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    params = voice_status(call_sid(), "completed", CallDuration="60", Direction="outbound-api")
    assert post_signed(client, "voice-status", params).status_code == 204
    (call,) = _db.calls(vault)
    assert (call.started_at, call.ended_at) == (AT - timedelta(seconds=60), AT)
    assert call.direction == "outbound"


def test_a_call_to_a_tracking_number_gets_its_campaign(
    client: TestClient, vault: Settings, twilio: RecordingServer, auth: TokenFactory
) -> None:
    marketing = auth("marketing")
    campaign_id = add_campaign(client, marketing, "twilio-linked")
    add_number(client, marketing, TRACKING, campaign_id=campaign_id)
    answer = post_signed(client, "voice-status", voice_status(call_sid(), "ringing"))
    assert answer.status_code == 204, answer.text
    (call,) = _db.calls(vault)
    assert (call.campaign_id, call.campaign) == (campaign_id, "twilio-linked")


def test_a_call_to_a_pool_number_gets_the_visitor_session_that_was_shown_it(
    client: TestClient, vault: Settings, twilio: RecordingServer, auth: TokenFactory
) -> None:
    marketing = auth("marketing")
    campaign_id = add_campaign(client, marketing, "twilio-web")
    add_number(client, marketing, TRACKING, campaign_id=campaign_id, pool="web")
    site = {"allowed_origins": ["https://clinic-a.example"]}
    assert client.put("/api/v1/dni/settings", json=site, headers=marketing).status_code == 200
    shown = client.post(
        f"/dni/sessions?tenant={TENANT_A}",
        json={"pool": "web", "landing_path": "/"},
        headers={"Origin": "https://clinic-a.example"},
    ).json()
    assert shown["number"] == TRACKING
    soon = format_datetime(datetime.now(UTC) + timedelta(minutes=1))
    status = voice_status(call_sid(), "ringing", Timestamp=soon)
    assert post_signed(client, "voice-status", status).status_code == 204
    (call,) = _db.calls(vault)
    assert (call.dni_session_id, call.campaign_id) == (shown["session_id"], campaign_id)


@pytest.mark.parametrize(
    ("how", "kwargs"),
    [
        ("forged", {"token": "not-the-tenants-token-0000"}),
        ("missing", {"signature": ""}),
        ("garbage", {"signature": "AAAA"}),
    ],
)
def test_a_bad_signature_is_refused_audited_and_creates_nothing(
    client: TestClient, vault: Settings, twilio: RecordingServer, how: str, kwargs: dict[str, str]
) -> None:
    answer = post_signed(client, "voice-status", voice_status(call_sid()), **kwargs)
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert _db.calls(vault) == []
    tenant_a = tenant_id_of(vault, TENANT_A)
    assert _db.events(vault, "webhook:reject") == [(tenant_a, "denied", "twilio", "bad signature")]


def test_a_signature_made_with_the_old_token_is_stale(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    store_settings(vault, api_base=twilio.base_url, auth_token="rotated-synthetic-token-9876")
    answer = post_signed(client, "voice-status", voice_status(call_sid()))  # the old token
    assert answer.status_code == 403 and _db.calls(vault) == []


def test_a_body_changed_after_signing_is_refused(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    from twilio.request_validator import RequestValidator

    from tests.integrations.conftest import AUTH_TOKEN

    params = voice_status(call_sid())
    signature = RequestValidator(AUTH_TOKEN).compute_signature(hook_url("voice-status"), params)
    tampered = {**params, "From": "+12025550199"}
    answer = post_signed(client, "voice-status", tampered, signature=signature)
    assert answer.status_code == 403 and _db.calls(vault) == []


def test_unknown_tenant_and_unconfigured_tenant_are_404(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    before = _db.event_count(vault)
    unknown = post_signed(client, "voice-status", voice_status(call_sid()), tenant="no-such")
    assert unknown.status_code == 404
    not_a_name = post_signed(client, "voice-status", voice_status(call_sid()), tenant="Bad_Name")
    assert not_a_name.status_code == 422
    assert _db.event_count(vault) == before  # no tenant to audit in
    answer = post_signed(client, "voice-status", voice_status(call_sid()), tenant=TENANT_B)
    assert answer.status_code == 404 and answer.json()["detail"] == unknown.json()["detail"]
    tenant_b = tenant_id_of(vault, TENANT_B)
    assert _db.events(vault, "webhook:reject") == [(tenant_b, "denied", "twilio", "not configured")]
    assert _db.calls(vault) == []


def test_one_tenants_signature_does_not_open_anothers_webhook(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    """Tenant B configured with its own token: a post signed with tenant A's token (for
    B's URL) is refused in B and creates nothing anywhere."""
    store_settings(vault, TENANT_B, auth_token="tenant-b-synthetic-token-5678")
    answer = post_signed(client, "voice-status", voice_status(call_sid()), tenant=TENANT_B)
    assert answer.status_code == 403 and _db.calls(vault) == []
    tenant_b = tenant_id_of(vault, TENANT_B)
    assert _db.events(vault, "webhook:reject") == [(tenant_b, "denied", "twilio", "bad signature")]
    ok = post_signed(
        client,
        "voice-status",
        voice_status(call_sid()),
        tenant=TENANT_B,
        token="tenant-b-synthetic-token-5678",
    )
    assert ok.status_code == 204
    assert [c.tenant_id for c in _db.calls(vault)] == [tenant_b]


def test_a_form_is_required(client: TestClient, vault: Settings, twilio: RecordingServer) -> None:
    answer = client.post(hook_url("voice-status"), json=voice_status(call_sid()))
    assert answer.status_code == 415 and _db.calls(vault) == []


def test_signed_but_malformed_parameters_are_422(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    for bad in ({"CallSid": "nope"}, {"From": "not a number"}, {"CallDuration": "-1"}):
        answer = post_signed(client, "voice-status", voice_status(call_sid(), **bad))
        assert answer.status_code == 422, bad
        assert not shows_a_number(answer.text)  # names the field, never a value
    assert _db.calls(vault) == []


def test_voice_answers_twiml_with_the_disclosure(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    answer = post_signed(client, "voice", voice_status(call_sid(), "ringing"))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/xml")
    xml = answer.text
    assert xml.index(f"<Say>{DISCLOSURE}</Say>") < xml.index(f"<Number>{FORWARD_TO}</Number>")
    forged = post_signed(client, "voice", voice_status(call_sid()), signature="AAAA")
    assert forged.status_code == 403 and "<Say>" not in forged.text
