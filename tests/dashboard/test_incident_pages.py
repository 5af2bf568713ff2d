"""The incident pages over HTTP: the list with the days left on each clock, an incident
opened, scoped by an actor, its counts per State (no numbers), a notice and a note on
the timeline, the evidence download, closing. The compliance officer's: an agent gets
the 403 page and no menu entry; bad input or a missing CSRF token changes nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.dashboard._calls import create_call, integration_headers
from tests.dashboard.admin_support import csrf
from tests.dashboard.conftest import Live, PersonFactory, signed_in_client

OFFICER = "compliance_officer"


def incident_ids(client: httpx.Client) -> set[str]:
    return set(re.findall(r'data-incident="([^"]+)"', client.get("/incidents").text))


def post(client: httpx.Client, path: str, **fields: str) -> httpx.Response:
    return client.post(path, data={**fields, "csrf_token": csrf(client)})


def open_incident(client: httpx.Client, discovered_on: str) -> str:
    answer = post(
        client, "/incidents", title="Synthetic stolen tablet", discovered_on=discovered_on
    )
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.endswith("?notice=created")
    return location.split("/")[2].split("?")[0]


def test_an_agent_gets_the_403_page_and_no_menu_entry(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people("agent")) as client:
        assert client.get("/incidents").status_code == 403
        form = {"title": "t", "discovered_on": "2026-03-10", "csrf_token": csrf(client)}
        assert client.post("/incidents", data=form).status_code == 403
        assert 'href="/incidents"' not in client.get("/calls").text


@pytest.mark.parametrize(
    ("title", "discovered_on", "field"),
    [
        ("Synthetic", "FUTURE", "discovered_on"),
        ("Synthetic", "not a date", "discovered_on"),
        ("", "2026-03-10", "title"),
    ],
)
def test_a_bad_incident_shows_the_form_again_and_opens_nothing(
    live: Live, people: PersonFactory, title: str, discovered_on: str, field: str
) -> None:
    if discovered_on == "FUTURE":
        discovered_on = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
    with signed_in_client(live, people(OFFICER)) as client:
        before = incident_ids(client)
        answer = post(client, "/incidents", title=title, discovered_on=discovered_on)
        assert answer.status_code == 422
        assert f'id="{field}-error"' in answer.text
        assert post(client, "/incidents", title="x", discovered_on="2026-03-10").status_code == 303
        assert (
            client.post(
                "/incidents", data={"title": "x", "discovered_on": "2026-03-10"}
            ).status_code
            == 403
        )
        assert len(incident_ids(client)) == len(before) + 1


def test_an_incident_is_opened_scoped_documented_exported_and_closed(
    live: Live, people: PersonFactory
) -> None:
    with live.client() as api:
        call_id = create_call(api, integration_headers(live.settings))  # a DC number
    reader = people("supervisor")
    with signed_in_client(live, reader) as client:
        assert client.get(f"/api/v1/calls/{call_id}").status_code == 200

    discovered = datetime.now(UTC).date() - timedelta(days=5)
    with signed_in_client(live, people(OFFICER)) as client:
        incident_id = open_incident(client, discovered.isoformat())
        listed = client.get("/incidents").text
        assert re.search(rf'data-incident="{incident_id}".*?<td>55</td>', listed, re.S)

        page = f"/incidents/{incident_id}"
        bad = post(client, f"{page}/scope", network="10.1.0.0/33")
        assert bad.status_code == 422 and 'id="network-error"' in bad.text
        bad = post(client, f"{page}/scope", since="2026-03-02T10:00", until="2026-03-01T10:00")
        assert bad.status_code == 422 and 'id="scope-error"' in bad.text
        assert post(client, f"{page}/scope", actor_id=reader.id).status_code == 303
        shown = client.get(page).text
        assert "<strong>1</strong> affected individuals" in shown
        assert "<td>District of Columbia</td><td>1</td>" in shown
        assert "5550147" not in shown and "555-0147" not in shown
        assert 'data-duty="secretary_annual_log"' in shown

        sent_on = discovered.isoformat()
        done = post(client, f"{page}/timeline", kind="notice", duty="individuals", sent_on=sent_on)
        assert done.status_code == 303
        refused = post(client, f"{page}/timeline", kind="notice", duty="media", sent_on=sent_on)
        assert refused.status_code == 422 and 'id="timeline-error"' in refused.text
        assert (
            post(client, f"{page}/timeline", kind="note", note="Synthetic note").status_code == 303
        )

        evidence = client.get(f"{page}/evidence")
        assert evidence.status_code == 200
        assert "attachment" in evidence.headers["content-disposition"]
        assert [e["event"]["resource_id"] for e in evidence.json()["events"]] == [call_id]

        assert post(client, f"{page}/close").status_code == 303
        closed = client.get(page).text
        kinds = re.findall(r'data-kind="([^"]+)"', closed)
        assert kinds == [
            "created",
            "scope_computed",
            "notice",
            "note",
            "evidence_exported",
            "closed",
        ]
        assert 'id="scope-form"' not in closed
        again = post(client, f"{page}/close")
        assert again.status_code == 409 and "closed" in again.text
