"""``callvault retention ...``: the host operator's retention commands.

``set`` applies a tenant's periods directly (audited as the CLI actor); ``sweep`` runs
the retention sweep over every tenant and prints one summary line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from callvault.cli.options import (
    CLI_REQUEST,
    DatabaseUrl,
    DataDir,
    TenantName,
    cli_principal,
    fail,
    require_initialised,
    settings_from,
)
from callvault.errors import CallVaultError

retention_app = typer.Typer(help="Retention: periods per data type, and the sweep.")


@retention_app.command("set")
def retention_set(
    tenant: TenantName,
    periods: Annotated[
        list[str], typer.Argument(help="TYPE=DAYS or TYPE=keep, e.g. recording_original=30")
    ],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Set the tenant's retention periods at once (no second approval: the operator
    holds the data directory). Prints the policy in force."""
    from callvault.audit.context import ServiceContext
    from callvault.cli.vault import open_keyring
    from callvault.instance import migrate
    from callvault.lifecycle.retention import RetentionService, parse_periods
    from callvault.tenants.service import get_tenant

    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    try:
        proposed = parse_periods(dict(_assignment(p) for p in periods))
        migrate(settings)
        with open_keyring(settings) as (session, keyring):
            tenant_id = get_tenant(session, tenant).id
            ctx = ServiceContext(session, cli_principal(tenant_id), CLI_REQUEST, keyring)
            applied = RetentionService(ctx).set_directly(proposed)
    except CallVaultError as exc:
        fail(exc.detail)
    typer.echo(" ".join(f"{t.value}={'keep' if d is None else d}" for t, d in applied.items()))


def _assignment(text: str) -> tuple[str, int | None]:
    name, sep, value = text.partition("=")
    if not sep or not value:
        fail(f"expected TYPE=DAYS or TYPE=keep, got {text[:40]!r}")
    if value == "keep":
        return name, None
    if not value.isdigit():
        fail(f"{name[:40]}: DAYS is a whole number, or keep")
    return name, int(value)


@retention_app.command("sweep")
def retention_sweep(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would go; change nothing")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Sweep as if it were this ISO-8601 time (default: now)"),
    ] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Crypto-shred every tenant's expired data, legal holds obeyed; one summary line."""
    from callvault.blobs.factory import create_blob_store
    from callvault.cli.vault import open_sessions
    from callvault.instance import migrate
    from callvault.lifecycle.sweep import Sweeper

    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    moment = _moment(as_of)
    try:
        migrate(settings)
        with open_sessions(settings) as (sessions, root):
            sweeper = Sweeper(sessions, root, create_blob_store(settings))
            report = sweeper.run(moment, dry_run=dry_run)
    except CallVaultError as exc:
        fail(exc.detail)
    typer.echo(report.summary())


@retention_app.command("reapply-shreds")
def retention_reapply_shreds(
    from_data_dir: Annotated[
        Path, typer.Option("--from-data-dir", help="The vault whose shreds to apply (the live one)")
    ],
    from_database_url: Annotated[
        str | None, typer.Option("--from-database-url", help="That vault's database URL")
    ] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """After `backup restore`: shred in the restored vault what the source vault shredded
    since the backup was made (its destroyed data keys and shredded PHI fields)."""
    from callvault.lifecycle.reapply import read_ledger, reapply_shreds

    source = settings_from(from_data_dir, from_database_url)
    target = settings_from(data_dir, database_url)
    require_initialised(source)
    require_initialised(target)
    try:
        done = reapply_shreds(target, read_ledger(source))
    except CallVaultError as exc:
        fail(exc.detail)
    typer.echo(f"reapplied shreds: {done} piece(s) destroyed in {target.data_dir}")


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"--as-of: not an ISO-8601 time: {text[:40]!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
