"""``callvault backup prune``: the backup-retention window.

A backup is removed once it was created more than ``keep_days`` before ``as_of``, by the
creation time in its authenticated header (never the file's mtime, which a copy or a
``touch`` changes). A file that does not authenticate under the root key is never
removed: it is reported and left for a person to look at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from callvault.backup.archive import MAGIC
from callvault.backup.errors import BackupError
from callvault.backup.read import open_header
from callvault.crypto.keyprovider import RootKeyProvider

DEFAULT_KEEP_DAYS = 35  # five weekly fulls: a month of restores, then the shred sticks


@dataclass
class PruneReport:
    removed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    unreadable: list[Path] = field(default_factory=list)


def prune_backups(
    directory: Path, keep_days: int, as_of: datetime, root: RootKeyProvider
) -> PruneReport:
    """Remove the backups in ``directory`` (not its subdirectories) past the window."""
    cutoff = as_of - timedelta(days=keep_days)
    report = PruneReport()
    for path in sorted(directory.iterdir()):
        if not _looks_like_backup(path):
            continue
        try:
            header, _ = open_header(path, root)
        except BackupError:
            report.unreadable.append(path)
            continue
        if header.created_at < cutoff:
            path.unlink()
            report.removed.append(path)
        else:
            report.kept.append(path)
    return report


def _looks_like_backup(path: Path) -> bool:
    if not path.is_file() or path.is_symlink():
        return False
    with path.open("rb") as file:
        return file.read(len(MAGIC)) == MAGIC
