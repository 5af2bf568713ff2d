"""``callvault import asterisk ...``: bring a PBX's call records into a tenant.

Audited as the CLI actor (the operating-system account): each call's creation
event, and each recording's upload event, as if sent through the API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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

import_app = typer.Typer(help="Import call records from a PBX.", no_args_is_help=True)


@import_app.command("asterisk")
def import_asterisk(
    tenant: TenantName,
    cdr: Annotated[Path, typer.Option("--cdr", help="Asterisk cdr_csv Master.csv")],
    recordings: Annotated[
        Path | None,
        typer.Option("--recordings", help="MixMonitor directory (<anything>-<uniqueid>.wav)"),
    ] = None,
    timezone: Annotated[
        str, typer.Option("--timezone", help="The Asterisk server's time zone (IANA name)")
    ] = "UTC",
    disclosure_played: Annotated[
        bool,
        typer.Option(
            "--disclosure-played",
            help="The PBX plays a recording disclosure before it records: the calls"
            " imported are 'announced' (else their consent follows the parties' states)",
        ),
    ] = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a call per CDR line (and attach its recording); safe to re-run: nothing
    is imported twice. Bad lines are reported on stderr by number and skipped."""
    from callvault.audit.context import ServiceContext
    from callvault.blobs.factory import create_blob_store
    from callvault.cli.vault import open_keyring
    from callvault.instance import migrate
    from callvault.integrations.asterisk_import import AsteriskImport, ImportOptions
    from callvault.integrations.asterisk_recordings import index_recordings
    from callvault.tenants.service import get_tenant

    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    if recordings is not None and not recordings.is_dir():
        fail(f"--recordings: {recordings} is not a directory")
    options = ImportOptions(
        timezone=_zone(timezone),
        recordings=None if recordings is None else index_recordings(recordings),
        max_recording_bytes=settings.max_recording_bytes,
        disclosure_played=disclosure_played,
    )
    try:
        with cdr.open(encoding="utf-8", errors="replace", newline="") as lines:
            migrate(settings)
            with open_keyring(settings) as (session, keyring):
                tenant_id = get_tenant(session, tenant).id
                ctx = ServiceContext(session, cli_principal(tenant_id), CLI_REQUEST, keyring)
                run = AsteriskImport(ctx, create_blob_store(settings), options, _warn)
                report = run.run(lines)
    except OSError as exc:
        fail(f"cannot read {cdr}: {exc.strerror}", code=1)
    except CallVaultError as exc:
        fail(exc.detail, code=1)
    typer.echo(report.summary())


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        fail(f"--timezone: unknown time zone {name[:40]!r}")


def _warn(message: str) -> None:
    typer.echo(message, err=True)
