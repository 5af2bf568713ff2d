"""The Exports pages over HTTP: a supervisor asks through the form (after a step-up),
a compliance officer approves on the queue, the jobs process's builder seals it, and
the supervisor downloads it once through the page's button. The requester cannot
approve their own; an agent gets the 403 page and no menu entry; bad input shows the
form again and stores nothing."""

from __future__ import annotations

import io
import json
import re
import zipfile

import httpx

from callvault.lifecycle.bundle import open_bundle
from tests.dashboard._calls import create_call, integration_headers
from tests.dashboard.admin_support import csrf, next_code
from tests.dashboard.conftest import Live, Person, PersonFactory, signed_in_client
from tests.lifecycle._lifecycle import build_exports

PASSPHRASE = "a synthetic page passphrase"
FORM = {
    "reason": "Synthetic review of the spring campaign",
    "recipient_name": "Example Review Partners (synthetic)",
    "recipient_id": "reviewer-204",
    "since": "2026-04-01",
    "until": "2026-04-30",
    "parts": "transcripts",
    "passphrase": PASSPHRASE,
}


def step_up(client: httpx.Client, person: Person, back: str) -> None:
    done = client.post(
        "/account/step-up",
        data={"code": next_code(person), "next": back, "csrf_token": csrf(client)},
    )
    assert done.status_code == 303, done.text


def export_ids(page: httpx.Response) -> list[str]:
    return re.findall(r'data-export="([^"]+)"', page.text)


def ask(client: httpx.Client, **changes: str) -> httpx.Response:
    return client.post("/exports", data={**FORM, **changes, "csrf_token": csrf(client)})


def test_ask_approve_and_download_once_through_the_pages(live: Live, people: PersonFactory) -> None:
    with live.client() as api:
        call_id = create_call(
            api,
            integration_headers(live.settings),
            started_at="2026-04-10T09:00:00Z",
            ended_at="2026-04-10T09:00:00Z",
        )
    supervisor, officer = people("supervisor"), people("compliance_officer")
    with signed_in_client(live, supervisor) as asker:
        assert '<a href="/exports"' in asker.get("/calls").text
        step_up(asker, supervisor, "/exports")
        asked = ask(asker)
        assert asked.status_code == 303, asked.text
        page = asker.get("/exports?notice=requested")
        [export_id] = export_ids(page)
        assert "second person" in page.text and "pending" in page.text

        with signed_in_client(live, officer) as approver:
            step_up(approver, officer, "/exports/queue")
            queue = approver.get("/exports/queue")
            assert export_id in export_ids(queue)
            assert "since: 2026-04-01T00:00:00+00:00" in queue.text  # what is approved
            token = csrf(approver)
            approved = approver.post(
                "/exports/approve", data={"export_id": export_id, "csrf_token": token}
            )
            assert approved.status_code == 303, approved.text

        build_exports(live.settings)
        assert "Download (once)" in asker.get("/exports").text
        linked = asker.post(
            "/exports/download", data={"export_id": export_id, "csrf_token": csrf(asker)}
        )
        assert linked.status_code == 303, linked.text
        first, second = asker.get(linked.headers["location"]), asker.get(linked.headers["location"])

    assert first.status_code == 200 and second.status_code == 410
    opened = zipfile.ZipFile(io.BytesIO(open_bundle(first.content, PASSPHRASE)))
    manifest = json.loads(opened.read("manifest.json"))
    assert manifest["calls"] == [call_id]
    assert manifest["recipient"]["id"] == "reviewer-204"


def test_the_requester_cannot_approve_on_the_queue(live: Live, people: PersonFactory) -> None:
    with live.client() as api:
        create_call(
            api,
            integration_headers(live.settings),
            started_at="2026-04-11T09:00:00Z",
            ended_at="2026-04-11T09:00:00Z",
        )
    both = people("supervisor", "compliance_officer")
    with signed_in_client(live, both) as client:
        step_up(client, both, "/exports")
        assert ask(client).status_code == 303
        [export_id, *_] = export_ids(client.get("/exports"))

        refused = client.post(
            "/exports/approve", data={"export_id": export_id, "csrf_token": csrf(client)}
        )

        assert refused.status_code == 403
        assert "second person must approve" in refused.text
        assert "pending" in client.get("/exports").text


def test_an_agent_gets_the_403_page_and_no_menu_entry(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people("agent")) as client:
        for path in ("/exports", "/exports/queue"):
            assert client.get(path).status_code == 403, path
        assert client.post("/exports", data={**FORM, "csrf_token": csrf(client)}).status_code == 403
        calls = client.get("/calls")
        assert 'href="/exports' not in calls.text


def test_bad_input_shows_the_form_again_and_stores_nothing(
    live: Live, people: PersonFactory
) -> None:
    supervisor = people("supervisor")
    with signed_in_client(live, supervisor) as client:
        step_up(client, supervisor, "/exports")
        before = export_ids(client.get("/exports"))

        short = ask(client, passphrase="short")
        no_filter = ask(client, since="", until="")
        not_a_day = ask(client, since="April")

        assert short.status_code == 422 and 'id="passphrase-error"' in short.text
        assert (
            PASSPHRASE not in short.text
            and "short" not in short.text.split("<main")[-1].split('name="passphrase"')[1][:80]
        )
        assert no_filter.status_code == 422 and "at least one of" in no_filter.text
        assert not_a_day.status_code == 422 and 'id="since-error"' in not_a_day.text
        assert export_ids(client.get("/exports")) == before
