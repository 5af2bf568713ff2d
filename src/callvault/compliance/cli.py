"""``callvault baa ...``: the BAA registry at the command line, and the ``--baa-*``
options with which ``callvault init`` and ``tenant create`` record a tenant's first
covered-entity agreement.

An agreement is activated on its signed document: the commands take the file
(``--document``) and keep its SHA-256, never the file. Audited as the CLI actor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from pydantic import ValidationError

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
from callvault.compliance.schemas import BaaChange, BaaIn, BaaOut
from callvault.compliance.service import BaaService
from callvault.errors import CallVaultError
from callvault.settings import Settings
from callvault.tenants.agreements import AgreementKind

baa_app = typer.Typer(help="Business associate agreements: the PHI gate.", no_args_is_help=True)

Result = TypeVar("Result")

BaaEffective = Annotated[
    str | None,
    typer.Option("--baa-effective", help="The covered entity's BAA: its effective date (Y-M-D)"),
]
BaaCounterparty = Annotated[
    str | None,
    typer.Option("--baa-counterparty", help="The covered entity's BAA: the clinic's legal name"),
]
BaaDocument = Annotated[
    Path | None,
    typer.Option("--baa-document", help="The covered entity's BAA: the signed file (hashed)"),
]
Document = Annotated[
    Path | None, typer.Option("--document", help="The signed agreement (its SHA-256 is kept)")
]

NO_AGREEMENT_NOTE = (
    "note: no active covered-entity BAA, so this tenant's PHI ingest is refused until one"
    " is recorded: callvault baa add --kind covered_entity --activate ... (docs/compliance.md)"
)


def first_agreement(
    effective: str | None, counterparty: str | None, document: Path | None
) -> BaaIn | None:
    """The covered-entity agreement the ``--baa-*`` options describe: all three, or
    none (exit 2 naming what is missing)."""
    given = {
        "--baa-effective": effective,
        "--baa-counterparty": counterparty,
        "--baa-document": document,
    }
    if all(value is None for value in given.values()):
        return None
    missing = [name for name, value in given.items() if value is None]
    if missing:
        fail(
            f"{', '.join(missing)} missing: an agreement is recorded active with its"
            " effective date, the clinic's name and the signed document"
        )
    assert effective is not None and counterparty is not None and document is not None
    return _agreement_in(
        kind=AgreementKind.COVERED_ENTITY,
        counterparty=counterparty,
        effective_on=_date(effective, "--baa-effective"),
        document_sha256=document_sha256(document),
    )


def document_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            for chunk in iter(lambda: file.read(1024 * 1024), b""):
                digest.update(chunk)
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    return digest.hexdigest()


@baa_app.command("list")
def baa_list(
    tenant: TenantName, data_dir: DataDir = None, database_url: DatabaseUrl = None
) -> None:
    """One line per agreement: id, kind, status, in force or not, dates, counterparty."""
    listing = _run(tenant, data_dir, database_url, lambda s: s.list_agreements())
    for item in listing.items:
        typer.echo(_line(item))


@baa_app.command("add")
def baa_add(
    tenant: TenantName,
    kind: Annotated[AgreementKind, typer.Option("--kind")],
    counterparty: Annotated[str, typer.Option("--counterparty", help="The other party's name")],
    effective: Annotated[str, typer.Option("--effective", help="Effective date (Y-M-D)")],
    ends: Annotated[
        str | None, typer.Option("--ends", help="First day it no longer covers (Y-M-D)")
    ] = None,
    document: Document = None,
    activate: Annotated[
        bool, typer.Option("--activate", help="Activate it now (needs --document)")
    ] = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Record an agreement (a draft, unless --activate); prints its id."""
    if activate and document is None:
        fail("--activate needs --document: an agreement is activated on its signed document")
    data = _agreement_in(
        kind=kind,
        counterparty=counterparty,
        effective_on=_date(effective, "--effective"),
        ends_on=None if ends is None else _date(ends, "--ends"),
        document_sha256=None if document is None else document_sha256(document),
    )

    def add(service: BaaService) -> str:
        baa_id = service.create(data)
        if activate:
            service.activate(baa_id)
        return baa_id

    typer.echo(_run(tenant, data_dir, database_url, add))


@baa_app.command("activate")
def baa_activate(
    tenant: TenantName,
    baa_id: Annotated[str, typer.Argument(help="The agreement's id")],
    document: Document = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Draft → active (with --document, its hash is set first)."""
    digest = None if document is None else document_sha256(document)

    def activate(service: BaaService) -> BaaOut:
        if digest is not None:
            service.change(baa_id, BaaChange(document_sha256=digest))
        return service.activate(baa_id)

    typer.echo(_line(_run(tenant, data_dir, database_url, activate)))


@baa_app.command("terminate")
def baa_terminate(
    tenant: TenantName,
    baa_id: Annotated[str, typer.Argument(help="The agreement's id")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Active → terminated: what it opened closes at once."""
    typer.echo(_line(_run(tenant, data_dir, database_url, lambda s: s.terminate(baa_id))))


def _run(
    tenant: str,
    data_dir: Path | None,
    database_url: str | None,
    work: Callable[[BaaService], Result],
) -> Result:
    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    try:
        with _service(settings, tenant) as service:
            return work(service)
    except CallVaultError as exc:
        fail(exc.detail, code=1)


@contextmanager
def _service(settings: Settings, tenant: str) -> Iterator[BaaService]:
    from callvault.cli.vault import open_keyring
    from callvault.instance import migrate
    from callvault.tenants.service import get_tenant

    migrate(settings)
    with open_keyring(settings) as (session, keyring):
        tenant_id = get_tenant(session, tenant).id
        yield BaaService(ServiceContext(session, cli_principal(tenant_id), CLI_REQUEST, keyring))


def _agreement_in(**fields: object) -> BaaIn:
    try:
        return BaaIn.model_validate(fields)
    except ValidationError as exc:
        fail("invalid " + ", ".join(str(e["loc"][0]) for e in exc.errors()))


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: not a date (YYYY-MM-DD)")


def _line(item: BaaOut) -> str:
    ends = item.ends_on.isoformat() if item.ends_on else "-"
    force = "in force" if item.in_force else "not in force"
    return (
        f"{item.id} {item.kind.value} {item.status.value} ({force})"
        f" {item.effective_on.isoformat()}..{ends} {item.counterparty}"
    )
