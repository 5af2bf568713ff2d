"""The lifecycle pages over HTTP: retention (a change that deletes sooner waits for a
second person, after a step-up), legal holds (placed, listed, released, exported) and
the shred form on a call's page (refused under a hold, works after a step-up). Each is
the compliance officer's: an agent gets the 403 page and sees no menu entry; a form
without its CSRF token, or with bad input, changes nothing."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from callvault.dashboard.call_shred import CHOOSE, CONFIRM
from callvault.dashboard.rendering import CONTENT_SECURITY_POLICY
from callvault.lifecycle.manual import HELD
from tests._phi import shows_a_number
from tests.dashboard._calls import create_call, integration_headers
from tests.dashboard.admin_support import csrf, next_code
from tests.dashboard.conftest import Live, Person, PersonFactory, signed_in_client

OFFICER = "compliance_officer"
KEEP_ALL = {
    "recording_original": "keep",
    "recording_scrubbed": "keep",
    "transcript_original": "keep",
    "transcript_redacted": "keep",
    "call_phi": "keep",
    "call_metadata": "keep",
    "export": "keep",
}


def periods(client: httpx.Client) -> dict[str, Any]:
    answer = client.get("/api/v1/retention")
    assert answer.status_code == 200, answer.text
    return dict(answer.json()["periods"])


def change_ids(page: httpx.Response) -> set[str]:
    return set(re.findall(r'data-change="([^"]+)"', page.text))


def hold_ids(client: httpx.Client, status: str = "all") -> set[str]:
    answer = client.get("/api/v1/holds", params={"status": status})
    assert answer.status_code == 200, answer.text
    return {h["id"] for h in answer.json()["items"]}


def step_up(client: httpx.Client, person: Person, back: str) -> None:
    """Through the step-up page, as the redirect of a refused form leads there."""
    done = client.post(
        "/account/step-up",
        data={"code": next_code(person), "next": back, "csrf_token": csrf(client)},
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == back


def save_periods(client: httpx.Client, **changes: str) -> httpx.Response:
    return client.post(
        "/retention", data={**current_form(client), **changes, "csrf_token": csrf(client)}
    )


def current_form(client: httpx.Client) -> dict[str, str]:
    return {name: "keep" if days is None else str(days) for name, days in periods(client).items()}


def place_hold(client: httpx.Client, **fields: str) -> httpx.Response:
    form = {"reason": "Litigation notice received", "matter": "Doe v. Clinic, 26-0117"}
    return client.post("/holds", data={**form, **fields, "csrf_token": csrf(client)})


# -- who sees what -------------------------------------------------------------------


def test_the_pages_render_for_a_compliance_officer(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people(OFFICER)) as client:
        for path in ("/retention", "/holds", "/holds?status=released", "/holds?status=all"):
            page = client.get(path)
            assert page.status_code == 200, path
            assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
            assert page.headers["cache-control"] == "no-store"
            assert '<a href="/retention"' in page.text
            assert '<a href="/holds"' in page.text
        assert 'name="recording_original"' in client.get("/retention").text


def test_an_agent_gets_the_403_page_and_no_menu_entry(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people("agent")) as client:
        for path in ("/retention", "/holds", "/holds/export"):
            page = client.get(path)
            assert page.status_code == 403, path
            assert page.headers["content-type"].startswith("text/html")
        token = csrf(client)
        assert client.post("/retention", data={**KEEP_ALL, "csrf_token": token}).status_code == 403
        assert client.post("/holds", data={"csrf_token": token}).status_code == 403
        calls = client.get("/calls")
        assert calls.status_code == 200
        assert 'href="/retention"' not in calls.text
        assert 'href="/holds"' not in calls.text


def test_forms_without_their_csrf_token_are_refused_and_change_nothing(
    live: Live, people: PersonFactory
) -> None:
    with signed_in_client(live, people(OFFICER)) as client:
        before, holds_before = periods(client), hold_ids(client)
        form = {**KEEP_ALL, "recording_original": "3650"}
        assert client.post("/retention", data=form).status_code == 403
        wrong = {**form, "csrf_token": "not-the-token"}
        assert client.post("/retention", data=wrong).status_code == 403
        hold = {"reason": "r", "matter": "m", "covers": "campaign", "campaign": "spring-checkups"}
        assert client.post("/holds", data=hold).status_code == 403
        assert periods(client) == before
        assert hold_ids(client) == holds_before


# -- retention -----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["-5", "ten", "0", "36501", "1.5", "30 days"])
def test_a_period_that_is_not_one_shows_the_form_again_and_changes_nothing(
    live: Live, people: PersonFactory, typed: str
) -> None:
    with signed_in_client(live, people(OFFICER)) as client:
        before = periods(client)
        pending_before = change_ids(client.get("/retention"))
        page = save_periods(client, transcript_redacted=typed)
        assert page.status_code == 422
        assert 'id="transcript_redacted-error"' in page.text
        assert "whole number of days" in page.text
        assert f'value="{typed}"' in page.text  # what was typed, to correct
        assert periods(client) == before
        assert change_ids(client.get("/retention")) == pending_before


def test_a_shorter_period_needs_a_step_up_and_a_second_persons_approval(
    live: Live, people: PersonFactory
) -> None:
    asker, approver = people(OFFICER), people(OFFICER)
    with signed_in_client(live, asker) as client:
        before = periods(client)
        days = str((before["recording_original"] or 400) - 1)  # sooner than now
        refused = save_periods(client, recording_original=days)
        assert refused.status_code == 303
        assert refused.headers["location"] == "/account/step-up?next=/retention"
        step_up(client, asker, "/retention")
        pending_before = change_ids(client.get("/retention"))

        filed = save_periods(client, recording_original=days)
        assert filed.status_code == 303
        assert filed.headers["location"] == "/retention?notice=pending"
        page = client.get(filed.headers["location"])
        assert "waits for a second person" in page.text
        [change_id] = change_ids(page) - pending_before
        assert periods(client) == before  # not yet

        own = client.post(
            "/retention/approve", data={"change_id": change_id, "csrf_token": csrf(client)}
        )
        assert own.status_code == 403
        assert "a second person must approve" in own.text
        assert periods(client) == before

    with signed_in_client(live, approver) as client:
        asked = client.post(
            "/retention/approve", data={"change_id": change_id, "csrf_token": csrf(client)}
        )
        assert asked.headers["location"] == "/account/step-up?next=/retention"
        step_up(client, approver, "/retention")
        approved = client.post(
            "/retention/approve", data={"change_id": change_id, "csrf_token": csrf(client)}
        )
        assert approved.status_code == 303
        assert approved.headers["location"] == "/retention?notice=approved"
        assert periods(client)["recording_original"] == int(days)
        assert change_id not in change_ids(client.get("/retention"))

        # Keeping longer applies at once.
        longer = save_periods(client, recording_original=str(int(days) + 10))
        assert longer.headers["location"] == "/retention?notice=applied"
        assert periods(client)["recording_original"] == int(days) + 10
        again = client.post(
            "/retention/approve", data={"change_id": change_id, "csrf_token": csrf(client)}
        )
        assert again.status_code == 409
        assert "approved, not pending" in again.text


def test_a_pending_change_can_be_withdrawn(live: Live, people: PersonFactory) -> None:
    officer = people(OFFICER)
    with signed_in_client(live, officer) as client:
        step_up(client, officer, "/retention")
        before = periods(client)
        pending_before = change_ids(client.get("/retention"))
        filed = save_periods(client, export="7")
        assert filed.headers["location"] == "/retention?notice=pending"
        [change_id] = change_ids(client.get("/retention")) - pending_before
        withdrawn = client.post(
            "/retention/withdraw", data={"change_id": change_id, "csrf_token": csrf(client)}
        )
        assert withdrawn.headers["location"] == "/retention?notice=withdrawn"
        assert change_id not in change_ids(client.get("/retention"))
        assert periods(client) == before


# -- legal holds ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "status"),
    [
        ({"covers": "campaign", "campaign": "x", "matter": ""}, "matter", 422),
        ({"covers": "campaign", "campaign": "x", "reason": "  "}, "reason", 422),
        ({"covers": "caller", "caller_number": "12"}, "caller_number", 422),
        ({"covers": "caller", "caller_number": ""}, "caller_number", 422),
        ({"covers": "date_range", "since": "2026-03-05", "until": ""}, "until", 422),
        ({"covers": "date_range", "since": "2026-03-05", "until": "2026-03-01"}, "since", 422),
        ({"covers": "everything"}, "covers", 422),
        ({"covers": "call", "call_id": "no-such-call"}, "call_id", 404),
    ],
)
def test_a_hold_that_is_not_valid_shows_the_form_again_and_places_nothing(
    live: Live, people: PersonFactory, fields: dict[str, str], field: str, status: int
) -> None:
    with signed_in_client(live, people(OFFICER)) as client:
        before = hold_ids(client)
        page = place_hold(client, **fields)
        assert page.status_code == status, page.text
        assert f'id="{field}-error"' in page.text
        assert hold_ids(client) == before


def test_a_hold_is_placed_listed_exported_and_released(live: Live, people: PersonFactory) -> None:
    with live.client() as api:
        call_id = create_call(api, integration_headers(live.settings))
    with signed_in_client(live, people(OFFICER)) as client:
        before = hold_ids(client)
        placed = place_hold(client, covers="call", call_id=call_id)
        assert placed.status_code == 303
        assert placed.headers["location"] == "/holds?notice=placed"
        [hold_id] = hold_ids(client, "active") - before
        page = client.get("/holds")
        assert f'data-hold="{hold_id}"' in page.text
        assert call_id in page.text

        export = client.get("/holds/export")
        assert export.status_code == 200
        assert export.headers["content-disposition"].startswith("attachment;")
        [exported] = [h for h in export.json()["holds"] if h["id"] == hold_id]
        assert [c["id"] for c in exported["calls"]] == [call_id]
        assert not shows_a_number(export.text)  # no caller numbers for counsel

        released = client.post(
            "/holds/release", data={"hold_id": hold_id, "csrf_token": csrf(client)}
        )
        assert released.headers["location"] == "/holds?notice=released"
        assert hold_id in hold_ids(client, "released")
        assert f'data-hold="{hold_id}"' not in client.get("/holds").text
        assert f'data-hold="{hold_id}"' in client.get("/holds?status=released").text
        again = client.post("/holds/release", data={"hold_id": hold_id, "csrf_token": csrf(client)})
        assert again.status_code == 409
        assert "already released" in again.text


def test_a_caller_and_a_date_range_hold_are_placed(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people(OFFICER)) as client:
        before = hold_ids(client)
        by_caller = place_hold(client, covers="caller", caller_number="(202) 555-0163")
        by_dates = place_hold(client, covers="date_range", since="2026-03-01", until="2026-03-01")
        assert by_caller.status_code == by_dates.status_code == 303
        new = client.get("/api/v1/holds").json()["items"]
        placed = {h["covers"]: h for h in new if h["id"] not in before}
        assert placed["caller"]["caller"] is True
        assert placed["date_range"]["since"].startswith("2026-03-01T00:00:00")
        assert placed["date_range"]["until"].startswith("2026-03-01T23:59:59")
        assert "555-0163" not in client.get("/holds").text  # the number is not kept
        for hold in placed.values():
            client.post("/holds/release", data={"hold_id": hold["id"], "csrf_token": csrf(client)})


def test_a_bad_status_filter_is_a_clear_page(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people(OFFICER)) as client:
        page = client.get("/holds", params={"status": "lost"})
    assert page.status_code == 422
    assert "status must be active, released or all" in page.text


# -- the shred form on a call's page ---------------------------------------------------


def shred(client: httpx.Client, call_id: str, **fields: Any) -> httpx.Response:
    form = {"data_types": ["call_phi"], "confirm": "yes", **fields, "csrf_token": csrf(client)}
    return client.post(f"/calls/{call_id}/shred", data=form)


def test_the_call_page_is_unchanged_for_a_supervisor(live: Live, people: PersonFactory) -> None:
    with live.client() as api:
        call_id = create_call(api, integration_headers(live.settings))
    with signed_in_client(live, people(OFFICER, "supervisor")) as client:
        place_hold(client, covers="call", call_id=call_id)
    with signed_in_client(live, people("supervisor")) as client:
        page = client.get(f"/calls/{call_id}")
        assert page.status_code == 200
        assert "Legal hold" not in page.text
        assert "/shred" not in page.text
        assert shred(client, call_id).status_code == 403


def test_shred_is_refused_under_a_hold_and_works_after_a_step_up(
    live: Live, people: PersonFactory
) -> None:
    with live.client() as api:
        call_id = create_call(api, integration_headers(live.settings))
    officer = people(OFFICER, "supervisor")  # call:read to open the call's page
    with signed_in_client(live, officer) as client:
        page = client.get(f"/calls/{call_id}")
        assert 'action="/calls/' + call_id + '/shred"' in page.text
        assert 'id="legal-hold"' not in page.text

        asked = shred(client, call_id)
        assert asked.headers["location"] == f"/account/step-up?next=/calls/{call_id}"
        step_up(client, officer, f"/calls/{call_id}")

        for bad, message in (({"data_types": []}, CHOOSE), ({"confirm": ""}, CONFIRM)):
            refused = shred(client, call_id, **bad)
            assert refused.status_code == 422
            assert message in refused.text

        place_hold(client, covers="call", call_id=call_id)
        [hold_id] = [
            h["id"] for h in client.get("/api/v1/holds").json()["items"] if h["call_id"] == call_id
        ]
        page = client.get(f"/calls/{call_id}")
        assert 'id="legal-hold"' in page.text
        assert 'id="shred-refused"' in page.text
        held = shred(client, call_id)
        assert held.status_code == 409
        assert HELD in held.text
        assert client.get(f"/api/v1/calls/{call_id}").json()["caller_name"] == "Quinn Fictional"

        client.post("/holds/release", data={"hold_id": hold_id, "csrf_token": csrf(client)})
        done = shred(client, call_id)
        assert done.status_code == 200, done.text
        assert 'id="certificates"' in done.text
        assert client.get(f"/api/v1/calls/{call_id}").json().get("caller_name") is None
