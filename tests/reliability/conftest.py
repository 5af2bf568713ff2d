"""Helpers for the fault-matrix tests (docs/reliability.md; the rows of RELIABILITY.md
section 3): a vault with calls holding synthetic canaries, the raw bytes of everything
a vault keeps on disk, and the CLI as an operator runs it."""

from __future__ import annotations

import random
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from callvault.calls.models import StoredObject
from callvault.cli.main import app as cli_app
from callvault.cli.vault import open_keyring
from callvault.crypto.models import DataKey
from callvault.settings import Settings
from tests.backup.conftest import backups, restore_target
from tests.calls.factories import call_payload

__all__ = ["backups", "restore_target"]


def run_cli(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli_app, [str(a) for a in args], env={})
    return result.exit_code, result.stdout, result.stderr


def vault_args(settings: Settings) -> list[str]:
    return ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url]


def canary_wav(tag: int, seconds: float = 0.5, rate: int = 8000) -> bytes:
    """A WAV of seeded noise: its sample bytes occur nowhere else, so any 64 of them are
    a canary for the recording's plaintext."""
    import io
    import wave

    noise = random.Random(tag).randbytes(int(seconds * rate) * 2)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(noise)
    return buffer.getvalue()


@dataclass
class CanaryCall:
    """A call whose notes, transcript and recording each hold a synthetic canary."""

    id: str
    text: str  # in the notes and the transcript
    audio: bytes  # the recording as uploaded
    dek_ids: list[str] = field(default_factory=list)

    def needles(self) -> list[bytes]:
        """Byte strings whose presence anywhere means the canary survived."""
        middle = len(self.audio) // 2
        return [self.text.encode(), self.audio[middle : middle + 64]]


def add_canary_call(client: TestClient, writer: dict[str, str], text: str, tag: int) -> CanaryCall:
    created = client.post("/api/v1/calls", json=call_payload(notes=text), headers=writer)
    assert created.status_code == 201, created.text
    call = CanaryCall(str(created.json()["id"]), text, canary_wav(tag))
    url = f"/api/v1/calls/{call.id}"
    put = client.put(f"{url}/transcript", json={"text": f"Synthetic {text} call."}, headers=writer)
    assert put.status_code == 204, put.text
    headers = writer | {"Content-Type": "audio/wav"}
    recording = client.put(f"{url}/recording", content=call.audio, headers=headers)
    assert recording.status_code in (201, 202, 204), recording.text
    return call


def process_recordings(settings: Settings) -> None:
    """Run the recording pipeline once (scrub, redact), as ``callvault jobs run`` does:
    a recording plays only once scrubbed."""
    from tests.pipeline._helpers import Pipeline

    pipeline = Pipeline(settings)
    try:
        results = pipeline.run()
    finally:
        pipeline.close()
    assert results and all(result.state == "done" for result in results), results


def telephony_agreement(settings: Settings, tenant: str) -> None:
    """Twilio may be configured only under a telephony BAA."""
    from callvault.tenants.agreements import AgreementKind
    from tests._baa import record_agreement

    record_agreement(settings, tenant, AgreementKind.TELEPHONY)


def data_keys_of(settings: Settings, call_id: str) -> dict[str, bytes]:
    """The call's objects' DEKs, unwrapped with the vault's keyring: id -> raw key."""
    with open_keyring(settings) as (session, keyring):
        rows = session.scalars(select(StoredObject).where(StoredObject.call_id == call_id))
        keys = [session.get(DataKey, row.data_key_id) for row in rows]
        return {k.id: keyring.unwrap_data_key(k).dek for k in keys if k is not None}


def wrapped_dek(settings: Settings, key_id: str) -> bytes | None:
    with open_keyring(settings) as (session, _):
        row = session.get(DataKey, key_id)
        return None if row is None else row.wrapped_dek


def files_under(*roots: Path) -> Iterator[Path]:
    for root in roots:
        if root.is_file():
            yield root
        elif root.is_dir():
            yield from (p for p in sorted(root.rglob("*")) if p.is_file())


def sqlite_files(settings: Settings) -> list[Path]:
    """The SQLite database file and its WAL (and shared memory), as they lie on disk."""
    database = Path(settings.database_url.removeprefix("sqlite:///"))
    return [database.with_name(database.name + s) for s in ("", "-wal", "-shm")]


def pg_dump_bytes(settings: Settings) -> bytes:
    """A plain-text pg_dump of the vault's PostgreSQL database (bytea as hex)."""
    url = settings.database_url.replace("postgresql+psycopg://", "postgresql://")
    done = subprocess.run(["pg_dump", "--no-owner", url], capture_output=True, check=True)
    return done.stdout


def raw_bytes(settings: Settings) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of everything the vault keeps: every file under the data directory,
    the SQLite database and its WAL, or a dump of the PostgreSQL database."""
    paths = list(files_under(settings.data_dir))
    if settings.is_sqlite:
        paths += [p for p in sqlite_files(settings) if p.exists() and p not in paths]
    for path in paths:
        yield str(path), path.read_bytes()
    if not settings.is_sqlite:
        yield "pg_dump", pg_dump_bytes(settings)


def found_in(blobs: Iterable[tuple[str, bytes]], needles: Iterable[bytes]) -> list[str]:
    """Where any needle occurs, raw or hex-encoded (how pg_dump prints bytea)."""
    wanted = [n for n in needles if n]
    wanted += [n.hex().encode() for n in wanted]
    return [name for name, data in blobs if any(n in data for n in wanted)]
