from __future__ import annotations

from fastapi.testclient import TestClient

from tests.identity.conftest import SessionFactory, UserFactory


def test_a_signed_in_user_reads_calls_and_needs_csrf_to_change_things(
    client: TestClient, make_user: UserFactory, signed_in: SessionFactory
) -> None:
    csrf = signed_in(make_user("supervisor"))

    assert client.get("/api/v1/calls").status_code == 200
    call = {
        "caller_number": "+12025550147",
        "called_number": "+12025550100",
        "tracking_number": "+12025550111",
        "started_at": "2026-03-02T14:00:00Z",
        "ended_at": "2026-03-02T14:04:00Z",
        "direction": "inbound",
    }
    without_csrf = client.post("/api/v1/calls", json=call)
    with_csrf = client.post("/api/v1/calls", json=call, headers=csrf)

    assert without_csrf.status_code == 403 and "X-CSRF-Token" in without_csrf.json()["detail"]
    assert with_csrf.status_code == 403 and "call:create" in with_csrf.json()["detail"]
