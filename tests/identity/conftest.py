"""People for identity tests: users with known passwords and TOTP secrets, and
signed-in clients, on top of the shared vault fixtures of ``tests/_vault.py``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from callvault.authz.credentials import COOKIE_NAME, CSRF_HEADER
from callvault.cli.vault import open_keyring
from callvault.db.base import utcnow
from callvault.identity.passwords import argon2_pool, hash_password
from callvault.identity.policy.access import load_access_policy
from callvault.identity.sessions import start_session
from callvault.identity.users import create_user
from callvault.settings import Settings, load_settings
from callvault.tenants.service import get_tenant
from callvault.web.app import create_app
from tests._vault import TENANT_A

PASSWORD = "synthetic-Passphrase-4417"


@dataclass(frozen=True)
class Person:
    id: str
    email: str
    password: str
    totp_secret: str
    tenant: str

    def code(self, offset_steps: int = 0) -> str:
        totp = pyotp.TOTP(self.totp_secret)
        return totp.at(utcnow().timestamp() + 30 * offset_steps)


UserFactory = Callable[..., Person]


@pytest.fixture
def make_user(vault: Settings) -> UserFactory:
    """``make_user("supervisor")`` -> a new, not yet enrolled user of tenant A."""
    counter = iter(range(1, 10_000))

    def make(*roles: str, tenant: str = TENANT_A, email: str | None = None) -> Person:
        address = email or f"user{next(counter)}.{'-'.join(roles) or 'none'}@{tenant}.example"
        hashed = hash_password(PASSWORD)
        with open_keyring(vault) as (db, keyring):
            tenant_id = get_tenant(db, tenant).id
            user, uri = create_user(db, keyring, tenant_id, address, hashed, list(roles))
            db.commit()
            user_id = user.id
        secret = parse_qs(urlparse(uri).query)["secret"][0]
        return Person(user_id, address, PASSWORD, secret, tenant)

    return make


SessionFactory = Callable[[Person], dict[str, str]]


@pytest.fixture
def signed_in(vault: Settings, client: TestClient) -> SessionFactory:
    """Put a session for ``user`` straight into the store (as if MFA had succeeded), set
    its cookie on ``client`` and return the CSRF header to send on state changes.
    Use this where the sign-in flow itself is not what is tested."""

    def sign_in(user: Person, stepped_up: bool = False) -> dict[str, str]:
        from callvault.identity.models import User

        with open_keyring(vault) as (db, _):
            row = db.get_one(User, user.id)
            row.totp_confirmed_at = row.totp_confirmed_at or utcnow()
            issued = start_session(
                db,
                row,
                load_access_policy(db, row.tenant_id),
                source_ip="testclient",
                stepped_up_at=utcnow() if stepped_up else None,
            )
            db.commit()
        client.cookies.set(COOKIE_NAME, issued.secret)
        return {CSRF_HEADER: issued.csrf_token}

    return sign_in


AppFactory = Callable[..., FastAPI]


@pytest.fixture
def make_app(vault: Settings) -> AppFactory:
    """``make_app(CALLVAULT_X="1")`` -> another app on the same vault and database, with
    these settings (a second worker process, as far as the database can tell). Its
    tests upload nothing, so its recording pipeline has nothing to race."""

    def make(**environ: str) -> FastAPI:
        return create_app(load_settings(vault.data_dir, vault.database_url, environ=environ))

    return make


ClientFactory = Callable[..., TestClient]


@pytest.fixture
def make_client(vault: Settings) -> Iterator[ClientFactory]:
    """``make_client(app, "198.51.100.7")`` -> a started TestClient whose requests come
    from that address; closed at the end of the test (before its database goes)."""
    with ExitStack() as stack:

        def make(app: FastAPI, address: str = "testclient") -> TestClient:
            client = TestClient(app, raise_server_exceptions=False, client=(address, 50000))
            return stack.enter_context(client)

        yield make


@contextmanager
def argon2_pool_held() -> Iterator[None]:
    """Every slot of the process's argon2 pool taken until the block ends: a request
    that needs argon2 waits in it meanwhile (``argon2_pool().waiting`` shows it)."""
    pool = argon2_pool()
    gate = threading.Event()
    holders = [threading.Thread(target=pool.run, args=(gate.wait,)) for _ in range(pool.size)]
    for holder in holders:
        holder.start()
    wait_until(lambda: pool.running == pool.size)
    try:
        yield
    finally:
        gate.set()
        for holder in holders:
            holder.join()


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not come true in time")
        time.sleep(0.005)
