"""A CallVault instance on disk: data directory, root key, database schema, tenants.

``initialise`` is idempotent: running ``callvault init`` again never replaces the
root key, never drops data, and only adds what is missing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy.orm import Session

from callvault.audit.heads import create_head
from callvault.cli.vault import open_keyring
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.crypto.keyring import Keyring
from callvault.db.base import create_db_engine, new_id
from callvault.db.migrate import upgrade
from callvault.errors import Conflict
from callvault.settings import Settings
from callvault.tenants.models import Tenant
from callvault.tenants.service import find_tenant, validate_tenant_name


@dataclass(frozen=True)
class InitResult:
    created_root_key: bool
    created_tenant: bool


def ensure_data_dir(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.data_dir, 0o700)


def migrate(settings: Settings) -> None:
    engine = create_db_engine(settings.database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def initialise(settings: Settings, tenant_name: str) -> InitResult:
    validate_tenant_name(tenant_name)
    ensure_data_dir(settings)
    created_key = LocalKeyFileProvider.create(settings.root_key_path)
    migrate(settings)
    with open_keyring(settings) as (session, keyring):
        if find_tenant(session, tenant_name) is not None:
            return InitResult(created_root_key=created_key, created_tenant=False)
        create_tenant(session, keyring, tenant_name)
        session.commit()
    return InitResult(created_root_key=created_key, created_tenant=True)


def add_tenant(settings: Settings, tenant_name: str) -> Tenant:
    with open_keyring(settings) as (session, keyring):
        tenant = create_tenant(session, keyring, tenant_name)
        session.commit()
        return tenant


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
