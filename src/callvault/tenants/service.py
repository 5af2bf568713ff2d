"""Finding tenants by name. A tenant is made by ``callvault.instance.create_tenant``, which
also gives it keys and an audit log."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from callvault.errors import InvalidInput, NotFound
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
