"""Roles: sets of allowed and denied permissions; built-ins follow least privilege and
separation of duties (the admin cannot read the audit log or PHI unless also granted
it; the compliance officer cannot change users or keys)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from callvault.authz.permissions import Permission as P


@dataclass(frozen=True)
class Role:
    name: str
    allow: frozenset[P]
    deny: frozenset[P] = frozenset()


@dataclass(frozen=True)
class Policy:
    """What one principal may do: the union of its roles' allows and of any active
    break-glass grants, and the union of their denies. A deny always wins."""

    allow: frozenset[P]
    deny: frozenset[P] = frozenset()


_PHI_READ = frozenset(
    {
        P.CALL_READ_PHI,
        P.RECORDING_PLAY,
        P.TRANSCRIPT_READ,
        P.RECORDING_PLAY_UNREDACTED,
        P.TRANSCRIPT_READ_UNREDACTED,
    }
)
_AGENT = frozenset(
    {
        P.CALL_READ,
        P.CALL_READ_PHI,
        P.RECORDING_PLAY,
        P.TRANSCRIPT_READ,
        P.ELEVATION_REQUEST,
        P.SESSION_SELF,
    }
)
_INGEST = frozenset({P.CALL_CREATE, P.RECORDING_UPLOAD, P.TRANSCRIPT_UPLOAD})

BUILTIN_ROLES: dict[str, Role] = {
    role.name: role
    for role in (
        Role("agent", allow=_AGENT),
        Role("supervisor", allow=_AGENT | {P.ELEVATION_APPROVE, P.EXPORT_CREATE, P.REPORT_READ}),
        Role(
            "marketing",
            allow=frozenset({P.CALL_READ, P.REPORT_READ, P.TRACKING_ADMIN, P.SESSION_SELF}),
            deny=_PHI_READ | {P.EXPORT_CREATE},
        ),
        Role(
            "compliance_officer",
            allow=frozenset(
                {
                    P.ALERT_ADMIN,
                    P.AUDIT_READ,
                    P.HOLD_ADMIN,
                    P.BAA_ADMIN,
                    P.COMPLIANCE_READ,
                    P.INCIDENT_ADMIN,
                    P.RETENTION_ADMIN,
                    P.TRAINING_ADMIN,
                    P.ELEVATION_APPROVE,
                    P.EXPORT_APPROVE,
                    P.SESSION_SELF,
                }
            ),
            deny=frozenset({P.USER_ADMIN, P.ROLE_ADMIN, P.KEY_ADMIN, P.TOKEN_ADMIN}),
        ),
        Role(
            "admin",
            allow=frozenset(
                {
                    P.USER_ADMIN,
                    P.ROLE_ADMIN,
                    P.KEY_ADMIN,
                    P.TOKEN_ADMIN,
                    P.POLICY_ADMIN,
                    P.COMPLIANCE_READ,
                    P.TRAINING_ADMIN,
                    P.TRACKING_ADMIN,
                    P.INTEGRATION_ADMIN,
                    P.ELEVATION_REQUEST,
                    P.SESSION_SELF,
                    P.METRICS_READ,
                }
            ),
        ),
        # Ingest only; it may look up the masked call it created, and never reach PHI.
        Role("integration", allow=_INGEST | {P.CALL_READ}, deny=_PHI_READ),
        Role("scim", allow=frozenset({P.SCIM_PROVISION}), deny=_PHI_READ),
    )
}


def get_role(name: str) -> Role | None:
    return BUILTIN_ROLES.get(name)


def policy_for(roles: Iterable[Role], grants: Iterable[P] = ()) -> Policy:
    roles = list(roles)
    allow = frozenset().union(*(r.allow for r in roles), grants)
    deny = frozenset().union(*(r.deny for r in roles))
    return Policy(allow=allow, deny=deny)


def narrowed(policy: Policy, scopes: frozenset[P] | None) -> Policy:
    """A token's scopes can only take permissions away from its role."""
    if scopes is None:
        return policy
    return Policy(allow=policy.allow & scopes, deny=policy.deny)
