"""``callvault integrations twilio set``: the host operator configures a tenant's
Twilio account. The auth token is read from standard input (never an argument, which
would sit in the shell history and the process list) and never printed again."""

from __future__ import annotations

import sys
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
from callvault.integrations.models import DEFAULT_API_BASE

integrations_app = typer.Typer(help="Telephony integrations (Twilio).")
twilio_app = typer.Typer(help="Twilio: account, auth token, disclosure.")
integrations_app.add_typer(twilio_app, name="twilio")


@twilio_app.command("set")
def twilio_set(
    tenant: TenantName,
    account_sid: Annotated[str, typer.Option("--account-sid", help="AC... of the account")],
    auth_token_stdin: Annotated[
        bool, typer.Option("--auth-token-stdin", help="Read the auth token from stdin")
    ] = False,
    api_base: Annotated[
        str, typer.Option("--api-base", help="Where recordings are fetched from")
    ] = DEFAULT_API_BASE,
    disclosure: Annotated[
        str | None, typer.Option("--disclosure", help="Said before a call is dialled")
    ] = None,
    forward_to: Annotated[
        str | None, typer.Option("--forward-to", help="Number incoming calls are dialled to")
    ] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Store the tenant's Twilio settings (audited as the CLI actor). Without
    --auth-token-stdin the stored token is kept."""
    from pydantic import ValidationError

    from callvault.integrations.schemas import TwilioSettingsIn

    token = _read_token() if auth_token_stdin else None
    try:
        data = TwilioSettingsIn.model_validate(
            {
                "account_sid": account_sid,
                "auth_token": token,
                "api_base": api_base,
                "disclosure": disclosure,
                "forward_to": forward_to,
            }
        )
    except ValidationError as exc:
        fail("invalid " + ", ".join(str(e["loc"][0]) for e in exc.errors()))
    _store(tenant, data, data_dir, database_url)
    typer.echo(f"twilio settings stored for {tenant} (auth token set)")


def _read_token() -> str:
    token = sys.stdin.readline().strip()
    if not token:
        fail("--auth-token-stdin: no token on standard input")
    return token


def _store(tenant: str, data: object, data_dir: DataDir, database_url: DatabaseUrl) -> None:
    from callvault.audit.context import ServiceContext
    from callvault.cli.vault import open_keyring
    from callvault.instance import migrate
    from callvault.integrations.schemas import TwilioSettingsIn
    from callvault.integrations.settings_service import TwilioSettingsService
    from callvault.tenants.service import get_tenant

    assert isinstance(data, TwilioSettingsIn)
    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    try:
        migrate(settings)
        with open_keyring(settings) as (session, keyring):
            tenant_id = get_tenant(session, tenant).id
            ctx = ServiceContext(session, cli_principal(tenant_id), CLI_REQUEST, keyring)
            TwilioSettingsService(ctx).put(data)
    except CallVaultError as exc:
        fail(exc.detail)
