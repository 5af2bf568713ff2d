"""``callvault audit ...``: verify the tamper-evident log, look up the audit hash of a
known value, export to a SIEM."""

from __future__ import annotations

import sys
import time
from typing import Annotated

import typer
from sqlalchemy import select

from callvault.cli.options import DatabaseUrl, DataDir, fail, require_initialised, settings_from
from callvault.errors import CallVaultError

audit_app = typer.Typer(
    help="The audit trail: verify, search by hash, export.", no_args_is_help=True
)

OptionalTenant = Annotated[
    str | None, typer.Option("--tenant", help="One tenant (default: every tenant)")
]


@audit_app.command("verify")
def verify(
    tenant: OptionalTenant = None, data_dir: DataDir = None, database_url: DatabaseUrl = None
) -> None:
    """Recompute each tenant's tree from the stored events and check every signed head.

    Exit 0 with a one-line summary when intact; exit 1 naming the first bad sequence
    number when anything was edited, deleted, inserted or reordered."""
    from callvault.audit.log import AuditRuntime
    from callvault.audit.verify import verify_tenant
    from callvault.instance import open_keyring
    from callvault.tenants.models import Tenant
    from callvault.tenants.service import get_tenant

    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    started = time.perf_counter()
    bad = []
    events = heads = 0
    try:
        with open_keyring(settings) as (session, _):
            keys = AuditRuntime.for_session(session).keys
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
    except CallVaultError as exc:
        fail(exc.detail)
    seconds = time.perf_counter() - started
    for name, verdict in bad:
        seq = "?" if verdict.first_bad_seq is None else str(verdict.first_bad_seq)
        typer.echo(
            f"audit log of tenant {name}: TAMPERED at seq {seq}: {verdict.problem}", err=True
        )
    if bad:
        raise typer.Exit(1)
    rate = events / seconds if seconds > 0 else 0.0
    typer.echo(
        f"audit log intact: {len(tenants)} tenant(s), {events} events, {heads} signed heads"
        f" verified in {seconds:.2f} s ({rate:,.0f} events/s)"
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
    from callvault.instance import open_keyring
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
