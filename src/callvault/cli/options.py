"""Options and helpers shared by the ``callvault`` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

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
