"""The audit query service (``callvault.audit.query``), without HTTP: cursors, time
bounds, term matching, the read event each read leaves, and a walk through the log
while other sessions append to it.

The helpers at the top also fill logs for ``test_audit_api.py``."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from callvault.audit.append import append_events
from callvault.audit.context import ServiceContext
from callvault.audit.heads import sign_now
from callvault.audit.proofs import current_size
from callvault.audit.query import (
    AuditReader,
    EventFilters,
    decode_cursor,
    encode_cursor,
    parse_seq,
    parse_term,
    to_ms,
)
from callvault.audit.schemas import iso_ms
from callvault.audit.service import Outcome, RequestInfo, hash_terms, record_event
from callvault.authz.principal import Principal, system_principal
from callvault.cli.vault import open_keyring
from callvault.crypto.keyring import Keyring
from callvault.errors import InvalidInput
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A

T0_MS = 1_772_460_000_000  # 2026-03-02T14:00:00Z


# -- helpers shared with test_audit_api.py -------------------------------------------


def tenant_id(settings: Settings, tenant: str = TENANT_A) -> str:
    with open_keyring(settings) as (session, _):
        return get_tenant(session, tenant).id


def synthetic_event(label: str, **fields: object) -> dict[str, object]:
    """An event labelled by its ``request_id``; ``fields`` override the defaults."""
    event: dict[str, object] = {
        "actor_type": "system",
        "actor_id": "actor-filler",
        "action": "call:read",
        "resource_type": "call",
        "resource_id": f"call-{label}",
        "outcome": "allowed",
        "source_ip": "192.0.2.7",
        "user_agent": "synthetic-agent",
        "request_id": label,
    }
    event.update(fields)
    return event


def seed(
    settings: Settings, tenant: str, events: Sequence[Mapping[str, object]], *, batch: bool = False
) -> None:
    """Append ``events`` (one transaction each, or all in one with ``batch``)."""
    with open_keyring(settings) as (session, _):
        tid = get_tenant(session, tenant).id
        for chunk in [events] if batch else [[event] for event in events]:
            append_events(session, tid, chunk)
            session.commit()


def fill(settings: Settings, tenant: str, count: int, heads: Iterable[int] = ()) -> None:
    """``count`` more events; a signed tree head whenever the log reaches a size in
    ``heads``."""
    wanted = set(heads)
    with open_keyring(settings) as (session, _):
        tid = get_tenant(session, tenant).id
        for _ in range(count):
            size = current_size(session, tid)
            append_events(session, tid, [synthetic_event(f"fill-{size}")])
            if size + 1 in wanted:
                sign_now(session, tid)
            session.commit()


def log_size(settings: Settings, tenant: str = TENANT_A) -> int:
    with open_keyring(settings) as (session, _):
        return current_size(session, get_tenant(session, tenant).id)


def term_hash(settings: Settings, value: str, tenant: str = TENANT_A) -> str:
    """What ``callvault audit hash`` prints for ``value``."""
    with open_keyring(settings) as (session, _):
        digest = hash_terms(session, get_tenant(session, tenant).id, [value])
        session.commit()
    return digest


def investigator(tid: str) -> Principal:
    return system_principal(tid, "investigator-1", ["compliance_officer"])


REQUEST = RequestInfo(source_ip="198.51.100.4", user_agent="query-test", request_id="req-q")


def reader_of(session: Session, keyring: Keyring, tid: str) -> AuditReader:
    return AuditReader(ServiceContext(session, investigator(tid), REQUEST, keyring))


# -- cursors, times, terms, sequence numbers -------------------------------------------


@pytest.mark.parametrize("seq", [0, 1, 99, 2**63 - 1])
def test_a_cursor_round_trips(seq: int) -> None:
    assert decode_cursor(encode_cursor(seq)) == seq


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "!!!",
        "a",
        _b64(b"cv-audit-after:"),
        _b64(b"cv-audit-after:-1"),
        _b64(b"cv-audit-after:12x"),
        _b64(b"cv-audit-after:" + b"9" * 20),
        _b64(b"cv-audit-after:\xd9\xa3"),  # an Arabic-Indic digit: not ours
        _b64(b"other-prefix:5"),
        _b64(b"5"),
    ],
)
def test_a_cursor_this_server_did_not_issue_is_invalid_input(cursor: str) -> None:
    with pytest.raises(InvalidInput, match="cursor"):
        decode_cursor(cursor)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 3, 2, 14, 0, tzinfo=UTC), T0_MS),
        (datetime(2026, 3, 2, 14, 0, 0, 1000, tzinfo=UTC), T0_MS + 1),
        # Rounded up, so "at or after" never takes in the millisecond before it.
        (datetime(2026, 3, 2, 14, 0, 0, 1, tzinfo=UTC), T0_MS + 1),
        (datetime(2026, 3, 2, 13, 59, 59, 999_999, tzinfo=UTC), T0_MS),
        (datetime(2026, 3, 2, 15, 0, tzinfo=timezone(timedelta(hours=1))), T0_MS),
        (datetime(1969, 12, 31, 23, 59, 59, 999_000, tzinfo=UTC), -1),
    ],
)
def test_timestamps_become_milliseconds_rounded_up(moment: datetime, expected: int) -> None:
    assert to_ms(moment) == expected


def test_a_timestamp_without_offset_is_refused() -> None:
    with pytest.raises(InvalidInput, match="UTC offset"):
        to_ms(datetime(2026, 3, 2, 14, 0))


def test_times_go_out_as_utc_iso_with_milliseconds() -> None:
    assert iso_ms(T0_MS) == "2026-03-02T14:00:00.000Z"
    assert iso_ms(T0_MS + 125) == "2026-03-02T14:00:00.125Z"


def test_a_term_is_normalised_to_lowercase() -> None:
    digest = "hmac-sha256:" + "AB" * 32
    assert parse_term(digest) == digest.lower()


@pytest.mark.parametrize(
    "term",
    [
        "",
        "ab" * 32,
        "hmac-sha256:" + "ab" * 31,
        "hmac-sha256:" + "ab" * 33,
        "hmac-sha256:" + "zz" * 32,
        "hmac-sha1:" + "ab" * 32,
        "hmac-sha256:" + "ab" * 32 + "\n",
        "hmac-sha256:" + "ab" * 31 + "%_",
    ],
)
def test_a_term_that_is_not_an_audit_hash_is_invalid_input(term: str) -> None:
    with pytest.raises(InvalidInput, match="term"):
        parse_term(term)


@pytest.mark.parametrize(
    ("text", "seq"),
    [
        ("0", 0),
        ("42", 42),
        ("007", 7),
        ("-1", None),
        ("1.0", None),
        ("abc", None),
        ("", None),
        ("\u0663", None),
        ("9" * 20, None),
        (str(2**63), None),
    ],
)
def test_sequence_numbers_in_paths(text: str, seq: int | None) -> None:
    assert parse_seq(text) == seq


# -- reading ---------------------------------------------------------------------


def test_since_after_until_is_invalid_input_and_records_nothing(vault: Settings) -> None:
    seed(vault, TENANT_A, [synthetic_event("e0")])
    filters = EventFilters(
        since=datetime(2026, 3, 2, tzinfo=UTC), until=datetime(2026, 3, 1, tzinfo=UTC)
    )
    with open_keyring(vault) as (session, keyring):
        reader = reader_of(session, keyring, tenant_id(vault))
        with pytest.raises(InvalidInput, match="since"):
            reader.events(filters)
    assert log_size(vault) == 1


def test_a_read_leaves_one_event_naming_the_query_with_free_text_hashed(
    vault: Settings,
) -> None:
    tid = tenant_id(vault)
    seed(vault, TENANT_A, [synthetic_event("e0", actor_id="actor-17")])
    term = term_hash(vault, "+12025550177")
    filters = EventFilters(
        actor="actor-17",
        resource="call-e0",
        outcome=Outcome.ALLOWED,
        since=datetime(2026, 3, 2, 14, tzinfo=UTC),
        term=term.upper().replace("HMAC-SHA256", "hmac-sha256"),
        cursor=encode_cursor(0),
    )
    with open_keyring(vault) as (session, keyring):
        reader_of(session, keyring, tid).events(filters)
    with open_keyring(vault) as (session, keyring):
        reader = reader_of(session, keyring, tid)
        page = reader.events(EventFilters(action="audit:read"))
        searched_for_actor = reader.events(EventFilters(term=term_hash(vault, "actor-17")))

    [read] = page.items
    assert (read.actor_type, read.actor_id, read.resource_type) == (
        "system",
        "investigator-1",
        "audit_log",
    )
    assert (read.outcome, read.source_ip, read.request_id) == ("allowed", "198.51.100.4", "req-q")
    assert read.reason == (
        f"events actor resource outcome=allowed since=2026-03-02T14:00:00.000Z term={term} after=0"
    )
    assert "actor-17" not in read.model_dump_json()
    assert read.hashed_terms == [term_hash(vault, "actor-17"), term_hash(vault, "call-e0")]
    # So an investigator's own searches can be found by what they searched for.
    assert [item.seq for item in searched_for_actor.items] == [read.seq]


def test_a_walk_sees_every_event_once_in_order_while_others_append(vault: Settings) -> None:
    tid = tenant_id(vault)
    fill(vault, TENANT_A, 30)
    late = [f"late-{n}" for n in range(40)]

    def append_late() -> None:
        with open_keyring(vault) as (session, _):
            writer = system_principal(tid, "writer", [])
            for label in late:
                record_event(
                    session,
                    writer,
                    "call:read",
                    resource_type="call",
                    resource_id=label,
                    outcome=Outcome.ALLOWED,
                    request=RequestInfo(),
                )
                session.commit()

    appender = threading.Thread(target=append_late)
    appender.start()
    seen: list[int] = []
    resources: list[str | None] = []
    cursor = None
    with open_keyring(vault) as (session, keyring):
        reader = reader_of(session, keyring, tid)
        while True:
            appending = appender.is_alive()  # before the read: its events are all in it
            page = reader.events(EventFilters(cursor=cursor, limit=4))
            seen += [item.seq for item in page.items]
            resources += [item.resource_id for item in page.items]
            cursor = page.next_cursor
            if not page.has_more:
                if not appending:
                    break
                time.sleep(0.005)  # let the writer have the database; no timing is asserted
    appender.join()

    assert seen == list(range(len(seen)))
    # Everything but the read event of the last page, which came after its own query.
    assert len(seen) == log_size(vault) - 1
    assert set(late) <= set(resources)
