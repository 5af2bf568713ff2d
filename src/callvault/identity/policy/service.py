"""Reading and replacing the tenant's access policy (``policy:admin``).

New sessions take the limits at sign-in; live sessions are cut down to them at once,
so tightening the policy also shortens sessions already open."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.errors import InvalidInput
from callvault.identity.models import UserSession
from callvault.identity.policy.access import (
    AccessPolicy,
    load_access_policy,
    parse_networks,
    save_access_policy,
)


class AccessPolicyService:
    """The access policy of the principal's tenant; a replacement is audited and
    committed before it is returned."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def get(self) -> AccessPolicy:
        return load_access_policy(self._ctx.session, self._ctx.tenant_id)

    def replace(
        self, *, ip_allowlist: list[str], idle_minutes: int, absolute_minutes: int
    ) -> AccessPolicy:
        """Save the policy, refusing an allowlist that would shut out the very client
        setting it (the next request would be its last)."""
        networks = parse_networks(ip_allowlist)
        if networks and not AccessPolicy(networks).allows_ip(self._ctx.request.source_ip):
            raise InvalidInput("ip_allowlist must include the address this request comes from")
        policy = save_access_policy(
            self._ctx.session,
            self._ctx.tenant_id,
            ip_allowlist=ip_allowlist,
            idle_minutes=idle_minutes,
            absolute_minutes=absolute_minutes,
        )
        self._tighten_live_sessions(policy)
        self._ctx.audit(AuditAction.POLICY_UPDATE, self._ctx.tenant_id)
        self._ctx.session.commit()
        return policy

    def _tighten_live_sessions(self, policy: AccessPolicy) -> None:
        rows = self._ctx.session.execute(
            select(UserSession).where(
                UserSession.tenant_id == self._ctx.tenant_id, UserSession.revoked_at.is_(None)
            )
        ).scalars()
        for row in rows:
            row.idle_seconds = min(row.idle_seconds, policy.idle_minutes * 60)
            latest = row.created_at + timedelta(minutes=policy.absolute_minutes)
            row.expires_at = min(row.expires_at, latest)
