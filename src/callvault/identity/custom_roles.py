"""A tenant's custom roles, resolved with the built-in ones."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from callvault.authz.principal import parse_permissions
from callvault.authz.roles import Role, get_role
from callvault.identity.models import CustomRole


def resolve_roles(session: Session, tenant_id: str, names: Iterable[str]) -> list[Role]:
    """Built-in roles by name, then the tenant's custom roles; unknown names give nothing."""
    names = list(names)
    roles = [r for r in (get_role(n) for n in names) if r is not None]
    custom_names = [n for n in names if get_role(n) is None]
    if custom_names:
        rows = session.execute(
            select(CustomRole).where(
                CustomRole.tenant_id == tenant_id, CustomRole.name.in_(custom_names)
            )
        ).scalars()
        roles += [
            Role(row.name, parse_permissions(row.allow), parse_permissions(row.deny))
            for row in rows
        ]
    return roles
