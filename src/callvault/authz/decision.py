"""The one decision function. Pure: no I/O, no request, no clock."""

from __future__ import annotations

from dataclasses import dataclass

from callvault.authz.permissions import Permission
from callvault.authz.roles import Role


@dataclass(frozen=True)
class Allowed:
    permission: Permission


@dataclass(frozen=True)
class Denied:
    permission: Permission
    reason: str


Decision = Allowed | Denied


def decide(role: Role | None, permission: Permission) -> Decision:
    if role is None:
        return Denied(permission, "unknown role")
    if permission in role.deny:
        return Denied(permission, "denied by role")
    if permission in role.allow:
        return Allowed(permission)
    return Denied(permission, "not granted")
