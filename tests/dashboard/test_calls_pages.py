"""The calls pages over HTTP (no browser): bad filter input, the caller-number rule,
the page headers, refusals as 403 pages, the filters, the redacted transcript escaped,
and re-running a failed job (its permission and its audit event)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.cli.vault import open_keyring
from callvault.dashboard.calls import Segment, transcript_segments
from callvault.dashboard.rendering import CONTENT_SECURITY_POLICY
from callvault.jobs.models import RecordingJob
from tests.dashboard._calls import (
    api_session,
    create_call,
    fail_job,
    integration_headers,
    put_recording,
    put_transcript,
)
from tests.dashboard.conftest import Live, PersonFactory
from tests.pipeline._helpers import add_custom_role


@pytest.fixture(scope="module")
def calls(live: Live) -> dict[str, str]:
    headers = integration_headers(live.settings)
    with live.client() as client:
        spring = create_call(client, headers, started_at="2026-03-02T14:00:00Z")
        autumn = create_call(
            client,
            headers,
            caller_number="+12025550188",
            tracking_number="+12025550122",
            campaign="autumn-recall",
            direction="outbound",
            disposition="voicemail",
            started_at="2026-03-05T09:00:00Z",
            ended_at="2026-03-05T09:02:00Z",
        )
        put_transcript(client, headers, spring, "hello <b>bold</b> this is Quinn Fictional")
        put_recording(client, headers, autumn)
    fail_job(live.settings, autumn)
    return {"spring": spring, "autumn": autumn}


def row_ids(html: str) -> list[str]:
    return re.findall(r'<a href="/calls/([A-Za-z0-9_-]+)">', html)


def test_bad_filter_input_re_renders_the_page_with_messages(
    live: Live, people: PersonFactory, calls: dict[str, str]
) -> None:
    with api_session(live, people("supervisor")) as signed_in:
        client = signed_in.client
        page = client.get(
            "/calls",
            params={
                "from": "last tuesday",
                "tracking": "not-a-number",
                "direction": "sideways",
                "state": "exploded",
                "limit": "0",
            },
        )
        cursor = client.get("/calls", params={"cursor": "bm90LW91cnM"})
        backwards = client.get("/calls", params={"from": "2026-03-05", "to": "2026-03-01"})
        huge = client.get("/calls", params={"campaign": "x" * 500})
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    for message in (
        "From is not a date",
        "Tracking number is not a phone number",
        "Direction must be one of",
        "Processing state must be one of",
        "The page size must be",
    ):
        assert message in page.text
    assert 'role="alert"' in page.text
    assert 'value="last tuesday"' in page.text  # the form keeps what was typed
    assert row_ids(page.text) == []
    assert cursor.status_code == 400 and "not one this server made" in cursor.text
    assert backwards.status_code == 400 and "To is before From" in backwards.text
    assert huge.status_code == 400 and "longer than 100" in huge.text


def test_the_filters_narrow_the_table(
    live: Live, people: PersonFactory, calls: dict[str, str]
) -> None:
    with api_session(live, people("supervisor")) as signed_in:
        client = signed_in.client
        every = row_ids(client.get("/calls").text)
        by_campaign = row_ids(client.get("/calls", params={"campaign": "autumn-recall"}).text)
        by_direction = row_ids(client.get("/calls", params={"direction": "inbound"}).text)
        by_tracking = row_ids(client.get("/calls", params={"tracking": "(202) 555-0122"}).text)
        by_disposition = row_ids(client.get("/calls", params={"disposition": "voicemail"}).text)
        by_state = row_ids(client.get("/calls", params={"state": "failed"}).text)
        by_dates = row_ids(
            client.get("/calls", params={"from": "2026-03-01", "to": "2026-03-02"}).text
        )
        by_caller = row_ids(client.get("/calls", params={"caller": "202-555-0188"}).text)
    assert set(every) == set(calls.values())
    assert (
        by_campaign == by_tracking == by_disposition == by_state == by_caller == [calls["autumn"]]
    )
    assert by_direction == by_dates == [calls["spring"]]


def test_paging_carries_the_filters_and_the_cursor(
    live: Live, people: PersonFactory, calls: dict[str, str]
) -> None:
    with api_session(live, people("supervisor")) as signed_in:
        client = signed_in.client
        first = client.get("/calls", params={"limit": "1", "from": "2026-01-01"})
        found = re.search(r'<a href="([^"]+)" rel="next">', first.text)
        assert found is not None
        href = found.group(1).replace("&amp;", "&")
        assert "from=2026-01-01" in href and "limit=1" in href and "cursor=" in href
        second = client.get(href)
    assert row_ids(first.text) == [calls["autumn"]]
    assert row_ids(second.text) == [calls["spring"]]
    assert 'rel="next"' not in second.text


def test_only_a_user_with_call_read_phi_gets_the_caller_search(
    live: Live, people: PersonFactory, calls: dict[str, str]
) -> None:
    with api_session(live, people("marketing")) as signed_in:
        client = signed_in.client
        plain = client.get("/calls")
        searched = client.get("/calls", params={"caller": "+12025550147"})
        empty = client.get("/calls", params={"caller": ""})
    assert plain.status_code == 200 and 'name="caller"' not in plain.text
    assert searched.status_code == 403
    assert searched.headers["content-type"].startswith("text/html")
    assert "<h1>" in searched.text and "call:read_phi" in searched.text
    assert empty.status_code == 200


def test_the_calls_pages_carry_the_policy_and_no_store(
    live: Live, people: PersonFactory, calls: dict[str, str]
) -> None:
    with api_session(live, people("supervisor")) as signed_in:
        client = signed_in.client
        pages = [
            client.get("/calls"),
            client.get(f"/calls/{calls['spring']}"),
            client.get("/calls", params={"from": "nope"}),
            client.get(f"/calls/{calls['spring']}/transcript/original"),  # a 403 page
        ]
    assert [p.status_code for p in pages] == [200, 200, 400, 403]
    for page in pages:
        assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert page.headers["cache-control"] == "no-store"
        assert "<script>" not in page.text and " style=" not in page.text


def test_a_role_without_call_read_gets_403_pages(
    live: Live, people: PersonFactory, calls: dict[str, str]
) -> None:
    with api_session(live, people("compliance_officer")) as signed_in:
        client = signed_in.client
        table = client.get("/calls")
        one = client.get(f"/calls/{calls['spring']}")
    for page in (table, one):
        assert page.status_code == 403
        assert page.headers["content-type"].startswith("text/html")
        assert "<h1>" in page.text and "call:read" in page.text


def test_the_transcript_is_escaped_and_its_redactions_marked(
    live: Live, people: PersonFactory, calls: dict[str, str]
) -> None:
    with api_session(live, people("supervisor")) as signed_in:
        client = signed_in.client
        page = client.get(f"/calls/{calls['spring']}")
    assert page.status_code == 200
    transcript = page.text.split('id="transcript"', 1)[1].split("</div>", 1)[0]
    assert "&lt;b&gt;bold&lt;/b&gt;" in transcript and "<b>" not in transcript
    assert '<mark data-label="NAME">[NAME]</mark>' in transcript
    assert "Quinn" not in transcript


def test_transcript_segments_follow_the_spans() -> None:
    document = {
        "text": "hi [NAME], born [DATE].",
        "spans": [
            {"start": 16, "end": 22, "label": "DATE"},
            {"start": 3, "end": 9, "label": "NAME"},
        ],
    }
    assert transcript_segments(document) == [
        Segment("hi "),
        Segment("[NAME]", "NAME"),
        Segment(", born "),
        Segment("[DATE]", "DATE"),
        Segment("."),
    ]
    broken = {"text": "short", "spans": [{"start": 2, "end": 99, "label": "NAME"}]}
    assert transcript_segments(broken) == [Segment("short")]


def test_a_failed_job_is_re_run_by_a_user_who_may_upload_recordings(
    live: Live, people: PersonFactory, calls: dict[str, str]
) -> None:
    call_id = calls["autumn"]
    add_custom_role(live.settings, "calls-ops", ["call:read", "recording:upload", "session:self"])
    with api_session(live, people("supervisor")) as signed_in:
        client = signed_in.client
        page = client.get(f"/calls/{call_id}")
        refused = client.post(f"/calls/{call_id}/rerun", data={"csrf_token": signed_in.csrf_token})
    assert "Re-run" not in page.text and "failed" in page.text
    assert refused.status_code == 403
    with api_session(live, people("calls-ops")) as signed_in:
        client = signed_in.client
        page = client.get(f"/calls/{call_id}")
        no_csrf = client.post(f"/calls/{call_id}/rerun", data={"csrf_token": "wrong"})
        rerun = client.post(f"/calls/{call_id}/rerun", data={"csrf_token": signed_in.csrf_token})
        again = client.post(f"/calls/{call_id}/rerun", data={"csrf_token": signed_in.csrf_token})
        assert rerun.status_code == 303, (rerun.status_code, rerun.text)
        after = client.get(rerun.headers["location"])
    assert "Re-run the recording job" in page.text
    assert no_csrf.status_code == 403
    assert rerun.status_code == 303 and rerun.headers["location"] == f"/calls/{call_id}?done=rerun"
    assert again.status_code == 409  # pending now, not failed
    assert "queued again" in after.text
    with open_keyring(live.settings) as (session, _):
        job = session.execute(
            select(RecordingJob).where(RecordingJob.call_id == call_id)
        ).scalar_one()
        outcomes = session.execute(
            select(AuditEvent.outcome).where(
                AuditEvent.action == "recording:rerun", AuditEvent.resource_id == call_id
            )
        ).scalars()
        assert (job.state, job.attempts, job.reason) == ("pending", 0, None)
        assert sorted(outcomes) == ["allowed", "denied"]


def test_the_call_page_shows_its_consent_and_paused_stretches(
    live: Live, people: PersonFactory
) -> None:
    headers = integration_headers(live.settings)
    with live.client() as client:
        paused = create_call(
            client,
            headers,
            consent="announced",
            recording_pauses=[{"start": 65.5, "end": 70}, {"start": 3, "end": 4.25}],
        )
        needs_consent = create_call(client, headers, caller_number="+13105550101")
    with api_session(live, people("agent")) as signed_in:
        first = signed_in.client.get(f"/calls/{paused}")
        second = signed_in.client.get(f"/calls/{needs_consent}")
    consent = first.text.split('id="consent"', 1)[1].split("</dl>", 1)[0]
    assert "announced: a recording disclosure was played" in consent
    assert re.findall(r"<li>([^<]*)</li>", consent) == ["0:03.00 to 0:04.25", "1:05.50 to 1:10.00"]
    assert "required, none recorded" in second.text
    assert "never" in second.text.split('id="consent"', 1)[1].split("</dl>", 1)[0]
