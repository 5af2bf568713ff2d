"""Backup errors. Messages name a part of the backup (``header``, ``member blobs/..``,
``segment N``), never content: they reach stderr and logs.

CallVaultError
└── BackupError              anything that stops a backup command
    ├── BackupRefused        the request cannot be done as asked (S3 blobs, a non-empty
    │                        target, a database kind that does not match)
    ├── WrongRootKey         the given root key is not the one the backup was made under
    └── BackupDamaged        the file failed a check; ``part`` says which part
"""

from __future__ import annotations

from callvault.errors import CallVaultError


class BackupError(CallVaultError):
    title = "Backup failed"


class BackupRefused(BackupError):
    title = "Backup refused"


class WrongRootKey(BackupError):
    title = "Wrong root key"


class BackupDamaged(BackupError):
    title = "Backup damaged"

    def __init__(self, part: str, problem: str) -> None:
        super().__init__(f"{part}: {problem}")
        self.part = part
