"""Recording audit events in the same transaction as the work they describe.

``record_event`` appends to the tenant's Merkle log (``callvault.audit.append``); when it
cannot, it raises ``AuditUnavailable`` and the caller's transaction must not commit nor
its answer go out. Events carry ids, outcomes and keyed hashes, never PHI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import partial

from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.append import append_events
from callvault.audit.deferred import defer
from callvault.audit.heads import wrapped_secret
from callvault.audit.runtime import runtime
from callvault.audit.writer import RowInsert, insert_rows
from callvault.authz.permissions import Permission
from callvault.authz.principal import Principal
from callvault.db.base import write_aside


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
    action: AuditAction | Permission,
    *,
    resource_type: str,
    resource_id: str | None,
    outcome: Outcome,
    request: RequestInfo,
    reason: str | None = None,
    phi_terms: Sequence[str] = (),
) -> int:
    """Append one event in ``session``'s transaction and return its sequence number
    (in a read-only session, which cannot append, in a transaction of its own).

    ``phi_terms`` (a searched phone number, say) are stored only as keyed hashes, which
    ``callvault audit hash`` can recompute to find the events about a known value."""
    event = build_event(
        session, principal, action, resource_type, resource_id, outcome, request, reason, phi_terms
    )
    return write_aside(session, lambda writer: append_events(writer, principal.tenant_id, [event]))


def record_read(
    session: Session,
    principal: Principal,
    action: AuditAction,
    *,
    resource_type: str,
    resource_id: str | None,
    request: RequestInfo,
    phi_terms: Sequence[str] = (),
) -> None:
    """Audit an allowed read that wrote nothing else, and end ``session``'s transaction.

    The caller may answer once this returns: the event is durable by then, or, inside
    a request's ``deferred_audit`` scope, queued with a receipt that the web layer
    settles before any of the answer is sent. With the server's group committer,
    concurrent reads share one commit; without it (CLI, jobs, an app run without its
    lifespan) the event commits on its own."""
    event = build_event(
        session, principal, action, resource_type, resource_id, Outcome.ALLOWED, request,
        None, phi_terms,
    )  # fmt: skip
    _commit_shared(session, principal.tenant_id, event, ())


def record_creation(
    session: Session,
    principal: Principal,
    action: AuditAction,
    *,
    resource_type: str,
    resource_id: str,
    request: RequestInfo,
    rows: Sequence[RowInsert],
) -> None:
    """Create ``rows`` (new rows only, as ``(table, values)``) and record the event of
    their creation, in one transaction: both are committed, or neither. Like
    ``record_read``, through the group committer when the server runs one (a create
    then costs a share of one commit), and the caller answers once this returns."""
    event = build_event(
        session, principal, action, resource_type, resource_id, Outcome.ALLOWED, request,
        None, (),
    )  # fmt: skip
    _commit_shared(session, principal.tenant_id, event, rows)


def _commit_shared(
    session: Session, tenant_id: str, event: dict[str, object], rows: Sequence[RowInsert]
) -> None:
    committer = runtime(session).committer
    if committer is None:

        def commit_alone(writer: Session) -> None:
            insert_rows(writer, rows)
            append_events(writer, tenant_id, [event])

        write_aside(session, commit_alone)
        session.commit()
        return
    session.commit()  # ends the transaction (a read's, which wrote nothing) without an fsync
    receipt = committer.submit(tenant_id, event, rows)
    if not defer(receipt):
        receipt.wait()


def build_event(
    session: Session,
    principal: Principal,
    action: AuditAction | Permission,
    resource_type: str,
    resource_id: str | None,
    outcome: Outcome,
    request: RequestInfo,
    reason: str | None,
    phi_terms: Sequence[str],
) -> dict[str, object]:
    hashed = hash_terms(session, principal.tenant_id, phi_terms) if phi_terms else None
    return {
        "actor_type": principal.actor_type,
        "actor_id": principal.actor_id,
        "action": str(action),
        "resource_type": resource_type,
        "resource_id": _text(resource_id, 64),
        "outcome": outcome.value,
        "source_ip": _text(request.source_ip, 64),
        "user_agent": _text(request.user_agent, 256),
        "request_id": _text(request.request_id, 64),
        "reason": _text(reason, 500),
        "hashed_terms": hashed,
    }


def hash_terms(session: Session, tenant_id: str, terms: Sequence[str]) -> str:
    keys = runtime(session).keys
    secret = partial(wrapped_secret, session, tenant_id)  # read only if not cached
    return " ".join(keys.term_hash(tenant_id, secret, term) for term in terms)


def _text(value: str | None, limit: int) -> str | None:
    """Client-supplied text as it can be stored and hashed: lone surrogates (valid in
    JSON, not in UTF-8) become visible escapes rather than a failed audit write."""
    if not value:
        return None
    return value.encode("utf-8", "backslashreplace").decode("utf-8")[:limit]
