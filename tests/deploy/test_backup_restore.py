"""deploy/callvault-backup.sh and the restore drill of docs/deploy.md, on a vault that is
serving: the backup is consistent although the newest rows are still only in SQLite's
WAL, it holds no root key, and a restore with the key brought back from where it is kept
apart passes ``callvault audit verify`` and serves the same data."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from callvault.cli.vault import open_keyring
from callvault.identity.tokens import create_token
from callvault.instance import initialise
from callvault.settings import Settings, load_settings
from callvault.tenants.service import get_tenant
from callvault.web.app import create_app
from tests.calls.factories import call_payload

from ._stack import CALLVAULT, DEPLOY

pytestmark = [
    pytest.mark.sqlite_only,  # the script backs up SQLite; PostgreSQL has pg_dump
    pytest.mark.skipif(shutil.which("sqlite3") is None, reason="sqlite3 CLI not installed"),
]

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
    initialise(settings, TENANT)
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


def _run_backup(data_dir: Path, dest: Path, *extra: str) -> Path:
    result = subprocess.run(
        [str(BACKUP), str(data_dir), str(dest), *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def _restore(backup: Path, target: Path, key: Path | None) -> Path:
    """The drill: unpack (decrypt) the backup, check its sums, bring the root key back."""
    target.mkdir(mode=0o700)
    if backup.suffix == ".age":
        assert key is not None
        decrypted = subprocess.run(
            ["age", "--decrypt", "--identity", str(key), str(backup)],
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-C", str(target), "-xf", "-"], input=decrypted.stdout, check=True)
    else:
        shutil.copytree(backup, target, dirs_exist_ok=True)
    subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=target, check=True)
    return target


def _age_identity(directory: Path) -> tuple[Path, Path]:
    key, recipients = directory / "backup-identity.txt", directory / "backup-recipients.txt"
    subprocess.run(["age-keygen", "-o", str(key)], capture_output=True, check=True)
    public = subprocess.run(["age-keygen", "-y", str(key)], capture_output=True, check=True)
    recipients.write_bytes(public.stdout)
    return key, recipients


@pytest.mark.parametrize(
    "encrypted",
    [
        pytest.param(False, id="plain-directory"),
        pytest.param(
            True,
            id="age-encrypted",
            marks=pytest.mark.skipif(shutil.which("age") is None, reason="age not installed"),
        ),
    ],
)
def test_an_online_backup_restores_verifies_and_serves_the_same_data(
    serving: Serving, tmp_path: Path, encrypted: bool
) -> None:
    data = serving.settings.data_dir
    # The newest rows live only in the WAL while the app holds its connections: a plain
    # copy of callvault.db would lose them. This is what the backup must not do.
    assert (data / "callvault.db-wal").stat().st_size > 0
    shutil.copy(data / "callvault.db", tmp_path / "plain-copy.db")
    assert _count_calls(tmp_path / "plain-copy.db") < len(serving.call_ids)

    key, recipients = _age_identity(tmp_path) if encrypted else (None, None)
    extra = ["--age-recipients", str(recipients)] if recipients else []
    backup = _run_backup(data, tmp_path / "backups", *extra)

    restored = _restore(backup, tmp_path / "restored", key)
    assert not (restored / "root.key").exists()  # kept apart: the drill brings it back
    shutil.copy(data / "root.key", restored / "root.key")
    (restored / "root.key").chmod(0o600)
    assert _count_calls(restored / "callvault.db") == len(serving.call_ids)

    verify = subprocess.run(
        [str(CALLVAULT), "audit", "verify", "--data-dir", str(restored)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert verify.returncode == 0, verify.stderr
    assert verify.stdout.startswith("audit log intact")

    with TestClient(create_app(load_settings(restored, environ={}))) as client:
        for call_id in serving.call_ids:
            url = f"/api/v1/calls/{call_id}/transcript"
            after = client.get(url, headers=serving.headers)
            assert after.status_code == 200
            assert after.json() == serving.client.get(url, headers=serving.headers).json()


def test_an_encrypted_backup_holds_nothing_readable(serving: Serving, tmp_path: Path) -> None:
    if shutil.which("age") is None:
        pytest.skip("age not installed")
    _, recipients = _age_identity(tmp_path)

    backup = _run_backup(
        serving.settings.data_dir, tmp_path / "backups", "--age-recipients", str(recipients)
    )

    assert [p.name for p in backup.parent.iterdir()] == [backup.name]  # no clear copy left
    blob = backup.read_bytes()
    assert b"SQLite format 3" not in blob and b"BEGIN CERTIFICATE" not in blob


def test_the_backup_refuses_what_is_not_a_data_directory(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(BACKUP), str(tmp_path), str(tmp_path / "backups")], capture_output=True, text=True
    )

    assert result.returncode == 1
    assert "not a CallVault data directory" in result.stderr
