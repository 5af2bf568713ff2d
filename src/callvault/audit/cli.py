"""``callvault audit ...``: verify the tamper-evident log, look up the audit hash of a
known value, export to a SIEM, render the list of audit actions."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from callvault.cli.options import DatabaseUrl, DataDir, fail, require_initialised, settings_from
from callvault.errors import CallVaultError
from callvault.settings import Settings
from callvault.tenants.agreements import AgreementKind, NoActiveBaa, has_active_agreement
from callvault.tenants.models import Tenant

if TYPE_CHECKING:
    from callvault.audit.verify import Verdict

audit_app = typer.Typer(
    help="The audit trail: verify, search by hash, export.", no_args_is_help=True
)

OptionalTenant = Annotated[
    str | None, typer.Option("--tenant", help="One tenant (default: every tenant)")
]


@dataclass(frozen=True)
class VaultVerdict:
    """``audit verify`` of every tenant (or one): what it checked and what failed."""

    tenants: int
    events: int
    heads: int
    bad: list[tuple[str, Verdict]]


def verify_vault(settings: Settings, tenant: str | None = None) -> VaultVerdict:
    """Recompute each tenant's tree and check every signed head and checkpoint: the
    check ``callvault audit verify`` runs (``backup restore`` runs it too)."""
    from callvault.audit.runtime import runtime
    from callvault.audit.verify import verify_tenant
    from callvault.cli.vault import open_keyring
    from callvault.tenants.models import Tenant
    from callvault.tenants.service import get_tenant

    bad = []
    events = heads = 0
    with open_keyring(settings) as (session, _):
        keys = runtime(session).keys
        if tenant is not None:
            tenants = [(get_tenant(session, tenant).id, tenant)]
        else:
            tenants = [(t.id, t.name) for t in session.execute(select(Tenant)).scalars()]
        for tenant_id, name in tenants:
            verdict = verify_tenant(session, keys, tenant_id, settings.audit_checkpoint_dir)
            session.rollback()
            events += verdict.events
            heads += verdict.heads
            if not verdict.ok:
                bad.append((name, verdict))
    return VaultVerdict(len(tenants), events, heads, bad)


def describe_tampering(name: str, verdict: Verdict) -> str:
    seq = "?" if verdict.first_bad_seq is None else str(verdict.first_bad_seq)
    return f"audit log of tenant {name}: TAMPERED at seq {seq}: {verdict.problem}"


@audit_app.command("verify")
def verify(
    tenant: OptionalTenant = None, data_dir: DataDir = None, database_url: DatabaseUrl = None
) -> None:
    """Recompute each tenant's tree from the stored events and check every signed head.

    Exit 0 with a one-line summary when intact; exit 1 naming the first bad sequence
    number when anything was edited, deleted, inserted or reordered."""
    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    started = time.perf_counter()
    try:
        result = verify_vault(settings, tenant)
    except CallVaultError as exc:
        fail(exc.detail)
    seconds = time.perf_counter() - started
    for name, verdict in result.bad:
        typer.echo(describe_tampering(name, verdict), err=True)
    if result.bad:
        raise typer.Exit(1)
    rate = result.events / seconds if seconds > 0 else 0.0
    typer.echo(
        f"audit log intact: {result.tenants} tenant(s), {result.events} events,"
        f" {result.heads} signed heads verified in {seconds:.2f} s ({rate:,.0f} events/s)"
    )


@audit_app.command("hash")
def audit_hash(
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant name")],
    value_stdin: Annotated[
        bool, typer.Option("--value-stdin", help="Read the value to hash from stdin")
    ] = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Print the audit hash of a known value (a phone number in E.164, a name), to find
    the events about it: PHI appears in the audit trail only under this hash.

    The value is read from stdin, never from an argument (arguments end up in shell
    history and the process list)."""
    from callvault.audit.service import hash_terms
    from callvault.cli.vault import open_keyring
    from callvault.tenants.service import get_tenant

    if not value_stdin:
        fail("pass --value-stdin and send the value on stdin")
    value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        fail("no value on stdin")
    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    try:
        with open_keyring(settings) as (session, _):
            digest = hash_terms(session, get_tenant(session, tenant).id, [value])
            session.commit()
    except CallVaultError as exc:
        fail(exc.detail)
    sys.stdout.write(digest + "\n")


@audit_app.command("actions-doc")
def actions_doc(
    write: Annotated[
        Path | None, typer.Option("--write", help="Write the file (default: print it)")
    ] = None,
) -> None:
    """Print docs/audit-actions.md, the table of audit actions, as the code defines it."""
    from callvault.audit.actions_doc import render_actions_doc

    text = render_actions_doc()
    if write is None:
        sys.stdout.write(text)
        return
    try:
        write.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {write}: {exc.strerror or type(exc).__name__}")
    typer.echo(f"wrote {write}", err=True)


# -- SIEM export (docs/siem-export.md) ------------------------------------------


def _record_export(session: Session, tenant_id: str) -> None:
    """Reading the audit trail is itself audited (before anything is read)."""
    from callvault.audit.actions import AuditAction
    from callvault.cli.options import audit_cli_action

    action = AuditAction.AUDIT_EXPORT
    audit_cli_action(session, tenant_id, action, None)


@audit_app.command("export")
def export(
    tenant: OptionalTenant = None,
    since_seq: Annotated[
        int | None,
        typer.Option(
            "--since-seq", min=0, help="First sequence number to export (overrides the checkpoint)"
        ),
    ] = None,
    output: Annotated[
        str, typer.Option("--output", "-o", help="File to append the lines to, or - for stdout")
    ] = "-",
    checkpoint: Annotated[
        Path | None,
        typer.Option("--checkpoint", help="Resume after the events it records, and record them"),
    ] = None,
    fmt: Annotated[Literal["jsonl", "cef"], typer.Option("--format")] = "jsonl",
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="At most N events per tenant")
    ] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Write the audit trail for a SIEM, oldest first: JSON lines or ArcSight CEF.

    With --checkpoint, a later run continues where this one stopped (at least once: a
    crash can repeat the last batch, never skip one). Each export is itself recorded
    as an audit:export event."""
    from callvault.audit.siem.cursor import CursorFile
    from callvault.audit.siem.export import ExportRequest, LineSink, export_events
    from callvault.audit.siem.format import ExportFormat
    from callvault.cli.vault import open_keyring

    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    request = ExportRequest(tenant, since_seq, limit)
    cursor = None
    if checkpoint is not None:
        cursor = CursorFile(checkpoint, "pass --since-seq to choose where to start")
    try:
        line_format = ExportFormat(fmt)
        sink = (
            LineSink.stdout(line_format)
            if output == "-"
            else LineSink.append_to(Path(output), line_format)
        )
        try:
            with open_keyring(settings) as (session, _):
                summary = export_events(session, request, sink, cursor, _record_export)
        finally:
            sink.close()
    except CallVaultError as exc:
        fail(exc.detail)
    except OSError as exc:
        fail(f"the export could not be written: {exc.strerror or type(exc).__name__}", 1)
    typer.echo(f"exported {summary.events} audit events of {summary.tenants} tenant(s)", err=True)


Facility = Literal[
    "authpriv", "auth", "local0", "local1", "local2", "local3", "local4", "local5", "local6",
    "local7",
]  # fmt: skip


@audit_app.command("forward-syslog")
def forward_syslog(
    host: Annotated[str, typer.Option("--host", help="Receiver; its certificate must name it")],
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TLS syslog port")] = 6514,
    ca_file: Annotated[
        Path | None, typer.Option("--ca-file", help="Trust this CA (default: the system's)")
    ] = None,
    client_cert: Annotated[
        Path | None, typer.Option("--client-cert", help="Client certificate (mutual TLS)")
    ] = None,
    client_key: Annotated[Path | None, typer.Option("--client-key", help="Its key")] = None,
    fmt: Annotated[Literal["rfc5424", "cef"], typer.Option("--format")] = "rfc5424",
    facility: Annotated[Facility, typer.Option("--facility")] = "authpriv",
    hostname: Annotated[
        str | None, typer.Option("--hostname", help="HOSTNAME field (default: this host)")
    ] = None,
    enterprise_id: Annotated[
        int, typer.Option("--enterprise-id", min=1, help="SD-ID callvault@N: your IANA PEN")
    ] = 32473,
    once: Annotated[bool, typer.Option("--once", help="Send what is there, then exit")] = False,
    max_failures: Annotated[
        int | None,
        typer.Option(
            "--max-failures",
            min=0,
            help="Give up after N failed tries in a row (0: never; default 5 with --once)",
        ),
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds")] = 10.0,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Forward the audit trail to a syslog receiver over TLS (RFC 5424 framed per RFC
    5425), at least once, resuming from a cursor kept in the data directory. Every
    tenant needs an active SIEM BAA: the receiver is a subcontractor (exit 1 if not)."""
    import socket

    from callvault.audit.siem.cursor import cursor_path, exclusive_cursor
    from callvault.audit.siem.rfc5424 import MessageFormat, MessageStyle
    from callvault.audit.siem.syslog import Forwarder, ForwardOptions, TlsTarget
    from callvault.cli.vault import open_keyring
    from callvault.errors import ServiceUnavailable

    if (client_cert is None) != (client_key is None):
        fail("--client-cert and --client-key go together")
    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    target = TlsTarget(host, port, ca_file, client_cert, client_key, timeout)
    options = ForwardOptions(once, (5 if once else 0) if max_failures is None else max_failures)
    try:
        style = MessageStyle(
            hostname or socket.gethostname(), facility, MessageFormat(fmt), enterprise_id
        )
        with (
            exclusive_cursor(cursor_path(settings.data_dir, host, port)) as cursor,
            open_keyring(settings) as (session, _),
        ):
            _require_siem_agreements(session)
            forwarder = Forwarder(
                session, target, style, cursor, _record_export, options,
                report=lambda line: typer.echo(line, err=True),
            )  # fmt: skip
            total = forwarder.run()
    except (ServiceUnavailable, NoActiveBaa) as exc:
        fail(exc.detail, 1)
    except CallVaultError as exc:
        fail(exc.detail)
    typer.echo(f"forwarded {total} audit events to {target.name}")


def _require_siem_agreements(session: Session) -> None:
    """NoActiveBaa naming the tenants (by name) without an active SIEM agreement: the
    forwarder sends every tenant's trail, and none may leave without one."""
    tenants = session.execute(select(Tenant.id, Tenant.name).order_by(Tenant.name)).all()
    missing = [
        name
        for tenant_id, name in tenants
        if not has_active_agreement(session, tenant_id, AgreementKind.SIEM)
    ]
    session.rollback()
    if missing:
        refusal = NoActiveBaa(AgreementKind.SIEM)
        refusal.detail = f"{refusal.detail}; tenants without one: {', '.join(missing)}"
        raise refusal
