"""The vault's state read and set behind the app's back, as an operator or time would:
rows written as they are stored, files where the commands leave them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from typer.testing import CliRunner

from callvault.alerts.models import Alert, AlertSettings, DeliveryStatus
from callvault.cli.main import app as cli
from callvault.cli.vault import open_keyring
from callvault.db.base import Base, utcnow
from callvault.db.tenancy import scope_to_tenant
from callvault.lifecycle.models import RetentionPolicy
from callvault.safeguards.checks import Check, CheckResult, Facts
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A


def check(
    vault: Settings, run: Check, *, later: timedelta = timedelta(), tenant: str = TENANT_A
) -> CheckResult:
    """``run`` on the tenant now (or ``later``)."""
    with open_keyring(vault) as (session, _):
        tenant_id = get_tenant(session, tenant).id
        scope_to_tenant(session, tenant_id)
        return run(Facts(session, vault, tenant_id, utcnow() + later))


def tenant_id(vault: Settings, tenant: str = TENANT_A) -> str:
    with open_keyring(vault) as (session, _):
        return get_tenant(session, tenant).id


def add_rows(vault: Settings, *rows: Base) -> None:
    with open_keyring(vault) as (session, _):
        session.add_all(rows)
        session.commit()


def set_rows(vault: Settings, model: Any, where: Any, **values: Any) -> None:
    with open_keyring(vault) as (session, _):
        session.execute(update(model).where(where).values(**values))
        session.commit()


def run_cli(vault: Settings, *args: str, database: bool = True) -> tuple[int, str]:
    """``callvault *args`` on the vault (``--database-url`` too, where the command has it)."""
    where = ["--data-dir", str(vault.data_dir)]
    if database:
        where += ["--database-url", vault.database_url]
    result = CliRunner().invoke(cli, [*args, *where])
    return result.exit_code, result.output


def alert_webhook(vault: Settings, tenant: str = TENANT_A) -> AlertSettings:
    return AlertSettings(
        tenant_id=tenant_id(vault, tenant),
        mass_access_threshold=100,
        denied_burst_threshold=10,
        timezone="UTC",
        work_days='["mon"]',
        work_start_minute=420,
        work_end_minute=1140,
        webhook_url="https://siem.example/hook",
    )


def alert(vault: Settings, status: DeliveryStatus, created_at: datetime | None = None) -> Alert:
    return Alert(
        tenant_id=tenant_id(vault),
        rule="mass_access",
        actor_type="user",
        actor_id="synthetic-actor",
        first_seq=1,
        last_seq=2,
        first_at_ms=0,
        last_at_ms=0,
        count=2,
        created_at=created_at or utcnow(),
        delivery_status=status.value,
    )


def retention_period(vault: Settings, days: int = 30) -> RetentionPolicy:
    return RetentionPolicy(
        tenant_id=tenant_id(vault), data_type="recording_original", days=days, updated_by="test"
    )
