"""The one decision function. Pure: no I/O, no request, no clock."""

from __future__ import annotations

from dataclasses import dataclass

from callvault.authz.permissions import Permission
from callvault.authz.roles import Policy


@dataclass(frozen=True)
class Allowed:
    permission: Permission


@dataclass(frozen=True)
class Denied:
    permission: Permission
    reason: str


Decision = Allowed | Denied


def decide(policy: Policy | None, permission: Permission) -> Decision:
    """Deny wins over allow; what is not allowed is denied; no policy, no access."""
    if policy is None:
        return Denied(permission, "no policy")
    if permission in policy.deny:
        return Denied(permission, "denied by role")
    if permission in policy.allow:
        return Allowed(permission)
    return Denied(permission, "not granted")
