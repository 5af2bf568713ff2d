"""PHI-safe conversion export (issue 18 part 6), through the API against a local HTTPS
receiver: the Google Ads CSV, GA4 and webhook payloads, the gate (allowlisted fields,
no caller identifier in any byte, the ad_platform BAA or de-identified aggregates with
small cells suppressed), the dry run, sending once, and the audit by hash."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from callvault.calls.models import Call
from callvault.cli.main import app as cli
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from callvault.tenants.agreements import NO_ACTIVE_BAA_TYPE, AgreementKind
from callvault.tracking.conversion_gate import ALLOWED_FIELDS, FieldNotAllowed, allowlisted
from callvault.tracking.conversion_service import ALLOW_LOOPBACK_ENV
from callvault.web.app import create_app
from tests._baa import record_agreement
from tests._vault import TENANT_A, TENANT_B, TokenFactory
from tests.integrations._recording_server import make_tls_files
from tests.tracking._conversion_receiver import ReceiverState, ReceiverThread
from tests.tracking.conftest import add_campaign, add_number, audit_trail, create_call

DESTINATIONS = "/api/v1/conversions/destinations"
SITE = "https://clinic-a.example"
POOL = ("+12025550171", "+12025550172", "+12025550173")
CALLERS = ("+12025550147", "+12025550148", "+12025550149")  # synthetic
WEBHOOK_SECRET = "synthetic-webhook-secret-0123456789"
GA4_SECRET = "synthetic-ga4-api-secret"
CLICKS = ({"gclid": "=HYPERLINK(1)"}, {"gclid": "Cj0KCQsynthetic2"}, {"fbclid": "fb.synthetic.3"})


@pytest.fixture(scope="module")
def conversion_tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return make_tls_files(tmp_path_factory.mktemp("conversions-tls"))


@pytest.fixture(scope="module")
def _receiver_thread(conversion_tls: tuple[Path, Path, Path]) -> Iterator[ReceiverThread]:
    thread = ReceiverThread(conversion_tls[1], conversion_tls[2])
    yield thread
    thread.stop()


@pytest.fixture
def receiver(_receiver_thread: ReceiverThread) -> ReceiverState:
    _receiver_thread.state.reset()
    return _receiver_thread.state


@pytest.fixture
def app(
    vault: Settings, conversion_tls: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> FastAPI:
    """The app trusting the receiver's CA, and allowed to post to loopback (as the
    alert webhook tests are)."""
    monkeypatch.setenv(ALLOW_LOOPBACK_ENV, "1")
    return create_app(replace(vault, conversions_ca_bundle=conversion_tls[0]))


@pytest.fixture
def ad_platform_baa(vault: Settings) -> str:
    return record_agreement(vault, TENANT_A, AgreementKind.AD_PLATFORM)


@pytest.fixture
def attributed(
    client: TestClient, marketing: dict[str, str], ingest: dict[str, str]
) -> list[tuple[str, dict[str, str]]]:
    """Three calls from known callers, each attributed to a DNI visit that carried a
    click id (``CLICKS``); ``(call id, the visit's answer)`` each."""
    campaign_id = add_campaign(client, marketing, "spring-search", source="google", medium="cpc")
    for number in POOL:
        add_number(client, marketing, number, campaign_id=campaign_id, pool="web")
    settings = {"allowed_origins": [SITE], "session_ttl_minutes": 30}
    assert client.put("/api/v1/dni/settings", json=settings, headers=marketing).status_code == 200
    calls = []
    for caller, click in zip(CALLERS, CLICKS, strict=True):
        page_view = {"pool": "web", "landing_path": "/book", "utm_source": "google", **click}
        visit = client.post(
            f"/dni/sessions?tenant={TENANT_A}", json=page_view, headers={"Origin": SITE}
        ).json()
        start = datetime.now(UTC)
        call_id = create_call(
            client,
            ingest,
            caller_number=caller,
            tracking_number=visit["number"],
            started_at=start.isoformat(),
            ended_at=(start + timedelta(minutes=3)).isoformat(),
        )
        calls.append((call_id, visit))
    return calls


def add_destination(client: TestClient, headers: dict[str, str], **fields: Any) -> str:
    answer = client.post(DESTINATIONS, json=fields, headers=headers)
    assert answer.status_code == 201, answer.text
    destination_id: str = answer.json()["id"]
    return destination_id


def webhook(client: TestClient, headers: dict[str, str], url: str, **extra: Any) -> str:
    return add_destination(
        client,
        headers,
        name="clinic-crm",
        kind="webhook",
        conversion_name="phone_lead",
        value="150",
        url=f"{url}/hooks/conversions",
        secret=WEBHOOK_SECRET,
        **extra,
    )


def ga4(client: TestClient, headers: dict[str, str], base: str) -> str:
    return add_destination(
        client,
        headers,
        name="analytics",
        kind="ga4",
        conversion_name="phone_lead",
        value=80.5,
        currency="EUR",
        url=base,
        measurement_id="G-SYNTH123",
        secret=GA4_SECRET,
    )


def google_ads(client: TestClient, headers: dict[str, str]) -> str:
    return add_destination(
        client, headers, name="ads", kind="google_ads", conversion_name="Phone lead", value="120"
    )


def send(client: TestClient, headers: dict[str, str], destination_id: str) -> Any:
    return client.post(f"{DESTINATIONS}/{destination_id}/send", headers=headers)


def sent_hashes(vault: Settings) -> list[str | None]:
    return [r for a, o, r, _ in audit_trail(vault, "conversion:send") if o == "allowed"]


def caller_identifiers(vault: Settings, call_ids: list[str]) -> list[bytes]:
    """Everything that identifies the calls' callers or the calls, as it could appear
    in a payload: ids, numbers (E.164 and digits) and their SHA-256, blind indexes,
    names, notes, agents."""
    with open_keyring(vault) as (session, _):
        indexes = session.execute(
            select(Call.caller_number_index).where(Call.id.in_(call_ids))
        ).scalars()
        found = [index for index in indexes if index]
    assert len(found) == len(call_ids)
    values = [*call_ids, *found, "Quinn Fictional", "Synthetic note", "agent-07"]
    for number in CALLERS:
        digits = number.lstrip("+")
        values += [number, digits, digits[1:]]
        values += [hashlib.sha256(text.encode()).hexdigest() for text in (number, digits)]
    return [value.encode() for value in values]


def assert_no_caller_identifier(payload: bytes, identifiers: list[bytes]) -> None:
    lowered = payload.lower()
    for identifier in identifiers:
        assert identifier.lower() not in lowered


# -- the three destinations ------------------------------------------------------------


def test_google_ads_csv_is_googles_template_injection_safe_and_downloaded_once(
    client: TestClient,
    marketing: dict[str, str],
    vault: Settings,
    ad_platform_baa: str,
    attributed: list[tuple[str, dict[str, str]]],
) -> None:
    destination_id = google_ads(client, marketing)
    answer = client.post(f"{DESTINATIONS}/{destination_id}/export.csv", headers=marketing)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    lines = answer.text.split("\r\n")
    assert lines[0] == (
        "Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency"
    )
    rows = [line.split(",") for line in lines[1:] if line]
    assert [row[0] for row in rows] == ["'=HYPERLINK(1)", "Cj0KCQsynthetic2"]  # gclid only
    for row in rows:
        assert row[1:2] == ["Phone lead"] and row[3:] == ["120.00", "USD"]
        datetime.strptime(row[2], "%Y-%m-%d %H:%M:%S%z")
        assert row[2].endswith("+0000")
    assert_no_caller_identifier(
        answer.content, caller_identifiers(vault, [c for c, _ in attributed])
    )
    assert sent_hashes(vault) == [hashlib.sha256(answer.content).hexdigest()]

    again = client.post(f"{DESTINATIONS}/{destination_id}/export.csv", headers=marketing)
    assert again.text.split("\r\n")[1:] == [""]  # the header only: nothing twice


def test_ga4_receives_measurement_protocol_events_once_each(
    client: TestClient,
    marketing: dict[str, str],
    vault: Settings,
    receiver: ReceiverState,
    ad_platform_baa: str,
    attributed: list[tuple[str, dict[str, str]]],
) -> None:
    destination_id = ga4(client, marketing, receiver.base_url)
    answer = send(client, marketing, destination_id)
    assert answer.json() == {"sent": 3, "failed": []}
    assert len(receiver.received) == 3
    for got, (_, visit) in zip(receiver.received, attributed, strict=True):
        url = urlsplit(got.path)
        assert url.path == "/mp/collect"
        assert parse_qs(url.query) == {
            "measurement_id": ["G-SYNTH123"],
            "api_secret": [GA4_SECRET],
        }
        body = json.loads(got.body)
        assert body["client_id"] == visit["session_id"]
        assert set(body) == {"client_id", "timestamp_micros", "events"}
        assert body["events"] == [
            {
                "name": "phone_lead",
                "params": {
                    "campaign": "spring-search",
                    "source": "google",
                    "medium": "cpc",
                    "value": 80.5,
                    "currency": "EUR",
                },
            }
        ]
    hashes = [hashlib.sha256(got.body).hexdigest() for got in receiver.received]
    assert sent_hashes(vault) == hashes

    assert send(client, marketing, destination_id).json() == {"sent": 0, "failed": []}
    assert len(receiver.received) == 3


def test_webhook_signature_verifies_at_the_receiver(
    client: TestClient,
    marketing: dict[str, str],
    receiver: ReceiverState,
    ad_platform_baa: str,
    attributed: list[tuple[str, dict[str, str]]],
) -> None:
    destination_id = webhook(client, marketing, receiver.base_url)
    assert send(client, marketing, destination_id).json()["sent"] == 3
    kinds = []
    for got in receiver.received:
        # As docs/tracking.md tells a receiver to check it.
        timestamp = got.headers["x-callvault-timestamp"]
        signed = timestamp.encode() + b"." + got.body
        expected = hmac.new(WEBHOOK_SECRET.encode(), signed, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(got.headers["x-callvault-signature"], f"sha256={expected}")
        assert abs(int(timestamp) - datetime.now(UTC).timestamp()) < 60
        body = json.loads(got.body)
        assert body["type"] == "conversion" and body["value"] == "150.00"
        kinds.append((body["click_id_type"], body["click_id"]))
    assert kinds == [
        ("gclid", "=HYPERLINK(1)"),
        ("gclid", "Cj0KCQsynthetic2"),
        ("fbclid", "fb.synthetic.3"),
    ]


def test_no_payload_of_any_destination_carries_a_caller_identifier(
    client: TestClient,
    marketing: dict[str, str],
    vault: Settings,
    receiver: ReceiverState,
    ad_platform_baa: str,
    attributed: list[tuple[str, dict[str, str]]],
) -> None:
    identifiers = caller_identifiers(vault, [c for c, _ in attributed])
    destinations = [ga4(client, marketing, receiver.base_url)]
    destinations.append(webhook(client, marketing, receiver.base_url))
    destinations.append(google_ads(client, marketing))
    for destination_id in destinations:
        preview = client.post(f"{DESTINATIONS}/{destination_id}/preview", headers=marketing)
        assert preview.status_code == 200
        assert_no_caller_identifier(preview.content, identifiers)
        send(client, marketing, destination_id)
    csv = client.post(f"{DESTINATIONS}/{destinations[2]}/export.csv", headers=marketing)
    assert len(receiver.received) == 6
    for payload in [got.body for got in receiver.received] + [csv.content]:
        assert_no_caller_identifier(payload, identifiers)


# -- the gate ------------------------------------------------------------------------


def test_click_level_destinations_are_refused_without_an_ad_platform_baa(
    client: TestClient,
    marketing: dict[str, str],
    vault: Settings,
    receiver: ReceiverState,
    attributed: list[tuple[str, dict[str, str]]],
) -> None:
    hook = webhook(client, marketing, receiver.base_url)
    ads = google_ads(client, marketing)
    refusals = [
        client.post(f"{DESTINATIONS}/{hook}/preview", headers=marketing),
        send(client, marketing, hook),
        client.post(f"{DESTINATIONS}/{ads}/export.csv", headers=marketing),
    ]
    for answer in refusals:
        assert answer.status_code == 403
        assert answer.json()["type"] == NO_ACTIVE_BAA_TYPE
        assert "ad_platform" in answer.json()["detail"]
    assert receiver.received == []
    assert (
        audit_trail(vault, "baa:gate_refuse")
        == [("baa:gate_refuse", "denied", "ad_platform", "baa")] * 3
    )
    assert audit_trail(vault, "conversion:send") == []


def test_a_deidentified_webhook_gets_daily_aggregates_with_small_cells_suppressed(
    client: TestClient,
    marketing: dict[str, str],
    ingest: dict[str, str],
    vault: Settings,
    receiver: ReceiverState,
    attributed: list[tuple[str, dict[str, str]]],
) -> None:
    for n in range(12):  # 12 calls of one campaign on one past day, 3 of another
        create_call(client, ingest, caller_number=f"+1202555{n:04d}", campaign="radio-spring")
    for n in range(3):
        create_call(client, ingest, caller_number=f"+1202556{n:04d}", campaign="flyers")
    destination_id = webhook(client, marketing, receiver.base_url, deidentified=True)
    preview = client.post(f"{DESTINATIONS}/{destination_id}/preview", headers=marketing).json()
    assert preview["deidentified"] is True
    answer = send(client, marketing, destination_id)
    assert answer.json() == {"sent": 2, "failed": []}  # today's calls wait for their day
    bodies = [json.loads(got.body) for got in receiver.received]
    assert [p["body"] for p in preview["payloads"]] == bodies
    base = {
        "type": "aggregate",
        "conversion_name": "phone_lead",
        "day": "2026-03-02",
        "source": "(none)",
        "medium": "(none)",
    }
    assert bodies == [
        {**base, "campaign": "flyers", "conversions": "<11"},
        {**base, "campaign": "radio-spring", "conversions": 12},
    ]
    everything = b"".join(got.body for got in receiver.received)
    for _, visit in attributed:
        assert visit["session_id"].encode() not in everything
    for click in CLICKS:
        assert next(iter(click.values())).encode() not in everything
    assert audit_trail(vault, "baa:gate_refuse") == []
    assert send(client, marketing, destination_id).json() == {"sent": 0, "failed": []}


def test_preview_sends_nothing_and_shows_what_send_sends(
    client: TestClient,
    marketing: dict[str, str],
    vault: Settings,
    receiver: ReceiverState,
    ad_platform_baa: str,
    attributed: list[tuple[str, dict[str, str]]],
) -> None:
    destination_id = webhook(client, marketing, receiver.base_url)
    preview = client.post(f"{DESTINATIONS}/{destination_id}/preview", headers=marketing).json()
    assert len(preview["payloads"]) == 3 and receiver.received == []
    assert audit_trail(vault, "conversion:preview") == [
        ("conversion:preview", "allowed", destination_id, "conversion_destination")
    ]
    assert sent_hashes(vault) == []
    send(client, marketing, destination_id)
    assert [p["body"] for p in preview["payloads"]] == [
        json.loads(got.body) for got in receiver.received
    ]
    assert [p["sha256"] for p in preview["payloads"]] == sent_hashes(vault)


def test_a_payload_the_destination_refuses_is_reported_and_sent_next_time(
    client: TestClient,
    marketing: dict[str, str],
    vault: Settings,
    receiver: ReceiverState,
    ad_platform_baa: str,
    attributed: list[tuple[str, dict[str, str]]],
) -> None:
    destination_id = webhook(client, marketing, receiver.base_url)
    receiver.statuses.extend([500])
    first = send(client, marketing, destination_id).json()
    failed_hash = hashlib.sha256(receiver.received[0].body).hexdigest()
    assert first == {
        "sent": 2,
        "failed": [{"sha256": failed_hash, "reason": "the destination answered 500"}],
    }
    assert ("conversion:send", "error", failed_hash, "conversion_payload") in audit_trail(
        vault, "conversion:send"
    )
    assert send(client, marketing, destination_id).json() == {"sent": 1, "failed": []}
    assert receiver.received[-1].body == receiver.received[0].body
    assert len(receiver.received) == 4


# -- configuration -------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "webhook", "url": "https://10.1.2.3/hook", "secret": WEBHOOK_SECRET},
        {"kind": "webhook", "url": "http://93.184.216.34/hook", "secret": WEBHOOK_SECRET},
        {"kind": "webhook", "url": "https://169.254.169.254/", "secret": WEBHOOK_SECRET},
        {"kind": "webhook", "url": "https://localhost:1/hook", "secret": "too-short"},
        {"kind": "ga4", "measurement_id": "G-SYNTH123"},
        {"kind": "ga4", "measurement_id": "UA-123", "secret": GA4_SECRET},
        {"kind": "google_ads", "deidentified": True},
        {"kind": "google_ads", "secret": WEBHOOK_SECRET},
        {"kind": "google_ads", "value": -1},
        {"kind": "google_ads", "currency": "dollars"},
        {"kind": "fax"},
        {"kind": "google_ads", "caller_number": "+12025550147"},
    ],
)
def test_bad_destination_config_is_422_and_stores_nothing(
    client: TestClient, marketing: dict[str, str], body: dict[str, Any]
) -> None:
    full = {"name": "bad", "conversion_name": "Phone lead", **body}
    answer = client.post(DESTINATIONS, json=full, headers=marketing)
    assert answer.status_code == 422, answer.text
    assert "10.1.2.3" not in answer.text and WEBHOOK_SECRET not in answer.text
    assert client.get(DESTINATIONS, headers=marketing).json() == {"items": []}


def test_listing_never_shows_the_secret_and_a_name_is_unique(
    client: TestClient, marketing: dict[str, str], receiver: ReceiverState
) -> None:
    webhook(client, marketing, receiver.base_url)
    listing = client.get(DESTINATIONS, headers=marketing)
    assert WEBHOOK_SECRET not in listing.text
    assert listing.json()["items"][0]["secret_set"] is True
    duplicate = client.post(
        DESTINATIONS,
        json={"name": "clinic-crm", "kind": "google_ads", "conversion_name": "x"},
        headers=marketing,
    )
    assert duplicate.status_code == 409


def test_google_ads_is_downloaded_and_a_webhook_sent_not_the_other_way(
    client: TestClient, marketing: dict[str, str], receiver: ReceiverState
) -> None:
    hook = webhook(client, marketing, receiver.base_url)
    ads = google_ads(client, marketing)
    assert send(client, marketing, ads).status_code == 422
    assert client.post(f"{DESTINATIONS}/{hook}/export.csv", headers=marketing).status_code == 422
    assert receiver.received == []


def test_another_tenants_destination_is_404(
    client: TestClient, marketing: dict[str, str], auth: TokenFactory, receiver: ReceiverState
) -> None:
    destination_id = webhook(client, marketing, receiver.base_url)
    other = auth("marketing", TENANT_B)
    for method, suffix in [("post", "/preview"), ("post", "/send"), ("delete", "")]:
        answer = client.request(method, f"{DESTINATIONS}/{destination_id}{suffix}", headers=other)
        assert answer.status_code == 404, (method, suffix)
    answer = client.post(f"{DESTINATIONS}/{destination_id}/export.csv", headers=other)
    assert answer.status_code == 404
    assert client.get(DESTINATIONS, headers=other).json() == {"items": []}
    assert receiver.received == []


def test_agents_may_not_configure_destinations(client: TestClient, auth: TokenFactory) -> None:
    answer = client.get(DESTINATIONS, headers=auth("agent"))
    assert answer.status_code == 403


def test_the_cli_sends_once_and_is_refused_without_the_baa(
    client: TestClient,
    marketing: dict[str, str],
    vault: Settings,
    receiver: ReceiverState,
    conversion_tls: tuple[Path, Path, Path],
    attributed: list[tuple[str, dict[str, str]]],
) -> None:
    destination_id = webhook(client, marketing, receiver.base_url)
    args = ["conversions", "send", "--tenant", TENANT_A, destination_id]
    args += ["--data-dir", str(vault.data_dir), "--database-url", vault.database_url]
    env = {"CALLVAULT_CONVERSIONS_CA_BUNDLE": str(conversion_tls[0]), ALLOW_LOOPBACK_ENV: "1"}
    refused = CliRunner().invoke(cli, args, env=env)
    assert refused.exit_code == 1 and "ad_platform" in refused.output
    assert receiver.received == []
    record_agreement(vault, TENANT_A, AgreementKind.AD_PLATFORM)
    sent = CliRunner().invoke(cli, args, env=env)
    assert (sent.exit_code, sent.output) == (0, "sent 3\n")
    again = CliRunner().invoke(cli, args, env=env)
    assert (again.exit_code, again.output) == (0, "sent 0\n")
    assert len(receiver.received) == 3


def test_no_payload_shape_allows_a_caller_field_and_a_builder_naming_one_fails() -> None:
    caller_fields = {"caller_number", "caller_number_hash", "phone", "em", "ph", "user_id"}
    caller_fields |= {"caller_name", "notes", "transcript", "agent", "call_id", "user_data"}
    for shape, allowed in ALLOWED_FIELDS.items():
        assert not allowed & caller_fields, shape
        with pytest.raises(FieldNotAllowed):
            allowlisted(shape, {"caller_number": "+12025550147"})
