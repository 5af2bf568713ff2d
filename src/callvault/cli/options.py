"""Options and helpers shared by the ``callvault`` commands."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.service import Outcome, RequestInfo, record_event
from callvault.authz.principal import Principal, system_principal
from callvault.errors import CallVaultError
from callvault.settings import Settings, load_settings

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory [env: CALLVAULT_DATA_DIR]", show_default=False),
]
DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url", help="PostgreSQL URL [env: CALLVAULT_DATABASE_URL]", show_default=False
    ),
]
TenantName = Annotated[str, typer.Option("--tenant", help="Tenant name")]


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def settings_from(data_dir: Path | None, database_url: str | None) -> Settings:
    try:
        return load_settings(data_dir, database_url)
    except CallVaultError as exc:
        fail(exc.detail)


def require_initialised(settings: Settings) -> None:
    if not settings.root_key_path.exists():
        fail(f"{settings.data_dir} is not initialised: run `callvault init` first")


def cli_principal(tenant_id: str) -> Principal:
    """Who acts at the command line: the operating-system account that ran it."""
    return system_principal(tenant_id, f"cli:{_os_user()}"[:64], [])


CLI_REQUEST = RequestInfo(user_agent="callvault-cli")


def audit_cli_action(
    session: Session, tenant_id: str, action: AuditAction, resource_id: str | None
) -> None:
    """Record an administrative action taken at the command line. The actor is the
    operating-system account that ran it: the CLI has no signed-in person."""
    record_event(
        session,
        cli_principal(tenant_id),
        action,
        resource_type=action.resource_type,
        resource_id=resource_id,
        outcome=Outcome.ALLOWED,
        request=CLI_REQUEST,
    )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}"
