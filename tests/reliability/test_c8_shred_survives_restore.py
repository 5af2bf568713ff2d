"""C8 shred-verify: a crypto-shredded canary stays unreadable, in the live vault and in a
vault restored from a backup made before the shred.

A backup keeps the data keys it held when made (docs/backups.md), so the restore alone
brings the canary back; ``callvault retention reapply-shreds`` (the source vault's
destroyed-key ledger applied to the restored one) is what must take it away again. The
other tenant's data is untouched throughout."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from callvault.audit.cli import verify_vault
from callvault.backup.create import create_backup
from callvault.backup.restore import restore_backup
from callvault.settings import Settings
from callvault.web.app import create_app
from tests._vault import TENANT_A, TENANT_B, TokenFactory

from .conftest import (
    CanaryCall,
    add_canary_call,
    data_keys_of,
    found_in,
    process_recordings,
    raw_bytes,
    run_cli,
    vault_args,
    wrapped_dek,
)

# The number called is call metadata, stored as it is: proof the byte search sees the rows.
CLEAR_METADATA = b"+12025550100"
SHRED_ALL = [
    "recording_original",
    "recording_scrubbed",
    "transcript_original",
    "transcript_redacted",
    "call_phi",
]


def _shred_by_retention(vault: Settings) -> None:
    """The tenant's retention set to one day for every PHI type, then the sweep."""
    periods = [f"{name}=1" for name in SHRED_ALL]
    code, _, err = run_cli("retention", "set", "--tenant", TENANT_A, *periods, *vault_args(vault))
    assert code == 0, err
    code, out, err = run_cli("retention", "sweep", *vault_args(vault))
    assert code == 0, err
    assert "shredded 0" not in out


def _reads(settings: Settings, call: CanaryCall, headers: dict[str, str]) -> dict[str, object]:
    """What a supervisor sees of the call: status codes and the call's notes."""
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        url = f"/api/v1/calls/{call.id}"
        detail = client.get(url, headers=headers)
        return {
            "transcript": client.get(f"{url}/transcript", headers=headers).status_code,
            "recording": client.get(f"{url}/recording", headers=headers).status_code,
            "notes": detail.json().get("notes") if detail.status_code == 200 else None,
        }


def test_a_shredded_canary_stays_unreadable_after_restoring_an_older_backup(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    backups: Path,
    restore_target: object,
) -> None:
    writer_a, writer_b = auth("integration"), auth("integration", TENANT_B)
    # Made before the backup, so the restored vault knows them too.
    reader_a, reader_b = auth("supervisor"), auth("supervisor", TENANT_B)
    canary = add_canary_call(client, writer_a, "canary-zebra-lantern-quartz", tag=8)
    other = add_canary_call(client, writer_b, "canary-other-tenant-heron", tag=9)
    process_recordings(vault)
    deks = data_keys_of(vault, canary.id)
    assert len(deks) >= 2  # the recording and the transcript
    needles = canary.needles() + list(deks.values())
    old = backups / "before-shred.cvbak"
    create_backup(vault, old)

    _shred_by_retention(vault)

    assert all(wrapped_dek(vault, key_id) is None for key_id in deks)
    assert _reads(vault, canary, reader_a) == {"transcript": 404, "recording": 404, "notes": None}
    assert found_in(raw_bytes(vault), needles) == []
    assert found_in(raw_bytes(vault), [CLEAR_METADATA]) != []  # the search reaches the rows

    restored = restore_target()  # type: ignore[operator]
    restore_backup(restored, old, vault.root_key_path)
    # The backup's window (docs/backups.md): restored alone, the old backup reads it.
    assert _reads(restored, canary, reader_a)["transcript"] == 200

    source = ["--from-data-dir", vault.data_dir, "--from-database-url", vault.database_url]
    code, out, err = run_cli("retention", "reapply-shreds", *source, *vault_args(restored))
    assert code == 0, err
    assert out.startswith("reapplied shreds: ") and "0 piece" not in out

    assert all(wrapped_dek(restored, key_id) is None for key_id in deks)
    assert _reads(restored, canary, reader_a) == {
        "transcript": 404,
        "recording": 404,
        "notes": None,
    }
    assert found_in(raw_bytes(restored), needles) == []
    assert not verify_vault(restored).bad  # the re-shred certificates chain on
    again = run_cli("retention", "reapply-shreds", *source, *vault_args(restored))
    assert again[:2] == (0, f"reapplied shreds: 0 piece(s) destroyed in {restored.data_dir}\n")

    assert _reads(restored, other, reader_b) == {
        "transcript": 200,
        "recording": 200,
        "notes": other.text,
    }
