"""The orphan sweep (``lifecycle.orphans``, run by every retention sweep): blobs that no
row names (an upload whose row never committed) are deleted once older than the grace
period; named blobs and young ones (an upload may still be writing) are kept."""

from __future__ import annotations

import os
import time

from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.calls.models import StoredObject
from callvault.cli.vault import open_keyring
from callvault.db.base import new_id
from callvault.lifecycle.orphans import GRACE
from callvault.settings import Settings
from tests._vault import TokenFactory

from ._lifecycle import RECENT, make_call, sweep
from .conftest import tenant_id_of


def age(path: os.PathLike[str], seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_the_sweep_deletes_old_blobs_no_row_names_and_keeps_the_rest(
    vault: Settings, client: TestClient, auth: TokenFactory
) -> None:
    call_id = make_call(client, auth, RECENT, transcript=False)
    with open_keyring(vault) as (session, _):
        named = session.scalars(select(StoredObject.blob_key)).one()
    tenant_dir = vault.blob_dir / tenant_id_of(vault)
    old_orphan, young_orphan = tenant_dir / new_id(), tenant_dir / new_id()
    for orphan in (old_orphan, young_orphan):
        orphan.write_bytes(os.urandom(64))
    past_grace = GRACE.total_seconds() + 60
    age(old_orphan, past_grace)
    age(vault.blob_dir / named, past_grace)  # old, but its row names it

    report = sweep(vault)

    assert report.unreferenced_blobs == 1
    assert "1 blob(s) no row names deleted" in report.summary()
    left = [p for p in vault.blob_dir.rglob("*") if p.is_file() and ".tmp" not in p.parts]
    assert sorted(left) == sorted([vault.blob_dir / named, young_orphan])
    with open_keyring(vault) as (session, _):
        assert session.scalars(select(StoredObject.call_id)).all() == [call_id]
