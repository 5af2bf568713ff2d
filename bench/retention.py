"""Benchmark: the retention sweep's rate, and whether it grows with the objects' size.

A fresh vault (``callvault init``) holds N expired calls with one transcript object each
(rows and blob files written directly, in bulk: the sweep is what is measured, not
ingest). Then, per database:

- **sweep**: ``Sweeper.run`` crypto-shreds all N (DEK destroyed, row deleted, one
  deletion certificate per object appended to the tamper-evident log, blob deleted),
  objects/s;
- **baseline**, same run, same rows re-created: the least any deletion must do, a plain
  ``DELETE`` of the object rows and an ``unlink`` of the files, in the sweep's batches;
- the sweep again at a second object size, to show the rate does not depend on it
  (the certificate's SHA-256 is recorded at store time, never computed at shred time).

    .venv/bin/python bench/retention.py                 # 100,000 objects, SQLite + PostgreSQL
    .venv/bin/python bench/retention.py --objects 5000 --no-postgres
    .venv/bin/python bench/retention.py --no-sqlite --sizes-kib 1,16
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, insert

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # callvault()

import audit as audit_bench  # its throwaway PostgreSQL
from callvault.audit.context import ServiceContext
from callvault.audit.runtime import AuditRuntime
from callvault.blobs.local import LocalBlobStore
from callvault.calls.models import Call, StoredObject
from callvault.cli.options import CLI_REQUEST, cli_principal
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.crypto.keyring import Keyring
from callvault.crypto.models import DataKey
from callvault.db.base import create_db_engine, create_session_factory, new_id
from callvault.lifecycle.retention import RetentionService, parse_periods
from callvault.lifecycle.sweep import BATCH, Sweeper
from callvault.settings import Settings, load_settings
from callvault.tenants.service import get_tenant

TENANT = "bench-clinic"
STARTED = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
AS_OF = datetime(2026, 1, 6, tzinfo=UTC)


@contextmanager
def vault(root: Path, database_url: str | None) -> Iterator[Settings]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLVAULT_")}
    env["CALLVAULT_DATA_DIR"] = str(root / "data")
    if database_url:
        env["CALLVAULT_DATABASE_URL"] = database_url
    load.callvault(env, "init", "--tenant", TENANT, *load.baa_options(root / "data"))
    yield load_settings(root / "data", database_url, environ={})


def seed(settings: Settings, count: int, size: int) -> list[tuple[str, str]]:
    """``count`` expired calls, each with a transcript object of ``size`` bytes (random
    bytes stand in for its ciphertext); their (object id, blob key)."""
    engine = create_db_engine(settings.database_url)
    blob = os.urandom(size)
    digest = hashlib.sha256(blob).hexdigest()
    made = []
    try:
        with create_session_factory(engine, {})() as session:
            tenant_id = get_tenant(session, TENANT).id
        for first in range(0, count, 5000):
            calls, keys, objects = [], [], []
            for _ in range(first, min(first + 5000, count)):
                call_id, object_id, key_id = new_id(), new_id(), new_id()
                calls.append(_call(tenant_id, call_id))
                keys.append(_key(tenant_id, key_id, object_id))
                objects.append(_object(tenant_id, call_id, object_id, key_id, size, digest))
                made.append((object_id, f"{tenant_id}/{object_id}"))
            with engine.begin() as db:
                db.execute(insert(Call), calls)
                db.execute(insert(DataKey), keys)
                db.execute(insert(StoredObject), objects)
        directory = settings.blob_dir / tenant_id
        directory.mkdir(parents=True, exist_ok=True)
        for object_id, _ in made:
            (directory / object_id).write_bytes(blob)
    finally:
        engine.dispose()
    return made


def _call(tenant_id: str, call_id: str) -> dict[str, object]:
    return {
        "id": call_id,
        "tenant_id": tenant_id,
        "caller_number_enc": os.urandom(48),
        "caller_number_index": os.urandom(16).hex(),
        "called_number": "+12025550100",
        "tracking_number": "+12025550111",
        "started_at": STARTED,
        "ended_at": STARTED,
        "direction": "inbound",
        "created_at": STARTED,
    }


def _key(tenant_id: str, key_id: str, object_id: str) -> dict[str, object]:
    return {
        "id": key_id,
        "tenant_id": tenant_id,
        "object_id": object_id,
        "purpose": "transcript",
        "key_version": 1,
        "wrapped_dek": os.urandom(60),
        "created_at": STARTED,
    }


def _object(
    tenant_id: str, call_id: str, object_id: str, key_id: str, size: int, digest: str
) -> dict[str, object]:
    return {
        "id": object_id,
        "tenant_id": tenant_id,
        "call_id": call_id,
        "kind": "transcript",
        "media_type": "application/json",
        "data_key_id": key_id,
        "blob_key": f"{tenant_id}/{object_id}",
        "plaintext_size": size,
        "ciphertext_sha256": digest,
        "created_at": STARTED,
    }


def timed_sweep(settings: Settings) -> float:
    root = LocalKeyFileProvider(settings.root_key_path)
    engine = create_db_engine(settings.database_url)
    sessions = create_session_factory(
        engine, AuditRuntime.for_settings(settings, root).session_info()
    )
    try:
        with sessions() as session:
            tenant_id = get_tenant(session, TENANT).id
            ctx = ServiceContext(
                session, cli_principal(tenant_id), CLI_REQUEST, Keyring(session, root)
            )
            RetentionService(ctx).set_directly(parse_periods({"transcript_redacted": 30}))
        sweeper = Sweeper(sessions, root, LocalBlobStore(settings.blob_dir))
        started = time.perf_counter()
        report = sweeper.run(AS_OF)
        elapsed = time.perf_counter() - started
    finally:
        engine.dispose()
    assert report.shredded["transcript_redacted"] > 0, report.summary()
    return elapsed


def timed_baseline(settings: Settings, made: list[tuple[str, str]]) -> float:
    engine = create_db_engine(settings.database_url)
    started = time.perf_counter()
    try:
        for first in range(0, len(made), BATCH):
            batch = made[first : first + BATCH]
            with engine.begin() as db:
                db.execute(delete(StoredObject).where(StoredObject.id.in_([o for o, _ in batch])))
            for _, key in batch:
                (settings.blob_dir / key).unlink()
    finally:
        engine.dispose()
    return time.perf_counter() - started


def run(
    root: Path, label: str, count: int, sizes: list[int], database: Callable[[], str | None]
) -> None:
    """The baseline, then a sweep per size, each in a fresh vault (``database()``)."""
    with vault(root / f"{label}-base", database()) as settings:
        made = seed(settings, count, sizes[0])
        base = count / timed_baseline(settings, made)
    print(f"{label}: baseline DELETE + unlink, {count:,} objects: {base:,.0f}/s")
    for size in sizes:
        with vault(root / f"{label}-{size}", database()) as settings:
            seed(settings, count, size)
            elapsed = timed_sweep(settings)
        rate = count / elapsed
        print(
            f"{label}: sweep, {count:,} objects of {size // 1024} KiB: {rate:,.0f}/s "
            f"({rate / base:.3f} of the baseline), {elapsed:.1f} s"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--sizes-kib", default="1,64", help="object sizes, comma-separated")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) * 1024 for s in args.sizes_kib.split(",")]
    root = Path(tempfile.mkdtemp(prefix="callvault-retention-"))
    try:
        if not args.no_sqlite:
            run(root, "SQLite", args.objects, sizes, lambda: None)
        if not args.no_postgres:
            with ExitStack() as stack:
                server = stack.enter_context(audit_bench.throwaway_postgres(root))
                if server is not None:
                    run(
                        root,
                        "PostgreSQL",
                        args.objects,
                        sizes,
                        lambda: stack.enter_context(audit_bench.fresh_database(server)),
                    )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
