"""Three API nodes and two workers on one PostgreSQL and one S3 bucket (issue 20): the
API processes are stateless, so whatever one node knows, every node knows.

- a session made on one node works on the others, and ends on all when signed out on one;
- the per-address sign-in throttle and the per-account lockout count failures spread
  over the nodes together;
- audited writes and PHI reads, concurrently through every node: each answered read
  has exactly one audit event, the log's sequence has no gap or double, its signed tree
  heads grow with it, and ``callvault audit verify`` passes;
- an uploaded recording is processed to ``done`` once, by one of the workers.

PostgreSQL only: a cluster shares one database server, which SQLite is not.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pyotp
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from callvault.authz.credentials import CSRF_HEADER
from callvault.cli.main import app as cli
from callvault.cli.vault import open_keyring
from callvault.identity.passwords import hash_password
from callvault.identity.users import create_user
from callvault.tenants.agreements import AgreementKind
from callvault.tenants.service import get_tenant
from tests._baa import record_agreement
from tests._serve import TENANT, Vault, make_vault
from tests.audit._log import raw_database
from tests.calls.factories import call_payload, wav_bytes
from tests.cluster._cluster import Cluster, start_cluster

pytestmark = pytest.mark.postgresql_only

PASSWORD = "synthetic-Passphrase-4417"
WRONG = "not-the-Passphrase-9921"
NODES, WORKERS = 3, 2
SEED_CALLS, READS, WRITES, THREADS = 9, 90, 30, 9
DONE_SECONDS = 120.0  # the workers starting and scrubbing on a busy two-core machine
SIGNED_SECONDS = 60.0  # the workers sign what is due every second, when they get a core
# No attempt comes back during the test, however slowly the machine runs.
SLOW = "3600"
CLUSTER_ENV = {
    "CALLVAULT_TRANSCRIBER": "none",  # the recording comes with its transcript
    # The audit writer in a thread of each node, not a child process: three processes
    # fewer to start on a busy CI machine. Either writer appends under the tenant's log
    # head row lock in PostgreSQL, which is what serializes the nodes' appends.
    "CALLVAULT_AUDIT_WRITER": "thread",
    "CALLVAULT_SIGNIN_ADDRESS_BURST": "3",
    "CALLVAULT_SIGNIN_ADDRESS_INTERVAL_SECONDS": SLOW,
    "CALLVAULT_SIGNIN_ACCOUNT_INTERVAL_SECONDS": SLOW,
    # Signed tree heads often, by the workers and the nodes' writers at once.
    "CALLVAULT_AUDIT_SIGN_EVERY_EVENTS": "25",
    "CALLVAULT_AUDIT_SIGN_EVERY_SECONDS": "1",
}


@pytest.fixture
def vault(tmp_path: Path, database_url: str, moto_endpoint: str, bucket: str) -> Vault:
    made = make_vault(tmp_path / "data", database_url)
    record_agreement(made.settings, TENANT, AgreementKind.STORAGE)  # PHI may go to S3
    return made


@pytest.fixture
def cluster(vault: Vault, moto_endpoint: str, bucket: str) -> Iterator[Cluster]:
    s3 = {
        "CALLVAULT_BLOB_STORE": "s3",
        "CALLVAULT_S3_BUCKET": bucket,
        "CALLVAULT_S3_ENDPOINT_URL": moto_endpoint,
    }
    started = start_cluster(vault.settings, CLUSTER_ENV | s3, nodes=NODES, workers=WORKERS)
    try:
        yield started
    finally:
        started.close()


def add_user(vault: Vault, email: str, role: str = "supervisor") -> str:
    """A user with ``PASSWORD``; returns the TOTP secret."""
    hashed = hash_password(PASSWORD)
    with open_keyring(vault.settings) as (db, keyring):
        tenant_id = get_tenant(db, TENANT).id
        _, uri = create_user(db, keyring, tenant_id, email, hashed, [role])
        db.commit()
    return parse_qs(urlparse(uri).query)["secret"][0]


def from_address(ip: str) -> dict[str, str]:
    """What the balancer in front of the nodes would add."""
    return {"X-Forwarded-For": ip}


def login(url: str, email: str, password: str, ip: str) -> httpx.Response:
    body = {"email": email, "password": password}
    return httpx.post(f"{url}/api/v1/auth/login", json=body, headers=from_address(ip), timeout=60)


def test_three_api_nodes_and_two_workers_behave_as_one_server(
    cluster: Cluster, vault: Vault, s3_client: Any, bucket: str
) -> None:
    assert all(node.jobs_pid() is None for node in cluster.nodes)
    first, second, third = cluster.urls()

    check_a_session_made_on_one_node_works_on_every_node(vault, first, second, third)
    check_the_address_throttle_adds_up_across_nodes(cluster.urls())
    check_the_account_lockout_adds_up_across_nodes(vault, cluster.urls())
    reads = check_concurrent_writes_and_reads_through_every_node(vault, cluster.urls())
    assert all(worker.running() for worker in cluster.workers), cluster.logs()
    reads += check_a_recording_is_processed_once_by_a_worker(vault, second, third, cluster.logs)
    check_the_recordings_are_in_the_bucket_only(cluster, s3_client, bucket)
    check_the_log_is_one_sequence_with_signed_heads(vault, cluster)
    assert audited_reads(vault) == reads  # nothing read twice, nothing unrecorded
    check_audit_verify_passes(vault)


# -- sessions ----------------------------------------------------------------------------


def check_a_session_made_on_one_node_works_on_every_node(
    vault: Vault, first: str, second: str, third: str
) -> None:
    email = f"session@{TENANT}.example"
    totp = pyotp.TOTP(add_user(vault, email))
    here = from_address("192.0.2.10")
    with httpx.Client(base_url=first, timeout=60, headers=here) as client:
        answer = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        challenge = answer.json()["challenge"]
        mfa = client.post("/api/v1/auth/mfa", json={"challenge": challenge, "code": totp.now()})
        assert mfa.status_code == 200, mfa.text
    # The cookie is `Secure`: httpx will not send it back over plain HTTP by itself.
    session = here | {
        "Cookie": mfa.headers["set-cookie"].split(";", 1)[0],
        CSRF_HEADER: mfa.json()["csrf_token"],
    }
    call_id = create_call(first, vault)
    for url in (second, third, first):
        read = httpx.get(f"{url}/api/v1/calls/{call_id}", headers=session, timeout=60)
        assert read.status_code == 200, (url, read.text)
        assert read.json()["id"] == call_id
    assert httpx.post(f"{third}/api/v1/auth/logout", headers=session).status_code == 204
    for url in (first, second, third):
        gone = httpx.get(f"{url}/api/v1/calls/{call_id}", headers=session, timeout=60)
        assert gone.status_code == 401, (url, gone.text)


# -- throttles -----------------------------------------------------------------------------


def check_the_address_throttle_adds_up_across_nodes(urls: list[str]) -> None:
    """A burst of 3 failures per address, spread over the nodes: the 4th, on any node,
    is refused before any password work."""
    ip = "203.0.113.7"
    emails = (f"nobody{n}@{TENANT}.example" for n in itertools.count())
    spent = [login(url, next(emails), WRONG, ip) for url in urls]
    refused = login(urls[0], next(emails), WRONG, ip)
    elsewhere = login(urls[0], next(emails), WRONG, "203.0.113.8")
    assert [a.status_code for a in spent] == [401, 401, 401]
    assert refused.status_code == 429, refused.text
    assert int(refused.headers["retry-after"]) >= 1
    assert elsewhere.status_code == 401  # another address has its own bucket


def check_the_account_lockout_adds_up_across_nodes(vault: Vault, urls: list[str]) -> None:
    """Five wrong passwords for one account, each through another node and from
    another address: the account is locked, and its right password fails everywhere."""
    email = f"locked@{TENANT}.example"
    add_user(vault, email, role="agent")
    nodes = itertools.cycle(urls)
    wrong = [login(next(nodes), email, WRONG, f"198.51.100.{n}") for n in range(1, 6)]
    assert [a.status_code for a in wrong] == [401] * 5
    for n, url in enumerate(urls, start=10):
        assert login(url, email, PASSWORD, f"198.51.100.{n}").status_code == 401
    with raw_database(vault.settings) as db:
        failed, locked = db.execute(
            text("SELECT failed_logins, locked_until FROM users WHERE email = :e"), {"e": email}
        ).one()
        lockouts = db.execute(
            text("SELECT count(*) FROM audit_log_events WHERE action = 'auth:lockout'")
        ).scalar_one()
    assert (failed, lockouts) == (5, 1) and locked is not None


# -- the audit log under concurrent load ----------------------------------------------------


def create_call(url: str, vault: Vault) -> str:
    answer = httpx.post(f"{url}/api/v1/calls", json=call_payload(), headers=vault.ingest)
    assert answer.status_code == 201, answer.text
    call_id: str = answer.json()["id"]
    return call_id


def check_concurrent_writes_and_reads_through_every_node(vault: Vault, urls: list[str]) -> int:
    """Writes and reads at once, each request to the next node; returns the reads
    answered 200 so far (the session check made one per node)."""
    ids = [create_call(urls[n % NODES], vault) for n in range(SEED_CALLS)]
    clients = [httpx.Client(base_url=url, timeout=60) for url in urls]
    try:

        def read(n: int) -> int:
            path = f"/api/v1/calls/{ids[n % len(ids)]}"
            return clients[n % NODES].get(path, headers=vault.reader).status_code

        def write(n: int) -> int:
            client = clients[n % NODES]
            answer = client.post("/api/v1/calls", json=call_payload(), headers=vault.ingest)
            return answer.status_code

        with ThreadPoolExecutor(THREADS) as pool:
            writes = pool.map(write, range(WRITES))
            reads = pool.map(read, range(READS))
            write_codes, read_codes = list(writes), list(reads)
    finally:
        for client in clients:
            client.close()
    assert write_codes == [201] * WRITES and read_codes == [200] * READS
    per_call = audit_counts("call:read", ids, vault)
    assert per_call == {i: READS // len(ids) for i in ids}  # one event per answered read
    created = audit_counts("call:create", None, vault)
    assert sum(created.values()) == 1 + SEED_CALLS + WRITES  # the session check made one
    return READS + NODES


def audit_counts(action: str, ids: list[str] | None, vault: Vault) -> dict[str, int]:
    sql = "SELECT resource_id, count(*) FROM audit_log_events "
    sql += "WHERE action = :a AND outcome = 'allowed' GROUP BY resource_id"
    with raw_database(vault.settings) as db:
        rows = db.execute(text(sql), {"a": action}).all()
    counts = {str(resource): int(count) for resource, count in rows}
    return counts if ids is None else {i: counts.get(i, 0) for i in ids}


def audited_reads(vault: Vault) -> int:
    return sum(audit_counts("call:read", None, vault).values())


# -- the workers ----------------------------------------------------------------------------


def check_a_recording_is_processed_once_by_a_worker(
    vault: Vault, second: str, third: str, cluster_logs: Callable[[], str]
) -> int:
    """Uploaded through one node, processed by a worker, seen done through another;
    returns the reads that took."""
    call_id = create_call(second, vault)
    words = ["hello", "this", "is", "a", "synthetic", "call", "about", "a", "checkup"]
    timed = [{"word": w, "start": n * 0.2, "end": n * 0.2 + 0.15} for n, w in enumerate(words)]
    transcript = {"text": " ".join(words), "words": timed}  # nothing left to transcribe
    put = httpx.put(
        f"{second}/api/v1/calls/{call_id}/transcript", json=transcript, headers=vault.ingest
    )
    assert put.status_code == 204, put.text
    headers = vault.ingest | {"Content-Type": "audio/wav"}
    audio = wav_bytes(seconds=2)
    upload = httpx.put(
        f"{second}/api/v1/calls/{call_id}/recording", content=audio, headers=headers, timeout=60
    )
    assert upload.status_code == 204, upload.text
    state, reads = processing_state(third, vault, call_id, until="done")
    assert state == "done", f"{state}\n{cluster_logs()}"
    # Processed once: the pipeline stored one scrubbed recording (an audited write).
    with raw_database(vault.settings) as db:
        scrubs = db.execute(
            text(
                "SELECT count(*) FROM audit_log_events WHERE action = 'recording:upload' "
                "AND actor_type = 'service' AND resource_id = :c"
            ),
            {"c": call_id},
        ).scalar_one()
    assert scrubs == 1
    return reads


def check_the_recordings_are_in_the_bucket_only(
    cluster: Cluster, s3_client: Any, bucket: str
) -> None:
    """The original (stored by a node) and the scrubbed copy (by a worker) are objects in
    the one bucket, and no process kept a blob in its own data directory."""
    listing = s3_client.list_objects_v2(Bucket=bucket).get("Contents", [])
    assert len(listing) >= 2
    hosts = [n.settings for n in cluster.nodes] + [w.settings for w in cluster.workers]
    assert hosts and all(not any(p.is_file() for p in host.blob_dir.rglob("*")) for host in hosts)


def processing_state(url: str, vault: Vault, call_id: str, *, until: str) -> tuple[str, int]:
    """The call's processing state once it is ``until`` (or the last seen at the
    deadline), and how many reads (each a PHI read, audited) it took."""
    deadline = time.monotonic() + DONE_SECONDS
    seen, reads = "?", 0
    while time.monotonic() < deadline:
        answer = httpx.get(f"{url}/api/v1/calls/{call_id}", headers=vault.reader, timeout=60)
        assert answer.status_code == 200, answer.text
        reads += 1
        seen = str((answer.json().get("processing") or {}).get("state"))
        if seen == until:
            break
        time.sleep(0.5)
    return seen, reads


# -- signed tree heads and verification --------------------------------------------------------


def check_the_log_is_one_sequence_with_signed_heads(vault: Vault, cluster: Cluster) -> None:
    """Events from every node are one gap-free sequence; the workers sign it up to
    its end, one head per size, in growing time."""
    deadline = time.monotonic() + SIGNED_SECONDS
    while time.monotonic() < deadline and not fully_signed(vault):
        time.sleep(0.5)
    with raw_database(vault.settings) as db:
        size, signed = db.execute(text("SELECT size, signed_size FROM audit_logs")).one()
        seqs = [r[0] for r in db.execute(text("SELECT seq FROM audit_log_events ORDER BY seq"))]
        heads = db.execute(
            text("SELECT tree_size, timestamp_ms FROM audit_tree_heads ORDER BY tree_size")
        ).all()
    assert seqs == list(range(len(seqs))) and len(seqs) == size
    assert signed == size, cluster.logs()
    sizes = [tree_size for tree_size, _ in heads]
    times = [stamp for _, stamp in heads]
    assert len(heads) >= 3 and sizes[-1] == size
    assert times == sorted(times)  # a bigger tree was never signed before a smaller one


def fully_signed(vault: Vault) -> bool:
    with raw_database(vault.settings) as db:
        size, signed = db.execute(text("SELECT size, signed_size FROM audit_logs")).one()
    return bool(size == signed)


def check_audit_verify_passes(vault: Vault) -> None:
    settings = vault.settings
    where = ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url]
    verify = CliRunner().invoke(cli, ["audit", "verify", *where])
    assert verify.exit_code == 0, verify.output
