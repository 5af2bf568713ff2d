"""A real ``callvault serve`` process on a loopback port, and the two kinds of client a
conformance run needs: a person signed in with password + TOTP (then stepped up), and
an ingest token. Everything is synthetic."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import httpx
import pyotp

from callvault.authz.credentials import CSRF_HEADER
from callvault.authz.permissions import Permission
from callvault.cli.vault import open_keyring
from callvault.identity.models import CustomRole
from callvault.identity.passwords import hash_password
from callvault.identity.tokens import create_token
from callvault.identity.users import create_user
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._serve import Served

PASSWORD = "synthetic-Passphrase-4417"
EVERYTHING_ROLE = "conformance-all"


@contextmanager
def served(settings: Settings) -> Iterator[str]:
    """``callvault serve --insecure-http`` on 127.0.0.1; yields its base URL. Uploaded
    recordings are scrubbed but not transcribed: pocketsphinx would hold the machine's
    cores for minutes. The server's log is in the data directory (``Served.log``)."""
    server = Served(settings, env={"CALLVAULT_TRANSCRIBER": "none"}).start()
    try:
        yield server.url
    finally:
        server.close()


@dataclass(frozen=True)
class Person:
    email: str
    totp_secret: str


def add_person_with_every_permission(settings: Settings, tenant: str) -> Person:
    """A user whose custom role allows every permission but SCIM's, so a run reaches
    every route (SCIM is for identity providers: a SCIM token run covers it, and a
    person holding it could deprovision themselves halfway through the run)."""
    permissions = set(Permission) - {Permission.SCIM_PROVISION}
    allow = json.dumps(sorted(p.value for p in permissions))
    hashed = hash_password(PASSWORD)
    with open_keyring(settings) as (db, keyring):
        tenant_id = get_tenant(db, tenant).id
        db.add(CustomRole(tenant_id=tenant_id, name=EVERYTHING_ROLE, allow=allow))
        db.flush()
        email = f"conformance@{tenant}.example"
        _, uri = create_user(db, keyring, tenant_id, email, hashed, [EVERYTHING_ROLE])
        db.commit()
    return Person(email, parse_qs(urlparse(uri).query)["secret"][0])


def add_token(settings: Settings, tenant: str, role: str) -> str:
    with open_keyring(settings) as (db, _):
        token = create_token(db, get_tenant(db, tenant).id, role)
        db.commit()
    return token


def sign_in(url: str, person: Person) -> dict[str, str]:
    """Password, TOTP, then step-up (with the next step's code, since a code never works
    twice): the headers a signed-in browser would send (cookie and CSRF token)."""
    totp = pyotp.TOTP(person.totp_secret)
    with httpx.Client(base_url=f"{url}/api/v1/auth", timeout=30) as client:
        login = client.post("/login", json={"email": person.email, "password": PASSWORD})
        login.raise_for_status()
        mfa = client.post("/mfa", json={"challenge": login.json()["challenge"], "code": totp.now()})
        mfa.raise_for_status()
        cookie = _cookie(mfa)
        step_up = client.post(
            "/step-up",
            json={"code": totp.at(time.time() + 30)},
            headers={"Cookie": cookie, CSRF_HEADER: mfa.json()["csrf_token"]},
        )
        step_up.raise_for_status()
        return {"Cookie": _cookie(step_up), CSRF_HEADER: step_up.json()["csrf_token"]}


def _cookie(response: httpx.Response) -> str:
    # The cookie is `Secure`, so httpx will not send it back over plain HTTP on its own.
    return response.headers["set-cookie"].split(";", 1)[0]
