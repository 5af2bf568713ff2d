"""F3 kill9-mid-shred (RELIABILITY.md §3), at random moments.

``tests/lifecycle/test_sweep_interrupted.py`` kills a sweep at the two chosen points of
its protocol (before and after a batch's commit). This adds what the row asks beyond
that: a real SIGKILL from outside, at a random offset into a sweep of several objects
(one transaction per call, so the kill can land anywhere: mid-batch, mid-commit, in
the WAL checkpoint, between commit and blob deletion), several rounds over the same
vault, then a run to the end.

Pass: after every kill each object is fully intact or fully shredded, and the audit
log holds exactly one certificate per shredded object; after the final run all are
shredded, each with exactly one certificate, no blob is left, and ``callvault audit
verify`` passes. Rounds: ``CALLVAULT_F3_ROUNDS`` (3; seed printed, ``CALLVAULT_F3_SEED``).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter

from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.blobs.factory import create_blob_store
from callvault.calls.models import StoredObject
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from tests._vault import TokenFactory
from tests.lifecycle._lifecycle import AS_OF, OLD, certificates, make_call, set_policy
from tests.lifecycle.test_sweep_interrupted import states
from tests.reliability._faults2 import REPO, audit_verify, sweeper

ROUNDS = int(os.environ.get("CALLVAULT_F3_ROUNDS", "3"))
SEED = int(os.environ.get("CALLVAULT_F3_SEED", str(random.SystemRandom().randrange(10**6))))
CALLS = 8

# One sweep, one call per transaction; says when it is about to start shredding.
SWEEP = """
import sys
from callvault.blobs.factory import create_blob_store
from callvault.settings import load_settings
from tests.lifecycle._lifecycle import AS_OF
from tests.reliability._faults2 import sweeper

settings = load_settings(sys.argv[1], sys.argv[2])
job = sweeper(settings, create_blob_store(settings), batch=1)
print("sweeping", flush=True)
job.run(AS_OF)
print("done", flush=True)
"""


def sweep_killed_at(settings: Settings, offset: float) -> bool:
    """Run a sweep; SIGKILL it ``offset`` seconds after it starts shredding. Whether
    the kill came before it finished."""
    process = subprocess.Popen(
        [sys.executable, "-c", SWEEP, str(settings.data_dir), settings.database_url],
        cwd=REPO,
        env=os.environ | {"PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == b"sweeping\n"
    time.sleep(offset)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    return process.returncode == -signal.SIGKILL


def test_sweeps_killed_at_random_moments_leave_nothing_half_shredded(
    vault: Settings, client: TestClient, auth: TokenFactory
) -> None:
    rng = random.Random(SEED)
    print(f"F3 seed {SEED}, {ROUNDS} rounds")
    for _ in range(CALLS):
        make_call(client, auth, OLD)
    with open_keyring(vault) as (session, _):
        rows = list(session.scalars(select(StoredObject)))
        objects = {row.id: (row.data_key_id, row.blob_key) for row in rows}
    assert len(objects) >= 2 * CALLS  # a recording and a transcript each, at least
    set_policy(vault, recording_original=30, transcript_redacted=30, transcript_original=30)

    interrupted = 0
    for _ in range(ROUNDS):
        interrupted += sweep_killed_at(vault, rng.uniform(0.0, 1.5))
        after_kill = states(vault, objects)
        assert "half" not in after_kill.values(), after_kill
        certified = Counter(c["object"] for c in certificates(vault))
        shredded = {o for o, state in after_kill.items() if state == "shredded"}
        assert set(certified) == shredded and set(certified.values()) <= {1}
        print(f"F3: killed with {len(shredded)} of {len(objects)} objects shredded")

    sweeper(vault, create_blob_store(vault)).run(AS_OF)

    assert set(states(vault, objects).values()) == {"shredded"}
    certified = Counter(c["object"] for c in certificates(vault))
    assert certified == Counter(list(objects))  # exactly one certificate per object
    assert not [p for p in vault.blob_dir.rglob("*") if p.is_file() and p.name in objects]
    verified = audit_verify(vault)
    assert verified.returncode == 0, verified.stderr[-2000:]
    print(f"F3: {interrupted} of {ROUNDS} sweeps killed before they finished")
