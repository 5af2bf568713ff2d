"""The audit pages over HTTP: bad searches are clear 4xx pages (never a 500), refused
roles get a 403 page, the headers of every page, and reading the trail is audited."""

from __future__ import annotations

import re
from typing import Any

import pytest

from callvault.audit.query import encode_cursor
from callvault.dashboard.rendering import CONTENT_SECURITY_POLICY
from tests.dashboard.conftest import Live, PersonFactory, signed_in_client


def test_the_audit_pages_carry_the_policy_and_no_store(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people("compliance_officer")) as client:
        for path in ("/audit", "/audit/events/0", "/audit?action=auth:mfa"):
            page = client.get(path)
            assert page.status_code == 200, path
            assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
            assert page.headers["cache-control"] == "no-store"
            assert "<script>" not in page.text and " style=" not in page.text


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"outcome": "maybe"}, 422, "outcome must be one of"),
        ({"since": "last tuesday"}, 422, "since is not a date and time"),
        (
            {"since": "2026-02-01T00:00", "until": "2026-01-01T00:00"},
            422,
            "since must not be after",
        ),
        ({"term": "hmac-sha256:xyz"}, 422, "term must be hmac-sha256:"),
        ({"cursor": "not-a-cursor"}, 422, "cursor is not one this server issued"),
        ({"actor": "x" * 65}, 422, "not valid"),
        ({"resource": "a\x01b"}, 422, "not valid"),
    ],
)
def test_a_bad_search_is_a_clear_page_not_a_500(
    live: Live, people: PersonFactory, query: dict[str, str], status: int, message: str
) -> None:
    with signed_in_client(live, people("compliance_officer")) as client:
        page = client.get("/audit", params=query)
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    assert message in page.text.replace("&#39;", "'")


def test_an_event_that_does_not_exist_is_a_404_page(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people("compliance_officer")) as client:
        for path in ("/audit/events/99999999", "/audit/events/abc", "/audit/events/-1"):
            page = client.get(path)
            assert page.status_code == 404, path
            assert "<h1>Not found</h1>" in page.text


def test_a_role_without_audit_read_gets_a_403_page(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people("supervisor")) as client:
        for path in ("/audit", "/audit/events/0"):
            page = client.get(path)
            assert page.status_code == 403, path
            assert "<h1>Permission denied</h1>" in page.text
            assert 'id="events"' not in page.text and 'id="proof"' not in page.text
    with live.client() as anonymous:
        assert anonymous.get("/audit").headers["location"] == "/signin?next=/audit"


def test_reading_the_trail_is_itself_audited(live: Live, people: PersonFactory) -> None:
    officer = people("compliance_officer")
    with signed_in_client(live, officer) as client:
        assert client.get("/audit/events/1").status_code == 200
        assert client.get("/audit", params={"action": "auth:mfa"}).status_code == 200
        page = client.get("/audit", params={"action": "audit:read", "actor": officer.id})
    seqs = [int(s) for s in re.findall(r'<a href="/audit/events/(\d+)">', page.text)]
    # The event page's proof and event reads, the search's read and its tree head's.
    assert len(seqs) == 4
    api = signed_in_api_events(live, people, seqs)
    assert [e["reason"].split(" ")[0] for e in api] == ["inclusion", "events", "events", "sth"]


def signed_in_api_events(
    live: Live, people: PersonFactory, seqs: list[int]
) -> list[dict[str, Any]]:
    """The same events through the API, read by another officer."""
    with signed_in_client(live, people("compliance_officer")) as client:
        after = min(seqs) - 1
        answer = client.get(
            "/api/v1/audit/events",
            params={"cursor": encode_cursor(after), "limit": len(seqs), "action": "audit:read"},
        )
    assert answer.status_code == 200, answer.text
    return [e for e in answer.json()["items"] if e["seq"] in seqs]
