"""Who is asking: a user (through a session) or a service account (through a token),
always within one tenant, with the policy its roles and grants give it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from callvault.authz.decision import Allowed, decide
from callvault.authz.permissions import Permission, parse_permission
from callvault.authz.roles import Policy, get_role, policy_for


@dataclass(frozen=True)
class Principal:
    tenant_id: str
    actor_type: str  # "user", "token" or "system"
    actor_id: str
    roles: tuple[str, ...]
    policy: Policy = field(repr=False)
    session_id: str | None = field(default=None, repr=False)
    stepped_up_at: datetime | None = None
    # Permissions held only through approved break-glass elevations (their use is audited).
    grants: frozenset[Permission] = field(default=frozenset(), repr=False)
    # PHI permissions its roles grant but a lapse of workforce training took away.
    training_suspended: frozenset[Permission] = field(default=frozenset(), repr=False)
    # The first day the user's training no longer counts, where the tenant requires it.
    training_due: date | None = field(default=None, repr=False)

    def may(self, permission: Permission) -> bool:
        return isinstance(decide(self.policy, permission), Allowed)


def system_principal(tenant_id: str, actor_id: str, roles: Iterable[str]) -> Principal:
    """For work CallVault does itself (demo seeding, jobs): built-in roles only."""
    names = tuple(roles)
    found = [r for r in (get_role(n) for n in names) if r is not None]
    return Principal(tenant_id, "system", actor_id, names, policy_for(found))


def parse_permissions(raw: str) -> frozenset[Permission]:
    """A stored JSON list of permission strings; unknown strings are dropped (denied)."""
    values = json.loads(raw or "[]")
    parsed = (parse_permission(v) for v in values if isinstance(v, str))
    return frozenset(p for p in parsed if p is not None)
