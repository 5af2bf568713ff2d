"""Whatever a client sends, the answer is a 2xx or a 4xx: never a 500."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.calls.conftest import TokenFactory
from tests.calls.factories import call_payload

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
FIELDS = list(call_payload())
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(changes=st.dictionaries(st.sampled_from([*FIELDS, "extra"]), json_values, max_size=4))
def test_call_bodies_never_cause_a_server_error(
    client: TestClient, auth: TokenFactory, changes: dict[str, Any]
) -> None:
    headers = auth("integration")
    response = client.post("/api/v1/calls", json=call_payload() | changes, headers=headers)
    assert response.status_code in (201, 413, 422), response.text


@FUZZ
@given(
    body=st.binary(max_size=2048),
    content_type=st.sampled_from(["audio/wav", "audio/mpeg", "audio/ogg", "text/plain"]),
)
def test_recording_bodies_never_cause_a_server_error(
    client: TestClient, auth: TokenFactory, body: bytes, content_type: str
) -> None:
    headers = auth("integration")
    call_id = client.post("/api/v1/calls", json=call_payload(), headers=headers).json()["id"]
    response = client.put(
        f"/api/v1/calls/{call_id}/recording",
        content=body,
        headers=headers | {"Content-Type": content_type},
    )
    assert response.status_code in (204, 415), response.text


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["caller_number", "tracking_number", "since", "until", "limit", "cursor"]),
        st.text(max_size=40),
        max_size=3,
    )
)
def test_search_parameters_never_cause_a_server_error(
    client: TestClient, auth: TokenFactory, params: dict[str, str]
) -> None:
    response = client.get("/api/v1/calls", params=params, headers=auth("supervisor"))
    assert response.status_code in (200, 422), response.text
