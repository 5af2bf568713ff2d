"""A method a path does not answer: 405, as a problem, with ``Allow`` naming every
method the path does answer (each method is its own route here, so Starlette's own
``Allow`` named only the first)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.settings import load_settings
from callvault.web.app import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    # No lifespan: routing refuses the method before anything touches the database.
    settings = load_settings(tmp_path_factory.mktemp("allow"), environ={})
    LocalKeyFileProvider.create(settings.root_key_path)
    yield TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/api/v1/calls", "GET, POST"),
        ("PUT", "/api/v1/calls/some-call", "GET"),
        ("POST", "/api/v1/calls/some-call/recording", "GET, PUT"),
        ("DELETE", "/api/v1/users/some-user", "GET, PATCH"),
        ("PATCH", "/api/v1/roles/some-role", "DELETE, PUT"),
        ("POST", "/api/v1/policy", "GET, PUT"),
        ("PUT", "/scim/v2/Users/some-user", "DELETE, GET, PATCH"),
        ("POST", "/healthz", "GET"),
    ],
)
def test_405_names_every_allowed_method(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)

    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {"type": "about:blank", "title": "Method not allowed", "status": 405}


def test_an_unknown_path_is_a_404_without_allow(client: TestClient) -> None:
    response = client.request("DELETE", "/api/v1/no-such-thing")

    assert response.status_code == 404
    assert "allow" not in response.headers
