"""Playback links: ``POST /api/v1/calls/{id}/playback-links`` makes a short-lived URL
that plays the scrubbed recording only for the credentials (and session) that made it;
every request it serves is audited as a play. On real audio, scrubbed by the pipeline."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select, update

import callvault.db.models  # noqa: F401  # every table in Base.metadata, for the scan
from callvault.audit.models import AuditEvent
from callvault.authz.credentials import COOKIE_NAME
from callvault.calls.models import PlaybackLink
from callvault.cli.vault import open_keyring
from callvault.db.base import Base, utcnow
from callvault.settings import Settings
from tests._vault import TENANT_A, TENANT_B, TokenFactory
from tests.audit._log import tenant_id
from tests.audit.test_fail_closed import break_audit, repair_audit
from tests.calls.factories import call_payload, wav_bytes
from tests.identity import conftest as people
from tests.identity.conftest import SessionFactory, UserFactory
from tests.pipeline._helpers import Pipeline

# The people fixtures live in tests/identity; make them visible to this module.
make_user = people.make_user
signed_in = people.signed_in

PLAYBACK = "/api/v1/playback/"
UNKNOWN_CALL = "0" * 32


def new_call(client: TestClient, auth: TokenFactory, tenant: str = TENANT_A) -> str:
    created = client.post("/api/v1/calls", json=call_payload(), headers=auth("integration", tenant))
    assert created.status_code == 201
    return str(created.json()["id"])


def upload(client: TestClient, auth: TokenFactory, call_id: str, tenant: str = TENANT_A) -> None:
    headers = auth("integration", tenant) | {"Content-Type": "audio/wav"}
    response = client.put(
        f"/api/v1/calls/{call_id}/recording", content=wav_bytes(2), headers=headers
    )
    assert response.status_code == 204


@pytest.fixture
def call_id(client: TestClient, auth: TokenFactory, vault: Settings) -> str:
    """A call of clinic-a whose recording the pipeline scrubbed (so it plays)."""
    call = new_call(client, auth)
    upload(client, auth, call)
    pipeline = Pipeline(vault)
    try:
        [result] = pipeline.run()
    finally:
        pipeline.close()
    assert result.state == "done", result
    return call


@pytest.fixture
def scrubbed(client: TestClient, auth: TokenFactory, call_id: str) -> bytes:
    """The scrubbed recording as ``/recording`` plays it."""
    response = client.get(f"/api/v1/calls/{call_id}/recording", headers=auth("agent"))
    assert response.status_code == 200
    return response.content


def make_link(client: TestClient, call_id: str, headers: dict[str, str]) -> str:
    response = client.post(f"/api/v1/calls/{call_id}/playback-links", headers=headers)
    assert response.status_code == 201, response.text
    url = response.json()["url"]
    assert url.startswith(PLAYBACK)
    return str(url)


def last_seq(vault: Settings, tenant: str = TENANT_A) -> int:
    with open_keyring(vault) as (session, _):
        stmt = select(AuditEvent.seq).where(AuditEvent.tenant_id == tenant_id(vault, tenant))
        return max(session.execute(stmt).scalars(), default=-1)


def events_after(
    vault: Settings, seq: int, tenant: str = TENANT_A
) -> list[tuple[str, str, str, str | None]]:
    """(actor_id, action, outcome, resource_id) of the tenant's events after ``seq``."""
    with open_keyring(vault) as (session, _):
        stmt = (
            select(AuditEvent)
            .where(AuditEvent.tenant_id == tenant_id(vault, tenant), AuditEvent.seq > seq)
            .order_by(AuditEvent.seq)
        )
        return [
            (e.actor_id, e.action, e.outcome, e.resource_id)
            for e in session.execute(stmt).scalars()
        ]


def token_id(headers: dict[str, str]) -> str:
    return headers["Authorization"].split("_")[1]  # cvt_<id>_<secret>


def assert_no_link(response: Response) -> None:
    """The one answer for every reason a link does not play."""
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": "no such playback link",
    }


# ----------------------------------------------------------------------------- playing


def test_a_link_plays_the_scrubbed_recording_whole_and_by_range(
    client: TestClient, auth: TokenFactory, call_id: str, scrubbed: bytes
) -> None:
    agent = auth("agent")
    before = utcnow()
    response = client.post(f"/api/v1/calls/{call_id}/playback-links", headers=agent)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"url", "expires_at"}
    assert body["expires_at"].endswith("Z")
    expires = datetime.fromisoformat(body["expires_at"])
    assert before + timedelta(minutes=5) <= expires <= utcnow() + timedelta(minutes=5)
    token = body["url"].removeprefix(PLAYBACK)
    assert len(token) == 43 and "/" not in token

    whole = client.get(body["url"], headers=agent)
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "audio/wav"
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.content == scrubbed

    part = client.get(body["url"], headers=agent | {"Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.content == scrubbed[100:1100]
    assert part.headers["content-range"] == f"bytes 100-1099/{len(scrubbed)}"

    tail = client.get(body["url"], headers=agent | {"Range": "bytes=-10"})
    assert (tail.status_code, tail.content) == (206, scrubbed[-10:])

    beyond = client.get(body["url"], headers=agent | {"Range": f"bytes={len(scrubbed)}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(scrubbed)}"


def test_creating_and_each_served_request_are_audited_by_id_and_the_token_is_nowhere(
    client: TestClient,
    auth: TokenFactory,
    vault: Settings,
    call_id: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    agent = auth("agent")
    actor = token_id(agent)
    before = last_seq(vault)
    with caplog.at_level(logging.DEBUG):
        url = make_link(client, call_id, agent)
        assert client.get(url, headers=agent).status_code == 200
        assert client.get(url, headers=agent | {"Range": "bytes=0-99"}).status_code == 206
        assert client.get(url, headers=auth("agent")).status_code == 404  # another token

    *served, refused = events_after(vault, before)
    assert served == [
        (actor, "recording:link_create", "allowed", call_id),
        (actor, "recording:play", "allowed", call_id),
        (actor, "recording:play", "allowed", call_id),
    ]
    assert refused[1:] == ("recording:play", "not_found", call_id) and refused[0] != actor

    token = url.removeprefix(PLAYBACK)
    # The server's own records (httpx, the test's client, logs the URL it fetched).
    records = [r for r in caplog.records if r.name.startswith("callvault")]
    assert records, "nothing was logged: the check below would prove nothing"
    logged = " ".join(f"{r.getMessage()} {vars(r)}" for r in records)
    assert token not in logged
    assert token not in every_stored_value(vault), "the token is stored (only its hash may be)"


def every_stored_value(vault: Settings) -> str:
    """Every row of every table (the audit log's included), as text."""
    rows: list[Any] = []
    with open_keyring(vault) as (session, _):
        for table in Base.metadata.sorted_tables:
            rows += [tuple(row) for row in session.execute(select(table))]
    return repr(rows)


def test_nothing_plays_and_no_link_is_made_while_the_audit_cannot_be_written(
    client: TestClient, auth: TokenFactory, vault: Settings, call_id: str
) -> None:
    agent = auth("agent")
    url = make_link(client, call_id, agent)
    break_audit(vault)
    try:
        played = client.get(url, headers=agent)
        ranged = client.get(url, headers=agent | {"Range": "bytes=0-99"})
        made = client.post(f"/api/v1/calls/{call_id}/playback-links", headers=agent)
    finally:
        repair_audit(vault)

    for response in (played, ranged, made):
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
    with open_keyring(vault) as (session, _):
        assert len(session.execute(select(PlaybackLink)).all()) == 1  # the first one only
    assert client.get(url, headers=agent).status_code == 200  # once the audit is back


# ----------------------------------------------------------------------------- binding


def test_an_expired_link_is_not_found(
    client: TestClient, auth: TokenFactory, vault: Settings, call_id: str
) -> None:
    agent = auth("agent")
    url = make_link(client, call_id, agent)
    assert client.get(url, headers=agent).status_code == 200
    with open_keyring(vault) as (session, _):
        past = utcnow() - timedelta(seconds=1)
        session.execute(update(PlaybackLink).values(expires_at=past))
        session.commit()
    before = last_seq(vault)

    assert_no_link(client.get(url, headers=agent))
    assert events_after(vault, before) == [
        (token_id(agent), "recording:play", "not_found", call_id)
    ]


def test_a_link_plays_only_in_the_session_that_made_it(
    client: TestClient,
    call_id: str,
    scrubbed: bytes,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    alice, bob = make_user("agent"), make_user("agent")
    csrf = signed_in(alice)
    url = make_link(client, call_id, csrf)
    # What an <audio> element sends: the cookie, no CSRF header, no Authorization.
    played = client.get(url)
    assert (played.status_code, played.content) == (200, scrubbed)

    signed_in(bob)  # another user of the same tenant, with the same role
    assert_no_link(client.get(url))
    signed_in(alice)  # the same user, but another session
    assert_no_link(client.get(url))


def test_signing_out_ends_the_link(
    client: TestClient, call_id: str, make_user: UserFactory, signed_in: SessionFactory
) -> None:
    alice = make_user("agent")
    csrf = signed_in(alice)
    cookie = client.cookies[COOKIE_NAME]
    url = make_link(client, call_id, csrf)
    assert client.get(url).status_code == 200

    assert client.post("/api/v1/auth/logout", headers=csrf).status_code == 204
    client.cookies.set(COOKIE_NAME, cookie)  # a copy of the old cookie: the gate refuses it
    assert client.get(url).status_code == 401
    signed_in(alice)  # signed in again: the link belonged to the session that ended
    assert_no_link(client.get(url))


def test_a_tokens_link_does_not_play_for_a_session_of_the_same_tenant(
    client: TestClient,
    auth: TokenFactory,
    call_id: str,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    url = make_link(client, call_id, auth("agent"))
    signed_in(make_user("agent"))
    assert_no_link(client.get(url))


def test_another_tenant_neither_plays_a_link_nor_makes_one(
    client: TestClient, auth: TokenFactory, vault: Settings, call_id: str
) -> None:
    url = make_link(client, call_id, auth("agent"))
    theirs = auth("agent", tenant=TENANT_B)
    before = last_seq(vault, TENANT_B)

    assert_no_link(client.get(url, headers=theirs))
    made = client.post(f"/api/v1/calls/{call_id}/playback-links", headers=theirs)
    assert made.status_code == 404
    unknown = client.post(f"/api/v1/calls/{UNKNOWN_CALL}/playback-links", headers=theirs)
    assert (made.status_code, made.json()) == (unknown.status_code, unknown.json())
    # Each refusal is in clinic-b's trail; the link's call is not even known there.
    assert [e[1:] for e in events_after(vault, before, TENANT_B)] == [
        ("recording:play", "not_found", None),
        ("recording:link_create", "not_found", call_id),
        ("recording:link_create", "not_found", UNKNOWN_CALL),
    ]


@pytest.mark.parametrize(
    "token",
    ["x", "A" * 43, "A" * 44, "%2e%2e", "A" * 42 + "="],
    ids=["short", "well-formed-unknown", "long", "dots", "bad-character"],
)
def test_a_made_up_token_is_not_found(client: TestClient, auth: TokenFactory, token: str) -> None:
    assert_no_link(client.get(PLAYBACK + token, headers=auth("agent")))


# ----------------------------------------------------------------------------- refusals


def test_without_recording_play_neither_making_nor_playing_is_allowed(
    client: TestClient, auth: TokenFactory, vault: Settings, call_id: str
) -> None:
    url = make_link(client, call_id, auth("agent"))
    marketing = auth("marketing")  # call:read, but not recording:play
    before = last_seq(vault)

    made = client.post(f"/api/v1/calls/{call_id}/playback-links", headers=marketing)
    played = client.get(url, headers=marketing)

    assert (made.status_code, played.status_code) == (403, 403)
    assert [(e[1], e[2]) for e in events_after(vault, before)] == [
        ("recording:play", "denied"),
        ("recording:play", "denied"),
    ]


def test_a_call_without_a_playable_recording_has_no_link(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    agent = auth("agent")
    bare = new_call(client, auth)
    pending = new_call(client, auth)
    upload(client, auth, pending)  # uploaded, not scrubbed yet: as /recording, a 409
    before = last_seq(vault)

    answers = [
        client.post(f"/api/v1/calls/{call}/playback-links", headers=agent)
        for call in (bare, UNKNOWN_CALL, pending)
    ]

    assert [a.status_code for a in answers] == [404, 404, 409]
    assert answers[0].json()["detail"] == "the call has no recording"
    assert "still being scrubbed" in answers[2].json()["detail"]
    assert all(a.headers["content-type"] == "application/problem+json" for a in answers)
    assert [(e[1], e[2], e[3]) for e in events_after(vault, before)] == [
        ("recording:link_create", "not_found", bare),
        ("recording:link_create", "not_found", UNKNOWN_CALL),
        ("recording:link_create", "not_found", pending),
    ]
    with open_keyring(vault) as (session, _):
        assert session.execute(select(PlaybackLink)).first() is None
