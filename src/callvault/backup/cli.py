"""``callvault backup ...``: create, verify, restore and prune encrypted backups
(docs/backups.md). Each prints one summary line, or one error line and exits non-zero:
1 when a backup fails a check, 2 when the request is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from callvault.backup.errors import BackupDamaged, WrongRootKey
from callvault.backup.prune import DEFAULT_KEEP_DAYS
from callvault.cli.options import DatabaseUrl, DataDir, fail, require_initialised, settings_from
from callvault.errors import CallVaultError, InvalidInput
from callvault.settings import load_settings

backup_app = typer.Typer(
    help="Encrypted backups of the whole vault (never its root key).", no_args_is_help=True
)

BackupFile = Annotated[Path, typer.Argument(help="The backup file", show_default=False)]
RootKey = Annotated[
    Path | None,
    typer.Option("--root-key", help="The vault's root key file (kept apart from backups)"),
]


def _fail(exc: CallVaultError) -> NoReturn:
    fail(exc.detail, 1 if isinstance(exc, BackupDamaged | WrongRootKey) else 2)


def _fail_os(exc: OSError) -> NoReturn:
    # strerror only: the exception's text carries paths, and paths are not ours to echo.
    fail(f"file system error: {exc.strerror or type(exc).__name__}")


def _root_key_path(root_key: Path | None, data_dir: Path | None) -> Path:
    """``--root-key``, else the root.key of the vault named by --data-dir or the env."""
    if root_key is not None:
        return root_key
    try:
        return load_settings(data_dir).root_key_path
    except InvalidInput:
        fail("pass --root-key (or --data-dir of the vault whose root key to use)")


@backup_app.command("create")
def create(
    out: Annotated[Path, typer.Option("--out", help="The backup file to write (must not exist)")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Write an encrypted backup of the vault: database snapshot, blobs, audit
    checkpoints and TLS material. Safe while the server runs."""
    from callvault.backup.create import create_backup

    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    try:
        summary = create_backup(settings, out.resolve())
    except CallVaultError as exc:
        _fail(exc)
    except OSError as exc:
        _fail_os(exc)
    typer.echo(
        f"backup {summary.backup_id} written to {out}: {summary.members} members,"
        f" {summary.bytes:,} bytes"
    )


@backup_app.command("verify")
def verify(backup: BackupFile, root_key: RootKey = None, data_dir: DataDir = None) -> None:
    """Decrypt the whole backup and check every member against its manifest."""
    from callvault.backup.read import read_backup
    from callvault.crypto.keyprovider import LocalKeyFileProvider

    key_path = _root_key_path(root_key, data_dir)
    try:
        summary = read_backup(backup, LocalKeyFileProvider(key_path))
    except CallVaultError as exc:
        _fail(exc)
    except OSError as exc:
        _fail_os(exc)
    _note_verified(data_dir, summary.header.backup_id)
    typer.echo(
        f"backup {summary.header.backup_id} intact: {summary.members} members,"
        f" {summary.bytes:,} bytes, {summary.header.database} database,"
        f" created {summary.header.created_at.isoformat()}"
    )


def _note_verified(data_dir: Path | None, backup_id: str) -> None:
    """Record the verification in the vault's data directory, when one is named (by
    --data-dir or the environment) and initialised: the compliance status reads it."""
    from callvault.backup.status import note_backup_verified

    try:
        settings = load_settings(data_dir)
    except InvalidInput:
        return
    if settings.root_key_path.exists():
        note_backup_verified(settings.data_dir, backup_id, datetime.now(UTC))


@backup_app.command("restore")
def restore(
    backup: BackupFile,
    root_key: Annotated[Path, typer.Option("--root-key", help="The vault's root key file")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Restore into a new, empty data directory (and, for PostgreSQL, the empty database
    --database-url names), install the root key, and run `audit verify` on the result."""
    from callvault.backup.restore import restore_backup

    settings = settings_from(data_dir, database_url)
    try:
        summary = restore_backup(settings, backup, root_key)
    except CallVaultError as exc:
        _fail(exc)
    except OSError as exc:
        _fail_os(exc)
    typer.echo(
        f"backup {summary.backup_id} restored to {settings.data_dir}: {summary.members}"
        f" members, {summary.bytes:,} bytes; audit log intact ({summary.tenants} tenant(s),"
        f" {summary.events} events)"
    )


@backup_app.command("prune")
def prune(
    directory: Annotated[Path, typer.Argument(help="Directory holding backup files")],
    keep_days: Annotated[
        int, typer.Option("--keep-days", min=0, help="The backup-retention window in days")
    ] = DEFAULT_KEEP_DAYS,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="ISO 8601 time to count from (default: now)")
    ] = None,
    root_key: RootKey = None,
    data_dir: DataDir = None,
) -> None:
    """Delete the backups created more than --keep-days before --as-of (by the time in
    their authenticated header). Files that do not authenticate are kept and reported."""
    from callvault.backup.prune import prune_backups
    from callvault.crypto.keyprovider import LocalKeyFileProvider

    moment = _parse_as_of(as_of)
    key_path = _root_key_path(root_key, data_dir)
    try:
        report = prune_backups(directory, keep_days, moment, LocalKeyFileProvider(key_path))
    except CallVaultError as exc:
        _fail(exc)
    except OSError as exc:
        _fail_os(exc)
    for path in report.removed:
        typer.echo(f"removed {path}")
    for path in report.unreadable:
        typer.echo(f"kept {path}: it does not authenticate under this root key", err=True)
    typer.echo(
        f"pruned {len(report.removed)} backup(s) older than {keep_days} days;"
        f" kept {len(report.kept)}"
    )
    if report.unreadable:
        raise typer.Exit(1)


def _parse_as_of(raw: str | None) -> datetime:
    if raw is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        fail("--as-of must be an ISO 8601 time, e.g. 2026-01-31T00:00:00Z")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
