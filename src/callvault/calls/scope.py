"""What every operation on a tenant's calls shares: the session, keys, blobs and the
principal it is audited as, with the audited lookup of a call by id.

``CallService`` (reads) and ``CallObjects`` (writes of recordings and transcripts)
hold the same ``CallScope``, so both see one transaction and one audit context.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.service import Outcome, RequestInfo, record_event, record_read
from callvault.authz.principal import Principal
from callvault.blobs.interface import BlobStore
from callvault.calls.models import StoredObject
from callvault.calls.views import CallRecord, read_call
from callvault.crypto.keyring import Keyring
from callvault.errors import NotFound


class CallScope:
    """One principal's access to its tenant's calls: a call of another tenant is
    simply not found."""

    def __init__(
        self,
        session: Session,
        keyring: Keyring,
        blobs: BlobStore,
        principal: Principal,
        request: RequestInfo,
    ) -> None:
        self.session = session
        self.keyring = keyring
        self.blobs = blobs
        self.principal = principal
        self.request = request
        self.tenant_id = principal.tenant_id

    def audit(
        self,
        action: AuditAction,
        resource_id: str | None,
        outcome: Outcome = Outcome.ALLOWED,
        phi_terms: Sequence[str] = (),
    ) -> None:
        record_event(
            self.session,
            self.principal,
            action,
            resource_type="call",
            resource_id=resource_id,
            outcome=outcome,
            request=self.request,
            phi_terms=phi_terms,
        )

    def audit_read(
        self, action: AuditAction, resource_id: str | None, phi_terms: Sequence[str] = ()
    ) -> None:
        """Audit an allowed read and end the transaction; answer only after it returns."""
        record_read(
            self.session,
            self.principal,
            action,
            resource_type="call",
            resource_id=resource_id,
            request=self.request,
            phi_terms=phi_terms,
        )

    def call(self, call_id: str, action: AuditAction) -> CallRecord:
        """The tenant's call; NotFound otherwise, audited as a NOT_FOUND ``action``."""
        call = read_call(self.session, self.tenant_id, call_id)
        if call is None:
            self.session.rollback()
            self.audit(action, call_id[:64], Outcome.NOT_FOUND)
            self.session.commit()
            raise NotFound("no such call")
        return call

    def objects(self, call_ids: list[str]) -> dict[str, dict[str, StoredObject]]:
        """Per call, its stored objects (ORM rows, for writes) by kind."""
        found: dict[str, dict[str, StoredObject]] = {}
        if not call_ids:
            return found
        rows = self.session.execute(
            select(StoredObject).where(
                StoredObject.tenant_id == self.tenant_id, StoredObject.call_id.in_(call_ids)
            )
        ).scalars()
        for row in rows:
            found.setdefault(row.call_id, {})[row.kind] = row
        return found
