from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from callvault.audit.heads import create_head
from callvault.crypto.keyring import Keyring
from callvault.db.base import new_id
from callvault.errors import Conflict, InvalidInput, NotFound
from callvault.tenants.models import Tenant

_TENANT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def validate_tenant_name(name: str) -> str:
    if not _TENANT_NAME.fullmatch(name):
        raise InvalidInput(
            "tenant names are 1-63 lowercase letters, digits and dashes, starting with a"
            " letter or digit"
        )
    return name


def find_tenant(session: Session, name: str) -> Tenant | None:
    return session.execute(select(Tenant).where(Tenant.name == name)).scalar_one_or_none()


def get_tenant(session: Session, name: str) -> Tenant:
    tenant = find_tenant(session, validate_tenant_name(name))
    if tenant is None:
        raise NotFound("no such tenant")
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
