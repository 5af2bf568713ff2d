"""Helpers for the backup tests: the CLI as a user runs it, and a look inside a backup
through the package's own reader (never a re-implementation of the format)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from callvault.backup.archive import ArchiveReader, read_header, unwrap_backup_key
from callvault.cli.main import app
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.settings import Settings


def run_cli(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args], env={})
    return result.exit_code, result.stdout, result.stderr


@dataclass(frozen=True)
class Inside:
    record: int  # file offset where the member's record starts
    data: int  # file offset of its ciphertext
    plaintext: bytes


def members(backup: Path, root_key: Path) -> dict[str, Inside]:
    """Each member's path -> where it lies in the file, and its bytes."""
    root = LocalKeyFileProvider(root_key)
    found: dict[str, Inside] = {}
    with backup.open("rb") as file:
        header = read_header(file)
        reader = ArchiveReader(file, header, unwrap_backup_key(root, header))
        while True:
            record = file.tell()
            member = reader.next_member(len(found))
            if member is None:
                return found
            data = file.tell()
            found[member.path] = Inside(record, data, b"".join(member.chunks))


def vault_args(settings: Settings) -> list[str]:
    return ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url]


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))
