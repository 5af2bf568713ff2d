"""``callvault conversions send``: send a destination's pending conversions, as
``POST /api/v1/conversions/destinations/{id}/send`` does (the same gate and audit, as
the CLI actor), for a cron job or a by-hand run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from callvault.audit.context import ServiceContext
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
from callvault.settings import Settings
from callvault.tracking.conversion_service import ConversionService

conversions_app = typer.Typer(help="Conversions sent to ad platforms.", no_args_is_help=True)


@conversions_app.command("send")
def send(
    tenant: TenantName,
    destination_id: Annotated[str, typer.Argument(help="The destination's id")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Send each pending conversion once; prints how many, and each payload not taken
    (its SHA-256 and why). Exit 1 when refused (no ad_platform BAA, no such
    destination), 3 when some payload was not taken."""
    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    try:
        with _service(settings, tenant) as service:
            result = service.send(destination_id)
    except CallVaultError as exc:
        fail(exc.detail, code=1)
    typer.echo(f"sent {result.sent}")
    for failure in result.failed:
        typer.echo(f"not taken {failure.sha256}: {failure.reason}", err=True)
    if result.failed:
        raise typer.Exit(3)


@contextmanager
def _service(settings: Settings, tenant: str) -> Iterator[ConversionService]:
    from callvault.cli.vault import open_keyring
    from callvault.instance import migrate
    from callvault.tenants.service import get_tenant

    migrate(settings)
    with open_keyring(settings) as (session, keyring):
        tenant_id = get_tenant(session, tenant).id
        ctx = ServiceContext(session, cli_principal(tenant_id), CLI_REQUEST, keyring)
        yield ConversionService(ctx, settings.conversions_ca_bundle)
