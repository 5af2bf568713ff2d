"""``GET /metrics`` through the real app: routes counted under their templates, labels
free of PHI and tenants, the scrape refused without ``metrics:read``, the audit batch
and queue metrics moving with what really happened."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert, select

from callvault.calls.models import Call
from callvault.cli.vault import open_keyring
from callvault.db.base import new_id, utcnow
from callvault.identity.models import CustomRole
from callvault.identity.tokens import create_token
from callvault.jobs.models import JobState, RecordingJob
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A, TENANT_B, TokenFactory
from tests.audit._log import raw_database
from tests.calls.factories import call_payload

SYNTHETIC_NUMBER = "+12025550147"
SYNTHETIC_NAME = "Quinn Fictional"
CALL_ROUTE = "/api/v1/calls/{call_id}"

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client: TestClient, headers: dict[str, str]) -> str:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    assert response.headers["cache-control"] == "no-store"
    return response.text


def samples(text: str) -> Samples:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def requests_to(found: Samples, route: str, method: str = "GET", status: str = "200") -> float:
    return value(found, "callvault_http_requests_total", method=method, route=route, status=status)


def new_call(client: TestClient, auth: TokenFactory) -> str:
    payload = call_payload(caller_number=SYNTHETIC_NUMBER, caller_name=SYNTHETIC_NAME)
    response = client.post("/api/v1/calls", json=payload, headers=auth("integration"))
    assert response.status_code == 201, response.text
    call_id: str = response.json()["id"]
    return call_id


def test_a_request_is_counted_under_its_route_template_never_its_path(
    client: TestClient, auth: TokenFactory
) -> None:
    admin, reader = auth("admin"), auth("supervisor")
    call_id = new_call(client, auth)
    before = samples(scrape(client, admin))
    for _ in range(3):
        assert client.get(f"/api/v1/calls/{call_id}", headers=reader).status_code == 200
    assert client.get(f"/no-such-page/{SYNTHETIC_NUMBER}").status_code == 404
    text = scrape(client, admin)
    after = samples(text)

    assert requests_to(after, CALL_ROUTE) - requests_to(before, CALL_ROUTE) == 3
    assert (
        requests_to(after, "unmatched", status="404")
        - requests_to(before, "unmatched", status="404")
        == 1
    )
    count = "callvault_http_request_duration_seconds_count"
    assert value(after, count, method="GET", route=CALL_ROUTE) >= 3
    assert call_id not in text and "no-such-page" not in text


def test_no_label_carries_a_number_a_name_or_a_tenant(
    client: TestClient, auth: TokenFactory
) -> None:
    call_id = new_call(client, auth)
    reader = auth("supervisor")
    client.get("/api/v1/calls", params={"caller_number": SYNTHETIC_NUMBER}, headers=reader)
    client.get(f"/api/v1/calls/{call_id}", headers=reader)
    client.get(f"/api/v1/calls/{SYNTHETIC_NUMBER}", headers=reader)  # a number as an id
    text = scrape(client, auth("admin"))
    for secret in (SYNTHETIC_NUMBER, "2025550147", "555-0147", "Quinn", "Fictional"):
        assert secret not in text
    for tenant in (TENANT_A, TENANT_B):
        assert tenant not in text
    labels = {
        label
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        for label in sample.labels.values()
    }
    assert not any(
        label.strip("+").replace("-", "").isdigit() and len(label) > 3 for label in labels
    )


def test_a_scrape_without_metrics_read_is_refused(client: TestClient, auth: TokenFactory) -> None:
    anonymous = client.get("/metrics")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    refused = client.get("/metrics", headers=auth("supervisor"))
    assert refused.status_code == 403
    assert "callvault_" not in anonymous.text + refused.text


def test_audit_batches_are_counted_as_audited_reads_commit(
    client: TestClient, auth: TokenFactory
) -> None:
    admin, reader = auth("admin"), auth("supervisor")
    call_id = new_call(client, auth)
    before = samples(scrape(client, admin))
    for _ in range(4):
        assert client.get(f"/api/v1/calls/{call_id}", headers=reader).status_code == 200
    after = samples(scrape(client, admin))
    for name in (
        "callvault_audit_batch_events_count",
        "callvault_audit_batch_wait_seconds_count",
        "callvault_audit_batch_commit_seconds_count",
    ):
        assert value(after, name) > value(before, name), name
    # Each read's event was in some batch: at least 4 more events were batched.
    events = "callvault_audit_batch_events_sum"
    assert value(after, events) - value(before, events) >= 4


def test_the_queue_depth_counts_the_jobs_in_each_state(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    wanted = {JobState.PENDING: 3, JobState.PROCESSING: 1, JobState.DONE: 2, JobState.FAILED: 1}
    calls = [new_call(client, auth) for _ in range(sum(wanted.values()))]
    now = utcnow()
    with raw_database(vault) as connection:
        tenant_id = connection.execute(select(Call.tenant_id).limit(1)).scalar_one()
        states = [state for state, count in wanted.items() for _ in range(count)]
        for call_id, state in zip(calls, states, strict=True):
            due = now - timedelta(minutes=1) if state == JobState.PENDING else None
            connection.execute(
                insert(RecordingJob).values(
                    id=new_id(),
                    tenant_id=tenant_id,
                    call_id=call_id,
                    recording_id=new_id(),
                    state=state.value,
                    attempts=0,
                    next_attempt_at=due,
                    created_at=now,
                    updated_at=now,
                )
            )
    found = samples(scrape(client, auth("admin")))
    for state in JobState:
        expected = wanted.get(state, 0)
        assert value(found, "callvault_recording_jobs", state=state.value) == expected
    assert value(found, "callvault_recording_jobs_due") == 3
    assert value(found, "callvault_recording_jobs_oldest_due_seconds") >= 59


def test_a_token_of_a_role_holding_only_metrics_read_scrapes_and_nothing_more(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    """The scrape token docs/metrics.md describes: a custom role with ``metrics:read``."""
    with open_keyring(vault) as (session, _):
        tenant_id = get_tenant(session, TENANT_A).id
        session.add(CustomRole(tenant_id=tenant_id, name="metrics", allow='["metrics:read"]'))
        session.flush()
        token = create_token(session, tenant_id, "metrics", name="prometheus")
        session.commit()
    scraper = {"Authorization": f"Bearer {token}"}
    assert "callvault_http_requests_total" in scrape(client, scraper)
    call_id = new_call(client, auth)
    assert client.get(f"/api/v1/calls/{call_id}", headers=scraper).status_code == 403
    assert client.get("/api/v1/calls", headers=scraper).status_code == 403
