"""What is on disk: no plaintext PHI or audio; tampering, moving and shredding all fail
closed; key rotation keeps everything readable."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, table

from callvault.audit.context import ServiceContext
from callvault.audit.service import RequestInfo
from callvault.authz.principal import system_principal
from callvault.backup.snapshot import sqlite_path
from callvault.blobs.factory import create_blob_store
from callvault.calls.fields import CALL_FIELDS
from callvault.calls.models import StoredObject
from callvault.calls.objects import RECORDING_ORIGINAL
from callvault.calls.service import CallService
from callvault.cli.vault import open_keyring
from callvault.crypto.errors import KeyUnavailable
from callvault.crypto.models import DataKey, TenantKey
from callvault.crypto.rotation import rewrap_tenant, rotate_tenant_key
from callvault.db.base import LOCK_TIMEOUT_MS
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from callvault.web.background import JobsLoop
from tests.calls.conftest import TENANT_A, Reviewer, TokenFactory
from tests.calls.factories import call_payload, wav_bytes

CANARY_NAME = "Zebulon Canaryfield"
CANARY_NOTE = "canary-note-7f3e"
CANARY_NUMBER = "+12025550186"


def ingest(client: TestClient, auth: TokenFactory, audio: bytes) -> str:
    ingest_headers = auth("integration")
    call_id: str = client.post(
        "/api/v1/calls",
        json=call_payload(caller_number=CANARY_NUMBER, caller_name=CANARY_NAME, notes=CANARY_NOTE),
        headers=ingest_headers,
    ).json()["id"]
    response = client.put(
        f"/api/v1/calls/{call_id}/recording",
        content=audio,
        headers=ingest_headers | {"Content-Type": "audio/wav"},
    )
    assert response.status_code == 204
    return call_id


def every_file_byte(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file())


def stored(settings: Settings, call_id: str) -> StoredObject:
    with open_keyring(settings) as (session, _):
        return session.execute(
            select(StoredObject).where(StoredObject.call_id == call_id)
        ).scalar_one()


def blob_path(settings: Settings, obj: StoredObject) -> Path:
    return settings.blob_dir / obj.blob_key


@pytest.mark.sqlite_only
def test_database_and_blobs_hold_no_plaintext_phi_or_audio(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    audio = wav_bytes(seconds=2, frequency=1234)
    ingest(client, auth, audio)

    everything = every_file_byte(vault.data_dir)  # SQLite file, its WAL, blobs, keys

    for needle in (CANARY_NAME, CANARY_NOTE, CANARY_NUMBER, CANARY_NUMBER[2:], "202-555-0186"):
        assert needle.encode() not in everything
        assert needle.encode("utf-16-le") not in everything
    assert audio[44:1044] not in everything  # a slice of the PCM samples
    assert b"RIFF" not in every_file_byte(vault.blob_dir)


def test_database_rows_hold_no_plaintext_phi(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    ingest(client, auth, wav_bytes(seconds=1))
    with open_keyring(vault) as (session, _):
        dump = "\n".join(
            str(row)
            for name in ("calls", "call_objects", "data_keys", "audit_events")
            for row in session.execute(select("*").select_from(table(name))).all()
        )
    for needle in (CANARY_NAME, CANARY_NOTE, CANARY_NUMBER, CANARY_NUMBER[2:]):
        assert needle not in dump


@pytest.mark.parametrize("where", ["header", "first-segment", "last-byte"])
def test_a_flipped_byte_in_a_stored_blob_is_refused(
    client: TestClient, auth: TokenFactory, reviewer: Reviewer, vault: Settings, where: str
) -> None:
    call_id = ingest(client, auth, wav_bytes(seconds=2))
    path = blob_path(vault, stored(vault, call_id))
    data = bytearray(path.read_bytes())
    offset = {"header": 5, "first-segment": 200, "last-byte": len(data) - 1}[where]
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))

    response = client.get(f"/api/v1/calls/{call_id}/recording/original", headers=reviewer())

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert b"RIFF" not in response.content


def test_a_blob_moved_to_another_call_does_not_open(
    client: TestClient, auth: TokenFactory, reviewer: Reviewer, vault: Settings
) -> None:
    first = ingest(client, auth, wav_bytes(seconds=1, frequency=500))
    second = ingest(client, auth, wav_bytes(seconds=1, frequency=700))
    source, target = blob_path(vault, stored(vault, first)), blob_path(vault, stored(vault, second))
    target.write_bytes(source.read_bytes())

    response = client.get(f"/api/v1/calls/{second}/recording/original", headers=reviewer())

    assert response.status_code == 500
    assert b"RIFF" not in response.content


def test_a_blob_moved_across_tenants_does_not_open(
    client: TestClient, auth: TokenFactory, reviewer: Reviewer, vault: Settings
) -> None:
    ours = ingest(client, auth, wav_bytes(seconds=1))
    theirs_headers = auth("integration", tenant="clinic-b")
    theirs = client.post("/api/v1/calls", json=call_payload(), headers=theirs_headers).json()["id"]
    client.put(
        f"/api/v1/calls/{theirs}/recording",
        content=wav_bytes(seconds=1),
        headers=theirs_headers | {"Content-Type": "audio/wav"},
    )
    blob_path(vault, stored(vault, theirs)).write_bytes(
        blob_path(vault, stored(vault, ours)).read_bytes()
    )

    response = client.get(
        f"/api/v1/calls/{theirs}/recording/original", headers=reviewer(tenant="clinic-b")
    )
    assert response.status_code == 500


def test_a_shredded_recording_cannot_be_read_by_any_path(
    client: TestClient, auth: TokenFactory, reviewer: Reviewer, vault: Settings, app: object
) -> None:
    audio = wav_bytes(seconds=1)
    call_id = ingest(client, auth, audio)
    obj = stored(vault, call_id)
    kept_ciphertext = blob_path(vault, obj).read_bytes()  # as if a backup kept a copy

    with open_keyring(vault) as (session, keyring):
        tenant_id = obj.tenant_id
        principal = system_principal(tenant_id, "test", ["supervisor"])
        service = CallService(
            ServiceContext(session, principal, RequestInfo(), keyring), create_blob_store(vault)
        )
        service.objects.shred(call_id, RECORDING_ORIGINAL)

    assert (
        client.get(f"/api/v1/calls/{call_id}/recording/original", headers=reviewer()).status_code
        == 404
    )
    assert not blob_path(vault, obj).exists()
    with open_keyring(vault) as (session, keyring):
        data_key = session.get_one(DataKey, obj.data_key_id)
        assert data_key.wrapped_dek is None and data_key.destroyed_at is not None
        with pytest.raises(KeyUnavailable):
            keyring.unwrap_data_key(data_key)
    assert kept_ciphertext  # the copy exists, but no key in the vault can open it


@pytest.mark.sqlite_only
def test_a_shredded_key_is_gone_from_the_database_files(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    call_id = ingest(client, auth, wav_bytes(seconds=1))
    wrapped = shred_original(vault, call_id)

    on_disk = database_bytes(vault)
    assert wrapped not in on_disk
    assert wrapped[-16:] not in on_disk  # not even its tag


@pytest.mark.sqlite_only
def test_a_shred_beside_an_open_reader_holds_no_writer_back_and_the_jobs_loop_purges(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    """The WAL cannot be truncated while a reader is on an older snapshot; a checkpoint
    that waited for it would hold the write lock (every writer behind it) for up to the
    lock timeout. The shred's checkpoint gives up at once; the jobs loop's tick finishes
    the purge once the reader is gone."""
    call_id = ingest(client, auth, wav_bytes(seconds=1))
    database = sqlite_path(vault)
    reader = sqlite3.connect(database, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM data_keys").fetchone()  # holds its snapshot

    started = time.monotonic()
    wrapped = shred_original(vault, call_id)
    assert time.monotonic() - started < LOCK_TIMEOUT_MS / 1000 / 2
    assert wrapped in database_bytes(vault)  # still in the WAL: the purge is pending

    reader.execute("COMMIT")
    reader.close()
    loop = JobsLoop(vault)
    try:
        loop.run_once()
    finally:
        loop.close()
    assert wrapped not in database_bytes(vault)
    assert not any(database.with_name(database.name + "-purge").iterdir())


def shred_original(vault: Settings, call_id: str) -> bytes:
    """Shred the call's original recording; its wrapped data key as it was stored."""
    obj = stored(vault, call_id)
    with open_keyring(vault) as (session, keyring):
        wrapped = session.get_one(DataKey, obj.data_key_id).wrapped_dek
        principal = system_principal(obj.tenant_id, "test", ["supervisor"])
        service = CallService(
            ServiceContext(session, principal, RequestInfo(), keyring), create_blob_store(vault)
        )
        service.objects.shred(call_id, RECORDING_ORIGINAL)
    assert wrapped is not None
    return wrapped


def database_bytes(vault: Settings) -> bytes:
    """The database file and its WAL (wherever the vault's URL puts them)."""
    database = sqlite_path(vault)
    files = [database, database.with_name(database.name + "-wal")]
    found = [p.read_bytes() for p in files if p.exists()]
    assert found, "no database file"
    return b"".join(found)


def test_rotation_keeps_old_data_readable_and_moves_keys_forward(
    client: TestClient, auth: TokenFactory, reviewer: Reviewer, vault: Settings
) -> None:
    audio = wav_bytes(seconds=1)
    call_id = ingest(client, auth, audio)
    with open_keyring(vault) as (session, keyring):
        tenant_id = get_tenant(session, TENANT_A).id
        version = rotate_tenant_key(session, keyring, tenant_id)
        # Before the rewrap job runs, old ciphertexts still open.
    reader, player = auth("supervisor"), reviewer()
    played = client.get(f"/api/v1/calls/{call_id}/recording/original", headers=player)
    assert played.content == audio
    assert (
        client.get(f"/api/v1/calls/{call_id}", headers=reader).json()["caller_name"] == CANARY_NAME
    )

    with open_keyring(vault) as (session, keyring):
        report = rewrap_tenant(session, keyring, tenant_id, [CALL_FIELDS])
        versions = (
            session.execute(select(DataKey.key_version).where(DataKey.tenant_id == tenant_id))
            .scalars()
            .all()
        )
        key_versions = (
            session.execute(select(TenantKey.version).where(TenantKey.tenant_id == tenant_id))
            .scalars()
            .all()
        )

    assert version == 2 and sorted(key_versions) == [1, 2]
    assert report.data_keys == 1 and report.fields == 3
    assert set(versions) == {2}
    played = client.get(f"/api/v1/calls/{call_id}/recording/original", headers=player)
    assert played.content == audio
    body = client.get(f"/api/v1/calls/{call_id}", headers=reader).json()
    assert (body["caller_name"], body["notes"]) == (CANARY_NAME, CANARY_NOTE)
    found = client.get("/api/v1/calls", params={"caller_number": CANARY_NUMBER}, headers=reader)
    assert [c["id"] for c in found.json()["items"]] == [call_id]
    new_call = ingest(client, auth, audio)
    with open_keyring(vault) as (session, _):
        new_key = session.get_one(DataKey, stored(vault, new_call).data_key_id)
    assert new_key.key_version == 2
