"""What every operation on a tenant's calls shares: the ``ServiceContext`` and the blob
store, with the audited lookup of a call by id and of its stored objects.

``CallService`` (reads) and ``CallObjects`` (writes of recordings and transcripts)
hold the same ``CallScope``, so both see one transaction and one audit context.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import Outcome
from callvault.blobs.interface import BlobStore
from callvault.calls.consent import REFUSING, Consent, ConsentRefused, refusal_reason
from callvault.calls.models import Call, StoredObject
from callvault.calls.views import CallExtras, CallRecord, read_call, read_call_with_extras
from callvault.errors import NotFound

T = TypeVar("T")


class CallScope:
    """One principal's access to its tenant's calls, on its ``ServiceContext`` (whose
    session is scoped to the tenant): a call of another tenant is simply not found."""

    def __init__(self, ctx: ServiceContext, blobs: BlobStore) -> None:
        self.ctx = ctx
        self.blobs = blobs

    def call(self, call_id: str, action: AuditAction, *, lock: bool = False) -> CallRecord:
        """The tenant's call; NotFound otherwise, audited as a NOT_FOUND ``action``.
        ``lock``: its row locked until the transaction ends."""
        call = read_call(self.ctx.session, self.ctx.tenant_id, call_id, lock=lock)
        return self._found(call, call_id, action)

    def call_with_extras(self, call_id: str, action: AuditAction) -> tuple[CallRecord, CallExtras]:
        """``call`` with its objects and recording job (what a view shows)."""
        found = read_call_with_extras(self.ctx.session, self.ctx.tenant_id, call_id)
        return self._found(found, call_id, action)

    def _found(self, found: T | None, call_id: str, action: AuditAction) -> T:
        if found is None:
            self.ctx.audit_refusal(action, call_id, outcome=Outcome.NOT_FOUND)
            raise NotFound("no such call")
        return found

    def check_recordable(self, call: CallRecord | Call) -> None:
        """ConsentRefused (audited as a refused upload, committed) if the call's consent
        state refuses a recording; the caller's transaction is rolled back first."""
        if call.consent is None or Consent(call.consent) not in REFUSING:
            return
        consent = Consent(call.consent)
        self.ctx.audit_refusal(
            AuditAction.RECORDING_UPLOAD,
            call.id,
            outcome=Outcome.DENIED,
            reason=refusal_reason(consent),
        )
        raise ConsentRefused(consent)

    def objects(self, call_ids: list[str]) -> dict[str, dict[str, StoredObject]]:
        """Per call, its stored objects (ORM rows, for writes) by kind."""
        found: dict[str, dict[str, StoredObject]] = {}
        if not call_ids:
            return found
        rows = self.ctx.session.execute(
            select(StoredObject).where(
                StoredObject.tenant_id == self.ctx.tenant_id, StoredObject.call_id.in_(call_ids)
            )
        ).scalars()
        for row in rows:
            found.setdefault(row.call_id, {})[row.kind] = row
        return found
