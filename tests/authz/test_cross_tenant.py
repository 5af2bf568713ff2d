"""Generated BOLA test (OWASP API1, RELIABILITY X1): every route with an object id in its
path, called by a clinic-a principal allowed to use the route, with the id of a
clinic-b object, answers 404, exactly as for an id that exists nowhere, and changes
nothing of clinic-b's.

The route list is walked at collection time, so a new route is tested as soon as it is
registered. Path parameters are mapped to clinic-b objects by name (``call_id`` ->
the call, ``{name}`` under ``/roles`` -> the custom role, ...); a parameter this module
does not know gets a random id and must still be refused (401/403/404/405).

For each route, three requests with the same principal:
  control  random ids                 -> the answer for "does not exist"
  probe    clinic-b's ids             -> must be 404 and equal to the control
  mirror   clinic-a's own objects     -> must not be 404 (the probe could have worked)
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

import callvault.db.models  # noqa: F401  # every table in Base.metadata, for the snapshot
from callvault.authz.decision import Allowed, decide
from callvault.authz.permissions import Permission
from callvault.authz.roles import BUILTIN_ROLES, policy_for
from callvault.cli.vault import open_keyring
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.db.base import Base
from callvault.identity.models import CustomRole, Elevation
from callvault.identity.passwords import hash_password
from callvault.identity.tokens import create_token
from callvault.identity.users import create_user
from callvault.incidents.models import Incident
from callvault.settings import Settings, load_settings
from callvault.tenants.service import get_tenant
from callvault.web.app import PUBLIC_PATHS, create_app
from tests._vault import (
    TENANT_A,
    TENANT_B,
    TokenFactory,
    VaultTemplate,
    derived_vault_template,
    seeding_client,
    token_headers,
)
from tests.authz.test_route_inventory import declared_permissions, flatten
from tests.calls.factories import call_payload, wav_bytes
from tests.identity import conftest as people
from tests.identity.conftest import SessionFactory, UserFactory

# The people fixtures live in tests/identity; make them visible to this module.
make_user = people.make_user
signed_in = people.signed_in

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
# Preferred first: the broadest role that holds the permission, so the probe comes from
# a principal with as much reach as possible. Service roles are for tokens only.
HUMAN_ROLES = ("supervisor", "admin", "compliance_officer", "agent", "marketing")
SERVICE_ROLES = ("integration", "scim")
# Written into clinic-b's objects only; none of it may come back to clinic-a.
MARKER = "crosstenant"
B_CALLER = "(202) 555-0188"
B_LEAKS = (MARKER, "5550188", "555-0188", "*0188")  # the last: a masked number
A_CALLER = "(202) 555-0142"

JSON = "application/json"
SCIM_JSON = "application/scim+json"
SCIM_PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCIM_USER = "urn:ietf:params:scim:schemas:core:2.0:User"

# Valid bodies for routes that read one, so that 404 is the only right answer. A body
# route missing here gets ``{}`` and may then answer 422, but only as for a random id.
BODIES: dict[tuple[str, str], tuple[str, bytes]] = {
    ("PUT", "/api/v1/calls/{call_id}/recording"): ("audio/wav", wav_bytes(0.1)),
    ("PUT", "/api/v1/calls/{call_id}/transcript"): (JSON, b'{"text": "probe words"}'),
    ("POST", "/api/v1/incidents/{incident_id}/scope"): (JSON, b'{"network": "10.0.0.0/8"}'),
    ("POST", "/api/v1/incidents/{incident_id}/timeline"): (
        JSON,
        b'{"kind": "note", "note": "probe note"}',
    ),
    ("PATCH", "/api/v1/users/{user_id}"): (JSON, b'{"active": false}'),
    ("PUT", "/api/v1/users/{user_id}/roles"): (JSON, b'{"roles": ["agent"]}'),
    ("PUT", "/api/v1/roles/{name}"): (JSON, b'{"allow": ["call:read"]}'),
    ("PATCH", "/scim/v2/Users/{user_id}"): (
        SCIM_JSON,
        json.dumps(
            {
                "schemas": [SCIM_PATCH],
                "Operations": [{"op": "replace", "path": "active", "value": False}],
            }
        ).encode(),
    ),
    ("PUT", "/scim/v2/Users/{user_id}"): (
        SCIM_JSON,
        json.dumps(
            {"schemas": [SCIM_USER], "userName": "probe@clinic-a.example", "active": False}
        ).encode(),
    ),
}
GUESSED_BODY = (JSON, b"{}")


@dataclass(frozen=True)
class Probe:
    method: str
    path: str
    permission: Permission | None

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def params(self) -> list[str]:
        return PARAM.findall(self.path)

    def body(self) -> tuple[str, bytes] | None:
        if self.method not in {"POST", "PUT", "PATCH"}:
            return None
        return BODIES.get((self.method, self.path), GUESSED_BODY)

    @property
    def guessed_body(self) -> bool:
        return self.body() is GUESSED_BODY


def kind_of(path: str, param: str) -> str:
    """``call_id`` -> call; ``{id}``/``{name}`` take the kind of the segment before them;
    a role is named by its name unless the parameter says id. ``{token}`` (a playback
    link's) is a secret bound to the principal that made it, not an object's id: no
    world has one that another principal could use."""
    if param == "token":
        return "secret"
    if param.endswith("_id"):
        kind = param.removesuffix("_id")
    elif param not in {"id", "name"}:
        kind = param
    else:
        before = path.split("{" + param, 1)[0].rstrip("/").rsplit("/", 1)[-1]
        kind = before.lower().removesuffix("s")
    if kind == "role" and not param.endswith("id"):
        return "role_name"
    return kind


def object_routes() -> list[Probe]:
    """Every (method, route) with a path parameter, from a throwaway app."""
    with tempfile.TemporaryDirectory(prefix="callvault-routes-") as tmp:
        settings = load_settings(Path(tmp), environ={})
        LocalKeyFileProvider.create(settings.root_key_path)
        app = create_app(settings)
        try:
            routes = flatten(list(app.routes))
        finally:
            app.state.resources.engine.dispose()
    probes = []
    for route in routes:
        if not isinstance(route, APIRoute) or "{" not in route.path:
            continue
        if route.path in PUBLIC_PATHS:
            # The Twilio webhooks: no principal to probe with; ``{tenant}`` names the
            # addressee, proven by a signature with that tenant's auth token. Their
            # cross-tenant case (tenant A's signature on tenant B's webhook) is in
            # tests/integrations/test_twilio_webhooks.py.
            continue
        permissions = declared_permissions(route.dependant)
        for method in sorted(route.methods or ()):
            probes.append(Probe(method, route.path, permissions[0] if permissions else None))
    return probes


PROBES = object_routes()


# ----------------------------------------------------------------------------- worlds


@dataclass
class World:
    """One object of every kind, in one tenant; ``ids`` maps kind -> path value."""

    tenant: str
    ids: dict[str, str] = field(default_factory=dict)


def make_world(client: TestClient, vault: Settings, tenant: str, words: str, caller: str) -> World:
    world = World(tenant)
    ingest = token_headers(vault, tenant, "integration")
    payload = call_payload(caller_number=caller, caller_name=f"Bea {words}", notes=f"{words} note")
    created = client.post("/api/v1/calls", json=payload, headers=ingest)
    assert created.status_code == 201
    call_id = created.json()["id"]
    recording = client.put(
        f"/api/v1/calls/{call_id}/recording",
        content=wav_bytes(0.2),
        headers=ingest | {"Content-Type": "audio/wav"},
    )
    keep = {"keep_original_transcripts": True}  # so that /transcript/original has an object
    admin = token_headers(vault, tenant, "admin")
    assert client.put("/api/v1/policy/redaction", json=keep, headers=admin).status_code == 200
    transcript = client.put(
        f"/api/v1/calls/{call_id}/transcript", json={"text": f"{words} transcript"}, headers=ingest
    )
    assert (recording.status_code, transcript.status_code) == (204, 204)
    world.ids["call"] = call_id
    hashed = hash_password(people.PASSWORD)
    with open_keyring(vault) as (db, keyring):
        tenant_id = get_tenant(db, tenant).id
        world.ids["tenant"] = tenant_id
        email = f"bea.{words}@{tenant}.example"
        user, _ = create_user(db, keyring, tenant_id, email, hashed, ["agent"])
        world.ids["user"] = user.id
        token = create_token(db, tenant_id, "integration", name=f"{words} token")
        world.ids["token"] = token.split("_")[1]
        role = CustomRole(tenant_id=tenant_id, name=f"{tenant}-private-role", allow='["call:read"]')
        elevation = Elevation(
            tenant_id=tenant_id,
            requester_id=user.id,
            permission=Permission.RECORDING_PLAY_UNREDACTED.value,
            minutes=30,
            reason=f"{words} reason for a synthetic break-glass request",
            status="pending",
        )
        incident = Incident(
            tenant_id=tenant_id,
            title=f"{words} incident",
            discovered_on=date(2026, 3, 10),
            created_by=user.id,
        )
        db.add_all([role, elevation, incident])
        db.commit()
        world.ids |= {"role": role.id, "role_name": role.name, "elevation": elevation.id}
        world.ids["incident"] = incident.id
    return world


@dataclass(frozen=True)
class _WorldsTemplate(VaultTemplate):
    theirs: World
    ours: World


@pytest.fixture(scope="module")
def _vault_template(
    request: pytest.FixtureRequest,
    _vault_template: VaultTemplate,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[_WorldsTemplate]:
    """The run's vault with both worlds in it, made once for this module: building them
    cost more than a probe does. Each test's ``vault`` is still a fresh copy."""
    worlds: list[World] = []

    def seed(settings: Settings) -> None:
        with seeding_client(settings) as client:
            worlds.append(make_world(client, settings, TENANT_B, MARKER, B_CALLER))
            worlds.append(make_world(client, settings, TENANT_A, "ownworld", A_CALLER))

    root = tmp_path_factory.mktemp("worlds")
    with derived_vault_template(request, _vault_template, root, seed) as template:
        yield _WorldsTemplate(template.data_dir, template.database, *worlds)


@pytest.fixture
def worlds(_vault_template: _WorldsTemplate, vault: Settings) -> tuple[World, World]:
    """(clinic-b's world, clinic-a's own), as they are in this test's ``vault``."""
    return _vault_template.theirs, _vault_template.ours


def tenant_rows(vault: Settings, tenant: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of ``tenant`` in every table but the audit log (which records the
    attempts): by ``tenant_id``, or through the tenant's users for per-user tables."""
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    with open_keyring(vault) as (db, _):
        tenant_id = get_tenant(db, tenant).id
        users = Base.metadata.tables["users"]
        user_ids = select(users.c.id).where(users.c.tenant_id == tenant_id)
        for table in Base.metadata.sorted_tables:
            if "audit" in table.name:
                continue
            if "tenant_id" in table.c:
                query = select(table).where(table.c.tenant_id == tenant_id)
            elif "user_id" in table.c:
                query = select(table).where(table.c.user_id.in_(user_ids))
            elif table.name == "tenants":
                query = select(table).where(table.c.id == tenant_id)
            else:
                continue
            snapshot[table.name] = sorted((tuple(row) for row in db.execute(query)), key=repr)
    return snapshot


# ----------------------------------------------------------------------------- principals


def allows(role: str, permission: Permission | None) -> bool:
    if permission is None:
        return True
    return isinstance(decide(policy_for([BUILTIN_ROLES[role]]), permission), Allowed)


def principal_for(
    probe: Probe,
    vault: Settings,
    auth: TokenFactory,
    new_user: UserFactory,
    sign_in: Callable[..., dict[str, str]],
) -> dict[str, str]:
    """Headers of a clinic-a principal whose role holds the route's permission: a
    signed-in, stepped-up person if a person's built-in role allows it, a service token
    if only a service role does, else a person with a custom role granting just it."""
    human = next((r for r in HUMAN_ROLES if allows(r, probe.permission)), None)
    if human is not None:
        return session_headers(probe, sign_in(new_user(human), stepped_up=True))
    service = next((r for r in SERVICE_ROLES if allows(r, probe.permission)), None)
    if service is not None:
        return auth(service, tenant=TENANT_A)
    assert probe.permission is not None
    name = "probe-" + probe.permission.value.replace(":", "-").replace("_", "-")
    with open_keyring(vault) as (db, _):
        tenant_id = get_tenant(db, TENANT_A).id
        db.add(CustomRole(tenant_id=tenant_id, name=name, allow=json.dumps([probe.permission])))
        db.commit()
    return session_headers(probe, sign_in(new_user(name), stepped_up=True))


def session_headers(probe: Probe, csrf: dict[str, str]) -> dict[str, str]:
    return csrf if probe.method in UNSAFE else {}


# ----------------------------------------------------------------------------- requests


def path_values(probe: Probe, world: World | None) -> dict[str, str]:
    """Each parameter's value from ``world``, or a random one shaped like it."""
    values = {}
    for param in probe.params:
        kind = kind_of(probe.path, param)
        real = world.ids.get(kind) if world is not None else None
        values[param] = real if real is not None else random_like(kind)
    return values


def random_like(kind: str) -> str:
    if kind == "role_name":
        return "probe-" + secrets.token_hex(6)
    return secrets.token_hex(16)


def send(
    client: TestClient, probe: Probe, values: dict[str, str], headers: dict[str, str]
) -> Response:
    url = PARAM.sub(lambda m: values[m.group(1)], probe.path)
    body = probe.body()
    if body is None:
        response: Response = client.request(probe.method, url, headers=headers)
        return response
    content_type, content = body
    response = client.request(
        probe.method, url, content=content, headers=headers | {"Content-Type": content_type}
    )
    return response


def error_body(probe: Probe, response: Response) -> dict[str, Any]:
    """The error body: problem+json, SCIM's own error under ``/scim/``, or a page."""
    content_type = response.headers.get("content-type", "")
    if probe.path.startswith("/scim/") and content_type.startswith(SCIM_JSON):
        body: dict[str, Any] = response.json()
        assert str(body.get("status")) == str(response.status_code)
        return body
    if not probe.path.startswith(("/api/", "/scim/", "/webhooks/")):
        # A dashboard page (web/pages.py): its errors are pages, compared whole.
        assert content_type.startswith("text/html"), content_type
        return {"status": response.status_code, "page": response.text}
    assert content_type.startswith("application/problem+json"), content_type
    body = response.json()
    assert body.get("status") == response.status_code
    return body


# ----------------------------------------------------------------------------- tests


def test_the_walk_finds_the_object_routes() -> None:
    found = {p.id for p in PROBES}
    assert {
        "GET /api/v1/calls/{call_id}",
        "GET /api/v1/calls/{call_id}/recording",
        "PUT /api/v1/calls/{call_id}/recording",
        "GET /api/v1/calls/{call_id}/transcript",
        "PUT /api/v1/calls/{call_id}/transcript",
    } <= found


@pytest.mark.parametrize(
    ("path", "param", "kind"),
    [
        ("/api/v1/calls/{call_id}/recording", "call_id", "call"),
        ("/api/v1/roles/{name}", "name", "role_name"),
        ("/api/v1/roles/{role_id}", "role_id", "role"),
        ("/scim/v2/Users/{id}", "id", "user"),
        ("/api/v1/elevations/{elevation_id}/approve", "elevation_id", "elevation"),
        ("/api/v1/things/{slug}", "slug", "slug"),
        ("/api/v1/playback/{token}", "token", "secret"),
        ("/api/v1/tokens/{token_id}", "token_id", "token"),
    ],
)
def test_parameters_map_to_object_kinds(path: str, param: str, kind: str) -> None:
    assert kind_of(path, param) == kind


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.id)
def test_another_tenants_object_is_not_found(
    probe: Probe,
    worlds: tuple[World, World],
    client: TestClient,
    vault: Settings,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    theirs, ours = worlds
    headers = principal_for(probe, vault, auth, make_user, signed_in)
    targets_objects = any(kind_of(probe.path, p) in theirs.ids for p in probe.params)
    before = tenant_rows(vault, TENANT_B)

    control = send(client, probe, path_values(probe, None), headers)
    response = send(client, probe, path_values(probe, theirs), headers)
    mine = send(client, probe, path_values(probe, ours), headers) if targets_objects else None

    allowed = {404} if targets_objects else {401, 403, 404, 405}
    if probe.guessed_body:
        allowed |= {400, 422}  # a body this test cannot build: must still equal the control
    assert response.status_code in allowed, f"clinic-b's object answered {response.status_code}"
    unused = [v for v in theirs.ids.values() if v not in response.url.path]
    leaked = [s for s in (*B_LEAKS, *unused) if s.lower() in response.text.lower()]
    assert leaked == [], "the answer carries clinic-b's data"
    # Indistinguishable from an id that exists nowhere: no existence oracle.
    assert (response.status_code, error_body(probe, response)) == (
        control.status_code,
        error_body(probe, control),
    )
    assert tenant_rows(vault, TENANT_B) == before, "clinic-b's rows changed"
    if mine is not None:
        # The same principal reaches its own tenant's object, so the 404 above is the
        # tenant boundary and not a route this principal could never use.
        assert mine.status_code != 404, mine.text
        assert mine.status_code < 500
