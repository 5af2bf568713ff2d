"""deploy/callvault-backup.sh and the restore drill of docs/deploy.md, on a vault that is
serving: the backup (``callvault backup create``) is consistent although the newest rows
are still only in SQLite's WAL, holds nothing readable, and a restore with the root key
brought back from where it is kept apart passes ``callvault audit verify`` and serves the
same data; the script prunes the backups past the window."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from callvault.backup.create import create_backup
from callvault.cli.vault import open_keyring
from callvault.identity.tokens import create_token
from callvault.instance import initialise
from callvault.settings import Settings, load_settings
from callvault.tenants.service import get_tenant
from callvault.web.app import create_app
from tests._baa import CLINIC_BAA
from tests.calls.factories import call_payload

from ._stack import CALLVAULT, DEPLOY

pytestmark = pytest.mark.sqlite_only  # the vault's default layout; tests/backup has both

BACKUP = DEPLOY / "callvault-backup.sh"
TENANT = "clinic-a"
TRANSCRIPT = "Synthetic caller asks to move a checkup to Friday morning."


@dataclass(frozen=True)
class Serving:
    settings: Settings
    client: TestClient
    headers: dict[str, str]  # a supervisor token: reads calls and transcripts
    call_ids: list[str]


def _token(settings: Settings, role: str) -> dict[str, str]:
    with open_keyring(settings) as (session, _):
        token = create_token(session, get_tenant(session, TENANT).id, role)
        session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[Serving]:
    """A vault in its default layout (SQLite inside the data directory), with calls and
    transcripts written and read through the API while the app keeps its connections."""
    settings = load_settings(tmp_path / "data", environ={})
    initialise(settings, TENANT, CLINIC_BAA)
    ingest, supervisor = _token(settings, "integration"), _token(settings, "supervisor")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        call_ids = []
        for _ in range(3):
            response = client.post("/api/v1/calls", json=call_payload(), headers=ingest)
            assert response.status_code == 201
            call_ids.append(response.json()["id"])
            upload = client.put(
                f"/api/v1/calls/{call_ids[-1]}/transcript",
                json={"text": TRANSCRIPT},
                headers=ingest,
            )
            assert upload.status_code == 204
            assert (
                client.get(f"/api/v1/calls/{call_ids[-1]}", headers=supervisor).status_code == 200
            )
        yield Serving(settings, client, supervisor, call_ids)


def _count_calls(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute("SELECT count(*) FROM calls").fetchone()
    return int(count)


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CALLVAULT": str(CALLVAULT)}
    env.pop("CALLVAULT_DATABASE_URL", None)
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=120, check=False, env=env
    )


def _run_backup(data_dir: Path, dest: Path, *extra: str) -> Path:
    result = _run(BACKUP, data_dir, dest, *extra)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def test_an_online_backup_restores_verifies_and_serves_the_same_data(
    serving: Serving, tmp_path: Path
) -> None:
    data = serving.settings.data_dir
    # The newest rows live only in the WAL while the app holds its connections: a plain
    # copy of callvault.db would lose them. This is what the backup must not do.
    assert (data / "callvault.db-wal").stat().st_size > 0
    shutil.copy(data / "callvault.db", tmp_path / "plain-copy.db")
    assert _count_calls(tmp_path / "plain-copy.db") < len(serving.call_ids)

    backup = _run_backup(data, tmp_path / "backups")
    assert backup.suffix == ".cvbak" and backup.parent == tmp_path / "backups"

    # The drill: the root key comes back from where it is kept apart.
    escrowed = tmp_path / "escrowed-root.key"
    shutil.copy(data / "root.key", escrowed)
    escrowed.chmod(0o600)
    restored = tmp_path / "restored"
    restore = _run(CALLVAULT, "backup", "restore", backup, "--data-dir", restored,
                   "--root-key", escrowed)  # fmt: skip
    assert restore.returncode == 0, restore.stderr
    assert _count_calls(restored / "callvault.db") == len(serving.call_ids)

    verify = _run(CALLVAULT, "audit", "verify", "--data-dir", restored)
    assert verify.returncode == 0, verify.stderr
    assert verify.stdout.startswith("audit log intact")

    with TestClient(create_app(load_settings(restored, environ={}))) as client:
        for call_id in serving.call_ids:
            url = f"/api/v1/calls/{call_id}/transcript"
            after = client.get(url, headers=serving.headers)
            assert after.status_code == 200
            assert after.json() == serving.client.get(url, headers=serving.headers).json()


def test_a_backup_holds_nothing_readable(serving: Serving, tmp_path: Path) -> None:
    tls = serving.settings.tls_dir
    tls.mkdir(exist_ok=True)
    (tls / "cert.pem").write_text("-----BEGIN CERTIFICATE-----\nsynthetic\n")

    backup = _run_backup(serving.settings.data_dir, tmp_path / "backups")

    assert [p.name for p in backup.parent.iterdir()] == [backup.name]  # no clear copy left
    blob = backup.read_bytes()
    assert b"SQLite format 3" not in blob and b"BEGIN CERTIFICATE" not in blob
    assert TRANSCRIPT.encode() not in blob


def test_the_script_prunes_backups_past_the_window(serving: Serving, tmp_path: Path) -> None:
    dest = tmp_path / "backups"
    dest.mkdir()
    old = dest / "callvault-old.cvbak"
    create_backup(serving.settings, old, created_at=datetime.now(UTC) - timedelta(days=36))

    backup = _run_backup(serving.settings.data_dir, dest, "--keep-days", "35")

    assert sorted(dest.iterdir()) == [backup]


def test_the_backup_refuses_what_is_not_a_data_directory(tmp_path: Path) -> None:
    result = _run(BACKUP, tmp_path, tmp_path / "backups")

    assert result.returncode == 1
    assert "not a CallVault data directory" in result.stderr
