"""Dynamic number insertion through the API: the settings (tracking:admin, audited),
the public session endpoint's CORS, 404s, 422s and throttle, pool assignment and
reuse, what a session keeps of a URL, and the attribution of a call to a session
within its TTL (and not after it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.calls.models import Call
from callvault.cli.vault import open_keyring
from callvault.identity.models import ThrottleBucket
from callvault.settings import DniThrottleSettings, Settings
from callvault.tracking.dni_models import DniSession
from callvault.web.app import create_app
from tests._vault import TENANT_A, TENANT_B, TokenFactory
from tests.tracking.conftest import REPORT, add_campaign, add_number, audit_trail, create_call

SETTINGS = "/api/v1/dni/settings"
SESSIONS = f"/dni/sessions?tenant={TENANT_A}"
SITE = "https://clinic-a.example"
POOL_NUMBERS = ("+12025550161", "+12025550162")
PAGE_VIEW = {"pool": "web", "landing_path": "/book"}


def _allow(client: TestClient, headers: dict[str, str], *origins: str, ttl: int = 30) -> None:
    body = {"allowed_origins": list(origins), "session_ttl_minutes": ttl}
    answer = client.put(SETTINGS, json=body, headers=headers)
    assert answer.status_code == 200, answer.text


@pytest.fixture
def pool(client: TestClient, marketing: dict[str, str]) -> str:
    """Tenant A's pool "web" of two numbers of campaign "web-visits", and its site
    allowed."""
    campaign_id = add_campaign(client, marketing, "web-visits", source="website")
    for number in POOL_NUMBERS:
        add_number(client, marketing, number, campaign_id=campaign_id, pool="web")
    _allow(client, marketing, SITE)
    return campaign_id


def _visit(client: TestClient, origin: str = SITE, **fields: Any) -> Any:
    return client.post(SESSIONS, json={**PAGE_VIEW, **fields}, headers={"Origin": origin})


def _sessions(vault: Settings) -> list[DniSession]:
    with open_keyring(vault) as (session, _):
        rows = list(session.execute(select(DniSession).order_by(DniSession.created_at)).scalars())
        session.expunge_all()
        return rows


def _call(vault: Settings, call_id: str) -> Call:
    with open_keyring(vault) as (session, _):
        call = session.get_one(Call, call_id)
        session.expunge(call)
        return call


# -- settings ----------------------------------------------------------------------------


def test_settings_are_replaced_read_and_audited(
    client: TestClient, marketing: dict[str, str], vault: Settings, pool: str
) -> None:
    _allow(client, marketing, "HTTPS://Clinic-A.example:443/", "http://localhost:8080", ttl=45)
    shown = client.get(SETTINGS, headers=marketing).json()
    assert shown == {
        "allowed_origins": ["http://localhost:8080", "https://clinic-a.example"],
        "session_ttl_minutes": 45,
        "pools": [{"pool": "web", "numbers": 2}],
    }
    actions = [a for a, _, _, _ in audit_trail(vault, "tracking:dni")]
    assert actions == [
        "tracking:dni_settings_update",
        "tracking:dni_settings_update",
        "tracking:dni_settings_read",
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"allowed_origins": ["https://clinic.example/book"]},  # a path
        {"allowed_origins": ["*"]},
        {"allowed_origins": ["ftp://clinic.example"]},
        {"allowed_origins": ["https://user@clinic.example"]},
        {"allowed_origins": [], "session_ttl_minutes": 0},
        {"allowed_origins": [], "session_ttl_minutes": 1441},
        {"allowed_origins": [], "surprise": True},
        {"session_ttl_minutes": 30},
    ],
)
def test_bad_settings_are_422_and_change_nothing(
    client: TestClient, marketing: dict[str, str], body: dict[str, Any]
) -> None:
    _allow(client, marketing, SITE)
    assert client.put(SETTINGS, json=body, headers=marketing).status_code == 422
    assert client.get(SETTINGS, headers=marketing).json()["allowed_origins"] == [SITE]


def test_settings_need_tracking_admin(client: TestClient, auth: TokenFactory) -> None:
    agent = auth("agent")
    assert client.get(SETTINGS, headers=agent).status_code == 403
    body = {"allowed_origins": [SITE]}
    assert client.put(SETTINGS, json=body, headers=agent).status_code == 403


# -- the public endpoint ----------------------------------------------------------------


def test_the_script_is_served_as_javascript(client: TestClient) -> None:
    answer = client.get("/dni.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert "data-callvault-number" in answer.text and "cv_dni" in answer.text


def test_an_allowed_origin_gets_a_pool_number_with_cors_headers(
    client: TestClient, vault: Settings, pool: str
) -> None:
    answer = _visit(client)
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == SITE
    assert "access-control-allow-credentials" not in answer.headers
    body = answer.json()
    assert body["number"] in POOL_NUMBERS
    assert body["display"] == "(202) 555-" + body["number"][-4:]
    assert "set-cookie" not in answer.headers
    (stored,) = _sessions(vault)
    assert (stored.id, stored.number, stored.pool) == (body["session_id"], body["number"], "web")


def test_the_preflight_answers_an_allowed_origin_only(client: TestClient, pool: str) -> None:
    preflight = {"Access-Control-Request-Method": "POST"}
    allowed = client.options(SESSIONS, headers={**preflight, "Origin": SITE})
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == SITE
    assert allowed.headers["access-control-allow-methods"] == "POST"
    assert allowed.headers["access-control-allow-headers"] == "Content-Type"
    for origin in ("https://elsewhere.example", "https://clinic-a.example:8443"):
        denied = client.options(SESSIONS, headers={**preflight, "Origin": origin})
        assert denied.status_code == 403
        assert "access-control-allow-origin" not in denied.headers
    assert client.options(SESSIONS, headers=preflight).status_code == 403  # no Origin
    unknown = client.options("/dni/sessions?tenant=no-such-clinic", headers={"Origin": SITE})
    assert unknown.status_code == 404


def test_a_disallowed_origin_gets_403_and_no_session(
    client: TestClient, vault: Settings, pool: str
) -> None:
    for headers in ({"Origin": "https://elsewhere.example"}, {}):
        answer = client.post(SESSIONS, json=PAGE_VIEW, headers=headers)
        assert answer.status_code == 403
        assert "access-control-allow-origin" not in answer.headers
    assert _sessions(vault) == []


def test_another_tenants_origin_is_not_allowed_here(
    client: TestClient, auth: TokenFactory, pool: str
) -> None:
    _allow(client, auth("marketing", tenant=TENANT_B), "https://clinic-b.example")
    answer = _visit(client, origin="https://clinic-b.example")
    assert answer.status_code == 403


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/dni/sessions?tenant=no-such-clinic", 404),
        ("/dni/sessions?tenant=Not_A_Name", 422),
        ("/dni/sessions", 422),
    ],
)
def test_an_unknown_or_malformed_tenant(
    client: TestClient, pool: str, path: str, status: int
) -> None:
    assert client.post(path, json=PAGE_VIEW, headers={"Origin": SITE}).status_code == status


def test_an_unknown_pool_is_404(client: TestClient, vault: Settings, pool: str) -> None:
    assert _visit(client, pool="print").status_code == 404
    assert _sessions(vault) == []


@pytest.mark.parametrize(
    "fields",
    [
        {"patient_name": "Quinn Fictional"},  # an unknown field
        {"landing_path": "book"},  # not a path
        {"landing_path": ""},
        {"referrer_host": "not a host"},
        {"session_id": "not-a-session-id"},
        {"utm_source": "x" * 201},
        {"gclid": "\u0000"},
        {"pool": 7},
    ],
)
def test_bad_fields_are_422_and_store_nothing(
    client: TestClient, vault: Settings, pool: str, fields: dict[str, Any]
) -> None:
    assert _visit(client, **fields).status_code == 422
    assert _sessions(vault) == []


def test_a_session_keeps_no_query_string_no_referrer_path_and_no_address(
    client: TestClient, vault: Settings, pool: str
) -> None:
    answer = _visit(
        client,
        landing_path="https://clinic-a.example/book/checkup?patient=Quinn+Fictional#dob",
        referrer_host="https://www.search.example/results?q=quinn+fictional+checkup",
        utm_source="search",
        utm_medium="cpc",
        utm_campaign="spring",
        gclid="synthetic-gclid-1",
    )
    assert answer.status_code == 200, answer.text
    (stored,) = _sessions(vault)
    assert stored.landing_path == "/book/checkup"
    assert stored.referrer_host == "www.search.example"
    assert (stored.utm_source, stored.utm_medium, stored.utm_campaign) == (
        "search",
        "cpc",
        "spring",
    )
    assert stored.gclid == "synthetic-gclid-1" and stored.fbclid is None
    kept = " ".join(str(value) for value in vars(stored).values())
    assert "Quinn" not in kept and "quinn" not in kept and "testclient" not in kept


def test_the_same_session_keeps_its_number_and_a_new_one_takes_a_free_number(
    client: TestClient, vault: Settings, pool: str
) -> None:
    first = _visit(client).json()
    again = _visit(client, session_id=first["session_id"]).json()
    assert (again["session_id"], again["number"]) == (first["session_id"], first["number"])
    assert again["expires_at"] >= first["expires_at"]
    other = _visit(client).json()
    assert other["session_id"] != first["session_id"]
    assert {first["number"], other["number"]} == set(POOL_NUMBERS)
    unknown = _visit(client, session_id="0" * 32).json()  # gone or never was: a new one
    assert unknown["session_id"] not in (first["session_id"], other["session_id"])


def test_an_exhausted_pool_reuses_the_least_recently_given_number(
    client: TestClient, vault: Settings, pool: str
) -> None:
    numbers = [_visit(client).json()["number"] for _ in range(4)]
    assert numbers[2:] == numbers[:2]  # the two numbers, then each again in turn
    assert len(set(numbers)) == 2


# -- attribution --------------------------------------------------------------------------


def test_a_call_to_the_shown_number_within_the_ttl_is_attributed_to_the_session(
    client: TestClient, ingest: dict[str, str], vault: Settings, pool: str
) -> None:
    shown = _visit(client, utm_campaign="not-a-campaign-of-the-tenant").json()
    soon = datetime.now(UTC) + timedelta(minutes=5)
    call_id = create_call(
        client,
        ingest,
        tracking_number=shown["number"],
        campaign=None,
        started_at=soon.isoformat(),
        ended_at=(soon + timedelta(minutes=2)).isoformat(),
    )
    call = _call(vault, call_id)
    assert call.dni_session_id == shown["session_id"]
    assert (call.campaign_id, call.campaign) == (pool, "web-visits")  # the number's campaign


def test_a_call_after_the_ttl_keeps_its_campaign_but_no_session(
    client: TestClient,
    ingest: dict[str, str],
    marketing: dict[str, str],
    vault: Settings,
    pool: str,
) -> None:
    _allow(client, marketing, SITE, ttl=10)
    shown = _visit(client).json()
    late = datetime.now(UTC) + timedelta(minutes=11)
    call_id = create_call(
        client,
        ingest,
        tracking_number=shown["number"],
        started_at=late.isoformat(),
        ended_at=(late + timedelta(minutes=1)).isoformat(),
    )
    call = _call(vault, call_id)
    assert call.dni_session_id is None and call.campaign_id == pool
    early = create_call(client, ingest, tracking_number=shown["number"])  # before the session
    assert _call(vault, early).dni_session_id is None


def test_a_call_goes_to_the_number_s_latest_session(
    client: TestClient, ingest: dict[str, str], vault: Settings, pool: str
) -> None:
    sessions = [_visit(client).json() for _ in range(3)]  # the third reuses the first's number
    soon = datetime.now(UTC) + timedelta(minutes=1)
    call_id = create_call(
        client,
        ingest,
        tracking_number=sessions[0]["number"],
        started_at=soon.isoformat(),
        ended_at=(soon + timedelta(minutes=1)).isoformat(),
    )
    assert _call(vault, call_id).dni_session_id == sessions[2]["session_id"]


# -- the throttle ---------------------------------------------------------------------------


@pytest.fixture
def throttled_client(vault: Settings) -> Iterator[TestClient]:
    tight = replace(
        vault, dni_throttle=DniThrottleSettings(address_burst=2, address_interval_seconds=60)
    )
    with TestClient(create_app(tight), raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_flood_from_one_address_is_429_with_retry_after(
    throttled_client: TestClient, vault: Settings, pool: str
) -> None:
    assert [_visit(throttled_client).status_code for _ in range(2)] == [200, 200]
    flooded = _visit(throttled_client)
    assert flooded.status_code == 429
    assert 1 <= int(flooded.headers["retry-after"]) <= 60
    # Refused before the origin is looked at: a disallowed one is throttled as well.
    assert _visit(throttled_client, origin="https://elsewhere.example").status_code == 429
    assert len(_sessions(vault)) == 2
    with open_keyring(vault) as (session, _):
        keys = list(session.execute(select(ThrottleBucket.key)).scalars())
    assert keys and all(len(key) == 64 and "testclient" not in key for key in keys)


def test_the_report_groups_an_attributed_call_by_its_session_s_source(
    client: TestClient, ingest: dict[str, str], auth: TokenFactory, pool: str
) -> None:
    shown = _visit(client, utm_source="newsletter", utm_medium="email").json()
    soon = datetime.now(UTC) + timedelta(minutes=1)
    create_call(
        client,
        ingest,
        tracking_number=shown["number"],
        started_at=soon.isoformat(),
        ended_at=(soon + timedelta(minutes=1)).isoformat(),
    )
    create_call(client, ingest, tracking_number=POOL_NUMBERS[0])  # no session: the campaign's
    for group_by, labels in (
        ("source", {"newsletter", "website"}),
        ("medium", {"email", "(none)"}),
    ):
        report = client.get(REPORT, params={"group_by": group_by}, headers=auth("marketing"))
        assert report.status_code == 200, report.text
        assert {row["group"] for row in report.json()["rows"]} == labels


def test_the_dni_throttle_leaves_sign_in_from_the_same_address_alone(
    throttled_client: TestClient, pool: str
) -> None:
    for _ in range(3):
        _visit(throttled_client)
    assert _visit(throttled_client).status_code == 429
    login = {"email": "nobody@clinic-a.example", "password": "synthetic-wrong-password"}
    assert throttled_client.post("/api/v1/auth/login", json=login).status_code == 401
