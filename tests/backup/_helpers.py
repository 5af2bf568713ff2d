"""Helpers for the backup tests: the CLI as a user runs it, and a look inside a backup
through the package's own reader (never a re-implementation of the format)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from callvault.backup.archive import ArchiveReader, read_header, unwrap_backup_key
from callvault.cli.main import app
from callvault.crypto.keyprovider import LocalKeyFileProvider


def run_cli(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args], env={})
    return result.exit_code, result.stdout, result.stderr


def members(backup: Path, root_key: Path) -> dict[str, tuple[int, bytes]]:
    """Each member's path -> (file offset of its ciphertext, its plaintext)."""
    root = LocalKeyFileProvider(root_key)
    found: dict[str, tuple[int, bytes]] = {}
    with backup.open("rb") as file:
        header = read_header(file)
        reader = ArchiveReader(file, header, unwrap_backup_key(root, header))
        while (member := reader.next_member(len(found))) is not None:
            offset = file.tell()
            found[member.path] = (offset, b"".join(member.chunks))
    return found


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))
