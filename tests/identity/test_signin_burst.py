"""A burst of sign-ins against a real ``callvault serve`` process (plain HTTP on
loopback): 50 at once, half wrong passwords of real accounts, half unknown e-mails.
Every answer is a 401 or a 429, none a 5xx, and all come within 10 s. The throttle
also holds across two server processes on one database."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from callvault.cli.vault import open_keyring
from callvault.db.base import new_id
from callvault.identity.models import User
from callvault.identity.passwords import hash_password
from callvault.instance import initialise
from callvault.settings import Settings, load_settings
from callvault.tenants.service import get_tenant
from tests._baa import CLINIC_BAA
from tests._serve import Served

TENANT = "clinic-a"
PASSWORD = "synthetic-Passphrase-4417"
WRONG = "not-the-Passphrase-9921"
BURST = 50
DEADLINE_SECONDS = 10.0


ServerFactory = Callable[..., Served]
# The accounts are hashed here and verified by the server: at a server's own cost.
pytestmark = pytest.mark.usefixtures("production_password_cost")


@pytest.fixture
def vault(tmp_path: Path, database_url: str) -> Settings:
    settings = load_settings(tmp_path / "data", database_url, environ={})
    initialise(settings, TENANT, CLINIC_BAA)
    return settings


@pytest.fixture
def serve(vault: Settings) -> Iterator[ServerFactory]:
    servers: list[Served] = []

    def start(**environ: str) -> Served:
        servers.append(Served(vault, env=environ).start())
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def add_people(vault: Settings, count: int) -> list[str]:
    """``count`` real accounts with a known password: one argon2 hash, shared (test
    data only: hashing 25 times would only slow the test down)."""
    password_hash = hash_password(PASSWORD)
    emails = [f"agent{n}@{TENANT}.example" for n in range(count)]
    with open_keyring(vault) as (db, _):
        tenant_id = get_tenant(db, TENANT).id
        db.add_all(
            User(id=new_id(), tenant_id=tenant_id, email=e, password_hash=password_hash)
            for e in emails
        )
        db.commit()
    return emails


async def burst(url: str, bodies: list[dict[str, str]]) -> list[tuple[int, float]]:
    """All at once; each answer's status and seconds since the burst started."""
    limits = httpx.Limits(max_connections=len(bodies), max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        started = time.monotonic()

        async def one(body: dict[str, str]) -> tuple[int, float]:
            answer = await client.post("/api/v1/auth/login", json=body)
            return answer.status_code, time.monotonic() - started

        return list(await asyncio.gather(*(one(b) for b in bodies)))


def test_fifty_concurrent_failed_sign_ins_get_401_or_429_within_ten_seconds(
    vault: Settings, serve: ServerFactory
) -> None:
    people = add_people(vault, BURST // 2)
    server = serve()
    wrong = [{"email": e, "password": WRONG} for e in people]
    unknown = [{"email": f"nobody{n}@{TENANT}.example", "password": WRONG} for n in people]
    bodies = [b for pair in zip(wrong, unknown, strict=True) for b in pair]

    answers = asyncio.run(burst(server.url, bodies))

    statuses = sorted({status for status, _ in answers})
    slowest = max(seconds for _, seconds in answers)
    assert set(statuses) <= {401, 429}, statuses
    assert 401 in statuses  # it did check passwords, not only refuse
    assert slowest <= DEADLINE_SECONDS, slowest
    assert httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200


def test_the_throttle_holds_across_two_server_processes(
    vault: Settings, serve: ServerFactory
) -> None:
    email = add_people(vault, 1)[0]
    first, second = (serve(CALLVAULT_SIGNIN_ADDRESS_BURST="3") for _ in range(2))
    body = {"email": email, "password": WRONG}

    spent = [httpx.post(f"{s.url}/api/v1/auth/login", json=body) for s in (first, second, first)]
    refused = httpx.post(f"{second.url}/api/v1/auth/login", json=body)

    assert [a.status_code for a in spent] == [401, 401, 401]
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["retry-after"]) >= 1
