"""Recording audit events in the same transaction as the work they describe.

The tamper-evident log (Merkle tree, signed heads) comes with the audit issue; this
module is the seam it will back. Events carry ids and outcomes, never PHI.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from callvault.audit.models import AuditEvent
from callvault.identity.principal import Principal


class AuditAction(StrEnum):
    CALL_CREATE = "call:create"
    CALL_READ = "call:read"
    CALL_SEARCH = "call:search"
    OBJECT_SHRED = "object:shred"
    RECORDING_PLAY = "recording:play"
    RECORDING_UPLOAD = "recording:upload"
    TRANSCRIPT_READ = "transcript:read"
    TRANSCRIPT_UPLOAD = "transcript:upload"


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    NOT_FOUND = "not_found"
    ERROR = "error"


@dataclass(frozen=True)
class RequestInfo:
    source_ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


def record_event(
    session: Session,
    principal: Principal,
    action: str,
    *,
    resource_type: str,
    resource_id: str | None,
    outcome: Outcome,
    request: RequestInfo,
) -> None:
    session.add(
        AuditEvent(
            tenant_id=principal.tenant_id,
            actor_type=principal.actor_type,
            actor_id=principal.actor_id,
            action=str(action),
            resource_type=resource_type,
            resource_id=resource_id,
            outcome=outcome.value,
            source_ip=request.source_ip,
            user_agent=(request.user_agent or "")[:256] or None,
            request_id=request.request_id,
        )
    )
