"""The last backup this data directory made and the last one it verified, kept in a
small file beside the vault (``backup-status.json``) so the live compliance status can
tell the backup's age and whether it was checked (``callvault.safeguards``).

Ids and times only. A vault that never made a backup has no file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from callvault.fsutil import write_atomically

STATUS_FILENAME = "backup-status.json"


@dataclass(frozen=True)
class BackupStatus:
    created_id: str | None = None
    created_at: datetime | None = None
    verified_id: str | None = None
    verified_at: datetime | None = None

    @property
    def latest_verified(self) -> bool:
        return self.created_id is not None and self.verified_id == self.created_id


def read_backup_status(data_dir: Path) -> BackupStatus:
    """The recorded status; an empty one when there is none or it cannot be read."""
    try:
        data = json.loads((data_dir / STATUS_FILENAME).read_text())
        return BackupStatus(
            created_id=data.get("created_id"),
            created_at=_moment(data.get("created_at")),
            verified_id=data.get("verified_id"),
            verified_at=_moment(data.get("verified_at")),
        )
    except (OSError, ValueError, TypeError, AttributeError):
        return BackupStatus()


def note_backup_created(data_dir: Path, backup_id: str, at: datetime) -> None:
    _update(data_dir, created_id=backup_id, created_at=at.isoformat())


def note_backup_verified(data_dir: Path, backup_id: str, at: datetime) -> None:
    _update(data_dir, verified_id=backup_id, verified_at=at.isoformat())


def _update(data_dir: Path, **values: str) -> None:
    path = data_dir / STATUS_FILENAME
    try:
        current = json.loads(path.read_text())
    except (OSError, ValueError):
        current = {}
    write_atomically(path, json.dumps({**current, **values}).encode())


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
