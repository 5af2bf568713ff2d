"""Every route declares the permission it needs; only a pinned few are public."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Route

from callvault.authz.permissions import Permission
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.settings import load_settings
from callvault.web.app import PUBLIC_PATHS, create_app
from callvault.web.context import PERMISSION_ATTRIBUTE


def declared_permissions(dependant: Any) -> list[Permission]:
    found = []
    for dependency in dependant.dependencies:
        permission = getattr(dependency.call, PERMISSION_ATTRIBUTE, None)
        if permission is not None:
            found.append(permission)
        found += declared_permissions(dependency)
    return found


def flatten(routes: list[BaseRoute]) -> list[BaseRoute]:
    """FastAPI keeps included routers as lazy branches; walk into them."""
    flat: list[BaseRoute] = []
    for route in routes:
        included = getattr(route, "original_router", None)
        flat += flatten(included.routes) if included is not None else [route]
    return flat


def routes(tmp_path: Path) -> list[BaseRoute]:
    settings = load_settings(tmp_path, environ={})
    LocalKeyFileProvider.create(settings.root_key_path)
    return flatten(list(create_app(settings).routes))


def test_every_api_route_declares_exactly_one_permission(tmp_path: Path) -> None:
    api_routes = [r for r in routes(tmp_path) if isinstance(r, APIRoute)]
    assert len(api_routes) >= 7
    missing = [
        (r.path, sorted(r.methods))
        for r in api_routes
        if r.path not in PUBLIC_PATHS and len(declared_permissions(r.dependant)) != 1
    ]
    assert missing == []


def test_only_pinned_routes_are_public(tmp_path: Path) -> None:
    public = {
        r.path
        for r in routes(tmp_path)
        if isinstance(r, Route)
        and not (isinstance(r, APIRoute) and declared_permissions(r.dependant))
    }
    assert public <= PUBLIC_PATHS
