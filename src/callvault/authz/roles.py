"""Built-in roles: least privilege, deny wins.

The identity issue replaces this table with stored, editable roles; the decision
function's contract (allow set, deny set, deny wins, unknown denied) stays.
"""

from __future__ import annotations

from dataclasses import dataclass

from callvault.authz.permissions import Permission as P


@dataclass(frozen=True)
class Role:
    name: str
    allow: frozenset[P]
    deny: frozenset[P] = frozenset()


_READ_PHI = frozenset({P.CALL_READ, P.CALL_READ_PHI, P.RECORDING_PLAY, P.TRANSCRIPT_READ})
_INGEST = frozenset({P.CALL_CREATE, P.RECORDING_UPLOAD, P.TRANSCRIPT_UPLOAD})

BUILTIN_ROLES: dict[str, Role] = {
    role.name: role
    for role in (
        # Ingest only; it may look up the masked call it just created, nothing more.
        Role("integration", allow=_INGEST | {P.CALL_READ}, deny=_READ_PHI - {P.CALL_READ}),
        Role("agent", allow=_READ_PHI),
        Role("supervisor", allow=_READ_PHI),
        Role("marketing", allow=frozenset({P.CALL_READ}), deny=_READ_PHI - {P.CALL_READ}),
        Role("compliance_officer", allow=frozenset()),
        Role("admin", allow=frozenset(), deny=_READ_PHI),
    )
}


def get_role(name: str) -> Role | None:
    return BUILTIN_ROLES.get(name)
