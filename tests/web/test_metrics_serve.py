"""``GET /metrics`` from a real ``callvault serve``: with two API processes, whichever
answers a scrape reports the requests both answered; with one, its own counts and the
jobs process's files together."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from callvault.cli.vault import open_keyring
from callvault.identity.tokens import create_token
from callvault.tenants.service import get_tenant
from tests._serve import TENANT, Served, Vault, make_vault

BATCH = 20  # requests per round, each on a connection of its own
ROUNDS = 10  # at most, until both workers have answered some
SETTLE_SECONDS = 30.0  # a busy CI host: the counts come a moment after each answer


@pytest.fixture
def vault(tmp_path: Path, database_url: str) -> Vault:
    return make_vault(tmp_path / "data", database_url)


@pytest.fixture
def admin(vault: Vault) -> dict[str, str]:
    with open_keyring(vault.settings) as (session, _):
        token = create_token(session, get_tenant(session, TENANT).id, "admin")
        session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def served(request: pytest.FixtureRequest, vault: Vault) -> Iterator[Served]:
    server = Served(vault.settings, "--workers", request.param)
    try:
        yield server.start()
    finally:
        server.close()


def healthz_count(text: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = sample.labels
            if sample.name == "callvault_http_requests_total" and labels["route"] == "/healthz":
                return sample.value
    return 0.0


def per_process(directory: Path, pids: list[int], scratch: Path) -> dict[int, float]:
    """Each process's own count, read from its file alone."""
    counts = {}
    for pid in pids:
        alone = scratch / f"{pid}-{time.monotonic_ns()}"
        alone.mkdir(parents=True)
        for file in directory.glob(f"counter_{pid}.db"):
            shutil.copy(file, alone)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, str(alone))
        counts[pid] = healthz_count(generate_latest(registry).decode())
    return counts


def settled(read: Callable[[], dict[int, float]], sent: int) -> dict[int, float]:
    """``read()`` once the counts reach ``sent``: a worker counts a request just after
    its last byte went out, so the client may be a moment ahead of the count."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while sum((counts := read()).values()) < sent and time.monotonic() < deadline:
        time.sleep(0.1)
    return counts


def send_batch(url: str) -> None:
    def one(_: int) -> int:
        return httpx.get(f"{url}/healthz", timeout=30).status_code  # a new connection each

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(one, range(BATCH))) == [200] * BATCH


def scrape(url: str, admin: dict[str, str]) -> str:
    response = httpx.get(f"{url}/metrics", headers=admin, timeout=30)
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.parametrize("served", ["2"], indirect=True, ids=["2-workers"])
def test_the_counts_of_two_workers_add_up_in_every_scrape(
    served: Served, admin: dict[str, str], vault: Vault, tmp_path: Path
) -> None:
    directory = vault.settings.data_dir / "run" / "metrics"
    workers = served.worker_pids()
    assert len(workers) == 2
    sent = 0
    for _ in range(ROUNDS):
        send_batch(served.url)
        sent += BATCH
        counts = settled(lambda: per_process(directory, workers, tmp_path), sent)
        if all(counts.values()):
            break
    assert all(counts.values()), f"one worker answered every request: {counts}"
    assert sum(counts.values()) == sent
    # Scrapes on connections of their own, answered by either worker: each sees both.
    for _ in range(6):
        assert healthz_count(scrape(served.url, admin)) == sent
    assert httpx.get(f"{served.url}/metrics", timeout=30).status_code == 401


@pytest.mark.parametrize("served", ["1"], indirect=True, ids=["1-worker"])
def test_one_worker_reports_its_own_counts_once(
    served: Served, admin: dict[str, str], vault: Vault
) -> None:
    assert (vault.settings.data_dir / "run" / "metrics").is_dir()  # the jobs process's
    send_batch(served.url)
    deadline = time.monotonic() + SETTLE_SECONDS
    while healthz_count(text := scrape(served.url, admin)) < BATCH:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert healthz_count(text) == BATCH
    assert text.count("# TYPE callvault_http_requests_total counter") == 1
