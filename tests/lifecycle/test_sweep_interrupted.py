"""A sweep killed with SIGKILL (RELIABILITY F3): every object is left either intact or
shredded, never half, and a re-run finishes the work with one certificate per object."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.calls.models import StoredObject
from callvault.cli.vault import open_keyring
from callvault.crypto.models import DataKey
from callvault.settings import Settings
from tests._vault import TokenFactory

from ._lifecycle import OLD, certificates, make_call, set_policy, sweep

CALLS = 12
BATCH = 5

# Runs a sweep in batches of BATCH and kills itself at the chosen point of batch 2.
CRASHING_SWEEP = """
import os, signal, sys
from callvault.lifecycle import shredding
from callvault.settings import load_settings
from tests.lifecycle._lifecycle import AS_OF, sweeper

point, data_dir, url, batch = sys.argv[1:5]
batch = int(batch)
settings = load_settings(data_dir, url)
calls = {"append": 0, "delete": 0}

def crash_on(name, after):
    calls[name] += 1
    if calls[name] > after:
        os.kill(os.getpid(), signal.SIGKILL)

real_append = shredding.append_events
def append(*args, **kwargs):
    if point == "before-commit":
        crash_on("append", 1)
    return real_append(*args, **kwargs)
shredding.append_events = append

sweep = sweeper(settings, batch=batch)
real_delete = sweep.blobs.delete
def delete(key):
    if point == "after-commit":
        crash_on("delete", batch)
    real_delete(key)
sweep.blobs.delete = delete
sweep.run(AS_OF)
"""


def states(settings: Settings, objects: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Per object id: intact (row, key and blob), shredded (no row, key destroyed; the
    blob is looked at separately), or half (anything else)."""
    found = {}
    with open_keyring(settings) as (session, _):
        rows = {row.id for row in session.scalars(select(StoredObject))}
        for object_id, (key_id, blob_key) in objects.items():
            key = session.get_one(DataKey, key_id)
            blob = (settings.blob_dir / blob_key).exists()
            if object_id in rows and key.wrapped_dek is not None and blob:
                found[object_id] = "intact"
            elif object_id not in rows and key.wrapped_dek is None:
                found[object_id] = "shredded"
            else:
                found[object_id] = "half"
    return found


@pytest.mark.parametrize("point", ["before-commit", "after-commit"])
def test_a_killed_sweep_leaves_nothing_half_shredded(
    vault: Settings, client: TestClient, auth: TokenFactory, point: str
) -> None:
    for _ in range(CALLS):
        make_call(client, auth, OLD, recording=False)
    with open_keyring(vault) as (session, _):
        objects = {
            row.id: (row.data_key_id, row.blob_key) for row in session.scalars(select(StoredObject))
        }
    set_policy(vault, transcript_redacted=30)

    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            CRASHING_SWEEP,
            point,
            str(vault.data_dir),
            vault.database_url,
            str(BATCH),
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        capture_output=True,
        check=False,
    )

    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    after_crash = states(vault, objects)
    assert "half" not in after_crash.values()
    assert list(after_crash.values()).count("shredded") == (
        BATCH if point == "before-commit" else 2 * BATCH
    )
    assert len(certificates(vault)) == list(after_crash.values()).count("shredded")

    report = sweep(vault)

    assert set(states(vault, objects).values()) == {"shredded"}
    assert report.orphan_blobs == (BATCH if point == "after-commit" else 0)
    assert not any(p.is_file() for p in vault.blob_dir.rglob("*") if p.name in objects)
    shredded_ids = sorted(c["object"] for c in certificates(vault))
    assert shredded_ids == sorted(objects)  # one certificate per object, none twice
