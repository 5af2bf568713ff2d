"""Shared helpers of the crash and fault tests F1, F3, F4 and F9 (RELIABILITY.md §3):
a vault with an ingest and a reviewer token, and the checks every row ends with (rows
point at whole objects, no plaintext on disk, the database and audit chain intact)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import sqlite3
import subprocess
import sys
import wave
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, text

from callvault.audit.runtime import AuditRuntime
from callvault.blobs.factory import create_blob_store
from callvault.blobs.interface import BlobStore
from callvault.calls.models import StoredObject
from callvault.cli.vault import open_keyring
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.db.base import create_db_engine, create_session_factory
from callvault.identity.models import CustomRole
from callvault.identity.tokens import create_token
from callvault.instance import initialise
from callvault.lifecycle.orphans import GRACE
from callvault.lifecycle.sweep import Sweeper
from callvault.settings import Settings, load_settings
from callvault.tenants.service import get_tenant
from tests._baa import CLINIC_BAA

TENANT = "clinic-a"
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Tokens:
    ingest: dict[str, str]  # an integration token: creates calls, uploads recordings
    reviewer: dict[str, str]  # call:read + recording:play_unredacted: plays the original


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_vault(data_dir: Path, database_url: str, **environ: str) -> tuple[Settings, Tokens]:
    """An initialised vault (tenant with a BAA) and the two tokens the fault tests use."""
    settings = load_settings(data_dir, database_url, environ=environ)
    initialise(settings, TENANT, CLINIC_BAA)
    return settings, tokens_for(settings)


def tokens_for(settings: Settings) -> Tokens:
    with open_keyring(settings) as (session, _):
        tenant_id = get_tenant(session, TENANT).id
        allow = json.dumps(["call:read", "recording:play_unredacted"])
        session.add(CustomRole(tenant_id=tenant_id, name="reviewer", allow=allow))
        session.flush()
        reviewer = create_token(session, tenant_id, "reviewer")
        ingest = create_token(session, tenant_id, "integration")
        session.commit()
    return Tokens({"Authorization": f"Bearer {ingest}"}, {"Authorization": f"Bearer {reviewer}"})


def stored_objects(settings: Settings) -> list[StoredObject]:
    with open_keyring(settings) as (session, _):
        rows = list(session.scalars(select(StoredObject)))
        session.expunge_all()
        return rows


def rows_pointing_at_bad_blobs(settings: Settings, blobs: BlobStore | None = None) -> list[str]:
    """Ids of rows whose blob is missing or not the bytes the row recorded (truncated,
    half-written): what the fault rows require to be empty."""
    store = blobs if blobs is not None else create_blob_store(settings)
    bad = []
    for row in stored_objects(settings):
        if not store.exists(row.blob_key):
            bad.append(row.id)
            continue
        digest = hashlib.sha256()
        for chunk in store.read(row.blob_key):
            digest.update(chunk)
        if row.ciphertext_sha256 is not None and digest.hexdigest() != row.ciphertext_sha256:
            bad.append(row.id)
    return bad


def noise_wav(size: int, seed: int = 7) -> bytes:
    """A mono 8 kHz 16-bit WAV of about ``size`` bytes, of noise (cheap to make, and
    a run of it found on disk can only be this recording's plaintext)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(random.Random(seed).randbytes(size // 2 * 2))
    return buffer.getvalue()


def files_holding(roots: list[Path], needles: list[bytes]) -> list[Path]:
    """Files under ``roots`` that contain any of ``needles`` (plaintext audio)."""
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                if any(needle in data for needle in needles):
                    found.append(path)
    return found


def plaintext_needles(audio: bytes) -> list[bytes]:
    """Pieces of a WAV that only its plaintext holds: the format chunk and a run of
    samples from the middle."""
    middle = len(audio) // 2
    return [b"WAVEfmt ", audio[middle : middle + 256]]


def sqlite_state(settings: Settings) -> dict[str, object]:
    """What F1 checks of an SQLite database: ``integrity_check`` on the file, and the
    pragmas a connection of ours gets (``synchronous`` is per connection)."""
    path = settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as plain:
        integrity = plain.execute("PRAGMA integrity_check").fetchall()
    engine = create_db_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            journal = connection.execute(text("PRAGMA journal_mode")).scalar_one()
            synchronous = connection.execute(text("PRAGMA synchronous")).scalar_one()
    finally:
        engine.dispose()
    return {"integrity": integrity, "journal_mode": journal, "synchronous": synchronous}


def audit_verify(settings: Settings) -> subprocess.CompletedProcess[str]:
    """``callvault audit verify`` as the operator runs it."""
    return cli(settings, "audit", "verify")


def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "callvault.cli", *args]
    command += ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=REPO,
        env=os.environ | {"PYTHONPATH": str(REPO)},
    )


def sweeper(
    settings: Settings, blobs: BlobStore, *, grace: timedelta = GRACE, batch: int = 200
) -> Sweeper:
    """The retention sweep the jobs process runs, on ``blobs``, with an orphan grace."""
    root = LocalKeyFileProvider(settings.root_key_path)
    engine = create_db_engine(settings.database_url)
    info = AuditRuntime.for_settings(settings, root).session_info()
    sessions = create_session_factory(engine, info)
    return Sweeper(sessions, root, blobs, batch=batch, orphan_grace=grace)
