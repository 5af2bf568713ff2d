"""A CallVault instance on disk: data directory, root key, database schema, tenants.

``initialise`` is idempotent: running ``callvault init`` again never replaces the
root key, never drops data, and only adds what is missing.

A tenant's first covered-entity agreement (``--baa-*``) is recorded active with it;
without one the tenant exists, but the PHI gate refuses its ingest until an agreement
is recorded (``docs/compliance.md``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy.orm import Session

from callvault.audit.context import ServiceContext
from callvault.audit.heads import create_head
from callvault.cli.options import CLI_REQUEST, cli_principal
from callvault.cli.vault import open_keyring
from callvault.compliance.schemas import BaaIn
from callvault.compliance.service import record_active_agreement
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.crypto.keyring import Keyring
from callvault.db.base import create_db_engine, new_id
from callvault.db.migrate import upgrade
from callvault.errors import Conflict
from callvault.settings import Settings
from callvault.tenants.agreements import AgreementKind, has_active_agreement
from callvault.tenants.models import Tenant
from callvault.tenants.service import find_tenant, validate_tenant_name


@dataclass(frozen=True)
class InitResult:
    created_root_key: bool
    created_tenant: bool
    # The tenant has a covered-entity agreement in force: its PHI ingest is open.
    phi_gate_open: bool


def ensure_data_dir(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.data_dir, 0o700)


def migrate(settings: Settings) -> None:
    engine = create_db_engine(settings.database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def initialise(settings: Settings, tenant_name: str, agreement: BaaIn | None = None) -> InitResult:
    """Also records ``agreement`` when the tenant has no covered-entity agreement in
    force, so running it again with one opens the gate of a tenant made without."""
    validate_tenant_name(tenant_name)
    ensure_data_dir(settings)
    created_key = LocalKeyFileProvider.create(settings.root_key_path)
    migrate(settings)
    with open_keyring(settings) as (session, keyring):
        tenant = find_tenant(session, tenant_name)
        created = tenant is None
        if tenant is None:
            tenant = create_tenant(session, keyring, tenant_name)
            session.commit()
        tenant_id = tenant.id
        gate_open = has_active_agreement(session, tenant_id, AgreementKind.COVERED_ENTITY)
        if agreement is not None and not gate_open:
            _record_first_agreement(session, keyring, tenant_id, agreement)
            gate_open = True
    return InitResult(created_key, created, gate_open)


def add_tenant(settings: Settings, tenant_name: str, agreement: BaaIn | None = None) -> Tenant:
    with open_keyring(settings) as (session, keyring):
        tenant = create_tenant(session, keyring, tenant_name)
        session.commit()
        if agreement is not None:
            _record_first_agreement(session, keyring, tenant.id, agreement)
        return tenant


def _record_first_agreement(
    session: Session, keyring: Keyring, tenant_id: str, agreement: BaaIn
) -> None:
    ctx = ServiceContext(session, cli_principal(tenant_id), CLI_REQUEST, keyring)
    record_active_agreement(ctx, agreement)


def create_tenant(session: Session, keyring: Keyring, name: str) -> Tenant:
    """A new tenant with its first key version, its blind-index key and its audit log."""
    validate_tenant_name(name)
    if find_tenant(session, name) is not None:
        raise Conflict("a tenant with that name exists")
    tenant_id = new_id()
    tenant = Tenant(id=tenant_id, name=name, wrapped_index_key=keyring.new_index_key(tenant_id))
    session.add(tenant)
    session.flush()
    keyring.add_tenant_key_version(tenant_id)
    create_head(session, tenant_id)
    return tenant
