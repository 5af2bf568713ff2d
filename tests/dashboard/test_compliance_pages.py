"""The Compliance page over HTTP: every check with its badge, evidence and section for
the compliance officer and the admin (others get the 403 page and no menu entry); a
training completion recorded through its form; bad input and another tenant's user
change nothing; the lapse banner of a tenant that requires training."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import httpx
import pytest

from callvault.dashboard.rendering import CONTENT_SECURITY_POLICY
from callvault.db.base import utcnow
from tests._vault import TENANT_B
from tests.dashboard.admin_support import csrf
from tests.dashboard.conftest import Live, Person, PersonFactory, signed_in_client

OFFICER = "compliance_officer"
COURSE = "Annual HIPAA workforce course"


def record(client: httpx.Client, user_id: str, completed_on: date) -> httpx.Response:
    form = {"user_id": user_id, "course": COURSE, "completed_on": completed_on.isoformat()}
    return client.post("/compliance/training", data={**form, "csrf_token": csrf(client)})


def records_of(client: httpx.Client, user_id: str) -> list[dict[str, str]]:
    answer = client.get(f"/api/v1/training/users/{user_id}")
    assert answer.status_code == 200, answer.text
    records: list[dict[str, str]] = answer.json()["records"]
    return records


@pytest.mark.parametrize("role", [OFFICER, "admin"])
def test_the_page_lists_every_check_with_its_badge(
    live: Live, people: PersonFactory, role: str
) -> None:
    with signed_in_client(live, people(role)) as client:
        page = client.get("/compliance")
        assert page.status_code == 200
        assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert '<a href="/compliance"' in page.text
        rows = re.findall(r'data-check="(\w+)" data-status="(pass|warn|fail)"', page.text)
        assert len(rows) == 11 and ("baa", "pass") in rows
        assert "164.308(a)(5)(i)" in page.text and 'id="record-training"' in page.text


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_others_get_the_403_page_and_no_menu_entry(
    live: Live, people: PersonFactory, role: str
) -> None:
    with signed_in_client(live, people(role)) as client:
        assert client.get("/compliance").status_code == 403
        assert 'href="/compliance"' not in client.get("/account/password").text


def test_a_completion_is_recorded_and_bad_input_changes_nothing(
    live: Live, people: PersonFactory
) -> None:
    agent = people("agent")
    stranger = people("agent", tenant=TENANT_B)
    with signed_in_client(live, people(OFFICER)) as client:
        today = utcnow().date()
        future = record(client, agent.id, today + timedelta(days=1))
        assert future.status_code == 422 and "in the future" in future.text
        elsewhere = record(client, stranger.id, today)
        assert elsewhere.status_code == 404 and "no such user" in elsewhere.text
        assert records_of(client, agent.id) == []

        done = record(client, agent.id, today)
        assert done.status_code == 303
        assert done.headers["location"] == "/compliance?notice=recorded"
        [saved] = records_of(client, agent.id)
        assert saved["course"] == COURSE
        page = client.get("/compliance?notice=recorded").text
        assert f'data-record="{saved["id"]}"' in page and agent.email in page
        assert stranger.email not in page


@contextmanager
def training_required(live: Live, officer: Person) -> Iterator[httpx.Client]:
    """The tenant requires training while the block runs (the module's tenant is shared)."""
    with signed_in_client(live, officer) as client:
        headers = {"X-CSRF-Token": csrf(client)}
        body = {"required": True, "period_months": 12}
        assert client.put("/api/v1/training/policy", json=body, headers=headers).is_success
        try:
            yield client
        finally:
            body["required"] = False
            assert client.put("/api/v1/training/policy", json=body, headers=headers).is_success


def test_a_lapsed_person_sees_the_banner_and_a_renewing_one_the_warning(
    live: Live, people: PersonFactory
) -> None:
    agent = people("agent")
    with (
        training_required(live, people(OFFICER)) as officer,
        signed_in_client(live, agent) as client,
    ):
        assert "access to patient information is suspended" in client.get("/calls").text
        completed = utcnow().date() - timedelta(days=340)  # it counts 365 or 366 days
        assert record(officer, agent.id, completed).status_code == 303
        banner = re.search(r'id="training-notice">([^<]*)<', client.get("/calls").text)
        assert banner is not None and "lapses in" in banner.group(1)


def test_the_page_links_the_risk_report_which_downloads_as_pdf(
    live: Live, people: PersonFactory
) -> None:
    with signed_in_client(live, people(OFFICER)) as client:
        page = client.get("/compliance").text
        link = re.search(r'<a href="([^"]+)" id="risk-report" download>([^<]+)</a>', page)
        assert link is not None and link.group(2) == "Download risk report (PDF)"
        answer = client.get(html.unescape(link.group(1)))
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/pdf"
        assert answer.content.startswith(b"%PDF")
