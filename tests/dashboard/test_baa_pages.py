"""The BAAs page over HTTP: the compliance officer's (an agent or the admin gets the
403 page and no menu entry); an agreement recorded, refused activation without its
document hash, activated with it, terminated; bad input and forms without their CSRF
token change nothing."""

from __future__ import annotations

import re

import httpx
import pytest

from callvault.dashboard.rendering import CONTENT_SECURITY_POLICY
from tests.dashboard.admin_support import csrf
from tests.dashboard.conftest import Live, PersonFactory, signed_in_client

OFFICER = "compliance_officer"
DOCUMENT_HASH = "9A" * 32  # as a clinic might paste it: upper case is taken too


def baa_ids(client: httpx.Client) -> dict[str, str]:
    """Each agreement's id and status."""
    answer = client.get("/api/v1/baas")
    assert answer.status_code == 200, answer.text
    return {b["id"]: b["status"] for b in answer.json()["items"]}


def record(client: httpx.Client, **fields: str) -> httpx.Response:
    form = {
        "kind": "transcription",
        "counterparty": "Example Transcription LLC",
        "effective_on": "2026-01-01",
    }
    return client.post("/baas", data={**form, **fields, "csrf_token": csrf(client)})


def test_the_page_renders_for_a_compliance_officer(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people(OFFICER)) as client:
        page = client.get("/baas")
        assert page.status_code == 200
        assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert page.headers["cache-control"] == "no-store"
        assert '<a href="/baas"' in page.text
        assert "Covered entity (the clinic)" in page.text and "in force" in page.text


@pytest.mark.parametrize("role", ["agent", "admin"])
def test_others_get_the_403_page_and_no_menu_entry(
    live: Live, people: PersonFactory, role: str
) -> None:
    with signed_in_client(live, people(role)) as client:
        page = client.get("/baas")
        assert page.status_code == 403
        assert page.headers["content-type"].startswith("text/html")
        assert record(client).status_code == 403
        assert 'href="/baas"' not in client.get("/account/password").text


def test_an_agreement_is_recorded_activated_on_its_hash_and_terminated(
    live: Live, people: PersonFactory
) -> None:
    with signed_in_client(live, people(OFFICER)) as client:
        before = baa_ids(client)
        recorded = record(client)
        assert recorded.status_code == 303
        assert recorded.headers["location"] == "/baas?notice=recorded"
        [baa_id] = set(baa_ids(client)) - set(before)
        assert f'data-baa="{baa_id}" data-status="draft"' in client.get("/baas").text

        token = csrf(client)
        refused = client.post("/baas/activate", data={"baa_id": baa_id, "csrf_token": token})
        assert refused.status_code == 422
        assert "document_sha256" in refused.text
        assert baa_ids(client)[baa_id] == "draft"

        activated = client.post(
            "/baas/activate",
            data={"baa_id": baa_id, "document_sha256": DOCUMENT_HASH, "csrf_token": token},
        )
        assert activated.headers["location"] == "/baas?notice=activated"
        shown = client.get(f"/api/v1/baas/{baa_id}").json()
        assert (shown["status"], shown["document_sha256"]) == ("active", DOCUMENT_HASH.lower())

        ended = client.post("/baas/terminate", data={"baa_id": baa_id, "csrf_token": token})
        assert ended.headers["location"] == "/baas?notice=terminated"
        again = client.post("/baas/terminate", data={"baa_id": baa_id, "csrf_token": token})
        assert again.status_code == 409 and 'id="refusal"' in again.text


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"counterparty": ""}, "counterparty"),
        ({"kind": "printer"}, "kind"),
        ({"effective_on": "someday"}, "effective_on"),
        ({"document_sha256": "abc"}, "document_sha256"),
        ({"ends_on": "2025-01-01"}, "ends_on"),
    ],
)
def test_bad_input_shows_the_form_again_and_records_nothing(
    live: Live, people: PersonFactory, fields: dict[str, str], field: str
) -> None:
    with signed_in_client(live, people(OFFICER)) as client:
        before = baa_ids(client)
        page = record(client, **fields)
        assert page.status_code == 422, page.text
        assert re.search(f'id="{field}-error"', page.text)
        assert baa_ids(client) == before


def test_forms_without_their_csrf_token_change_nothing(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people(OFFICER)) as client:
        before = baa_ids(client)
        form = {"kind": "siem", "counterparty": "Example SIEM", "effective_on": "2026-01-01"}
        assert client.post("/baas", data=form).status_code == 403
        [covered] = [i for i, s in before.items() if s == "active"]
        assert client.post("/baas/terminate", data={"baa_id": covered}).status_code == 403
        assert baa_ids(client) == before
