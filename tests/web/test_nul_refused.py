"""A NUL character anywhere in a request (path, query, JSON body) is a 4xx that names
no value, on SQLite and on PostgreSQL alike. PostgreSQL cannot hold a NUL in text: it
used to come back as a 503, or as "audit log unavailable" (found by the OpenAPI
conformance run)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests._vault import TokenFactory

SCIM_USER = "urn:ietf:params:scim:schemas:core:2.0:User"


@pytest.mark.parametrize(
    ("role", "method", "url", "body"),
    [
        ("supervisor", "GET", "/api/v1/calls/abc%00def", None),
        ("admin", "GET", "/api/v1/users/abc%00def", None),
        ("admin", "DELETE", "/api/v1/tokens/abc%00def", None),
        ("supervisor", "GET", "/api/v1/elevations/abc%00def", None),
        ("compliance_officer", "GET", "/api/v1/audit/events?actor=abc%00def", None),
        ("supervisor", "GET", "/api/v1/calls?cursor=abc%00def", None),
        ("admin", "POST", "/api/v1/tokens", {"name": "nightly\x00", "role": "integration"}),
        ("admin", "PUT", "/api/v1/policy/redaction", {"clinic_names": ["Riverside\x00"]}),
        ("integration", "POST", "/api/v1/calls", {"campaign": "spring\x00"}),
    ],
)
def test_a_nul_is_a_422(
    client: TestClient,
    auth: TokenFactory,
    role: str,
    method: str,
    url: str,
    body: dict[str, Any] | None,
) -> None:
    response = client.request(method, url, json=body, headers=auth(role))

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "\\u0000" not in response.text and "\x00" not in response.text


def test_a_nul_at_sign_in_is_a_422(client: TestClient) -> None:
    login = {"email": "someone\x00@clinic-a.example", "password": "synthetic-Passphrase-4417"}

    assert client.post("/api/v1/auth/login", json=login).status_code == 422


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", "/scim/v2/Users/abc%00def", None),
        ("GET", '/scim/v2/Users?filter=userName eq "a%00b@clinic-a.example"', None),
        ("POST", "/scim/v2/Users", {"schemas": [SCIM_USER], "userName": "a\x00b@clinic-a.example"}),
        (
            "POST",
            "/scim/v2/Users",
            {"schemas": [SCIM_USER], "userName": "ab@clinic-a.example", "externalId": "x\x00"},
        ),
    ],
)
def test_a_nul_under_scim_is_a_scim_400(
    client: TestClient, auth: TokenFactory, method: str, url: str, body: dict[str, Any] | None
) -> None:
    response = client.request(method, url, json=body, headers=auth("scim"))

    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/scim+json"
    assert client.get("/scim/v2/Users", headers=auth("scim")).json()["totalResults"] == 0
