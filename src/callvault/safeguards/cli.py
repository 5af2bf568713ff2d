"""``callvault compliance status``: the live checks at the command line, one line each;
exit 0 only when every check of every tenant passes, 1 otherwise.
``callvault compliance report``: the risk analysis report of one tenant, to a file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy import select

from callvault.audit.context import ServiceContext
from callvault.cli.options import (
    CLI_REQUEST,
    DatabaseUrl,
    DataDir,
    cli_principal,
    fail,
    require_initialised,
    settings_from,
)
from callvault.errors import CallVaultError
from callvault.fsutil import write_atomically
from callvault.safeguards.checks import Status
from callvault.safeguards.documents import ReportFormat, risk_report_document
from callvault.safeguards.service import status_report
from callvault.settings import Settings

if TYPE_CHECKING:  # the CLI imports the vault's machinery only when a command runs
    from sqlalchemy.orm import Session

    from callvault.crypto.keyring import Keyring

compliance_app = typer.Typer(help="The live compliance status.", no_args_is_help=True)


@compliance_app.command("status")
def status(
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    tenant: str | None = typer.Option(None, "--tenant", help="One tenant (default: all)"),
) -> None:
    """Check every safeguard now: PASS|WARN|FAIL, name, evidence, HIPAA section."""
    from callvault.cli.vault import open_keyring
    from callvault.tenants.models import Tenant

    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    with open_keyring(settings) as (session, _):
        if tenant is None:
            names = list(session.scalars(select(Tenant.name).order_by(Tenant.name)))
        else:
            names = [tenant]
    statuses = [_report_tenant(settings, name) for name in names]
    raise typer.Exit(0 if all(s is Status.PASS for s in statuses) else 1)


def _report_tenant(settings: Settings, name: str) -> Status:
    """Print one tenant's checks (a session of its own: each is scoped to its tenant)."""
    from callvault.cli.vault import open_keyring

    with open_keyring(settings) as (session, keyring):
        report = status_report(_tenant_context(session, keyring, name), settings)
    typer.echo(f"tenant {name}: {report.status.upper()}")
    for check in report.checks:
        typer.echo(f"{check.status.upper():<4}  {check.name}  {check.evidence}  ({check.section})")
    return report.status


@compliance_app.command("report")
def report(
    tenant: Annotated[str, typer.Option("--tenant", help="The tenant the report covers")],
    out: Annotated[Path, typer.Option("--out", help="The file to write (replaced if there)")],
    report_format: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.PDF,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Write the risk analysis report (the checks, the configuration and the audit
    statistics under each Security Rule standard); its making is audited."""
    from callvault.cli.vault import open_keyring

    if not out.parent.is_dir():
        fail(f"{out.parent} is not a directory")
    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    with open_keyring(settings) as (session, keyring):
        ctx = _tenant_context(session, keyring, tenant)
        document = risk_report_document(ctx, settings, report_format)
    try:
        write_atomically(out, document.content)  # 0600: it maps the vault's weak spots
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror}")
    typer.echo(f"wrote {out} ({report_format.value}, sha256 {document.sha256})")


def _tenant_context(session: Session, keyring: Keyring, name: str) -> ServiceContext:
    """The CLI's context on the named tenant (scoping the session to it)."""
    from callvault.tenants.service import get_tenant

    try:
        tenant_id = get_tenant(session, name).id
    except CallVaultError as exc:
        fail(exc.detail)
    return ServiceContext(session, cli_principal(tenant_id), CLI_REQUEST, keyring)
