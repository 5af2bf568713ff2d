"""Creating calls from PBX records exactly once.

A call and its ``pbx_imports`` marker are committed together, with the call's
creation event (``CallService.create(..., also=...)``): a crash leaves either both or
neither, so a re-run never creates a call twice and never misses one. Two deliveries
of the same record racing each other meet the marker's unique constraint: the second
one's rows are refused, and ``create_once`` answers with the call the first made.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from callvault.audit.context import ServiceContext
from callvault.audit.writer import RowInsert
from callvault.calls.schemas import CallCreate
from callvault.calls.service import CallService
from callvault.db.base import new_id, utcnow
from callvault.errors import CallVaultError
from callvault.integrations.pbx_models import PbxImport


class PbxSource(StrEnum):
    ASTERISK = "asterisk"
    FREESWITCH = "freeswitch"


@dataclass(frozen=True)
class Imported:
    call_id: str
    recording_attached: bool


class PbxImports:
    """The tenant's import markers of one source (the context's tenant)."""

    def __init__(self, ctx: ServiceContext, source: PbxSource) -> None:
        self._ctx = ctx
        self._source = source

    def imported(self) -> dict[str, Imported]:
        """Every external id already imported from this source."""
        rows = self._ctx.session.execute(
            select(PbxImport.external_id, PbxImport.call_id, PbxImport.recording_attached_at).where(
                PbxImport.tenant_id == self._ctx.tenant_id, PbxImport.source == self._source
            )
        )
        found = {row[0]: Imported(row[1], row[2] is not None) for row in rows}
        self._ctx.session.rollback()
        return found

    def recording_attached(self, external_id: str) -> None:
        """Note that the import attached the call's recording (committed at once)."""
        self._ctx.session.execute(
            update(PbxImport)
            .where(
                PbxImport.tenant_id == self._ctx.tenant_id,
                PbxImport.source == self._source,
                PbxImport.external_id == external_id,
            )
            .values(recording_attached_at=utcnow())
        )
        self._ctx.session.commit()

    def call_of(self, external_id: str) -> str | None:
        """The call an external id became, if it was imported already."""
        call_id = self._ctx.session.scalar(
            select(PbxImport.call_id).where(
                PbxImport.tenant_id == self._ctx.tenant_id,
                PbxImport.source == self._source,
                PbxImport.external_id == external_id,
            )
        )
        self._ctx.session.rollback()
        return call_id

    def create(self, calls: CallService, external_id: str, data: CallCreate) -> str:
        """A new call with its marker, committed together; its id."""

        def marker(call_id: str) -> list[RowInsert]:
            row = {
                "id": new_id(),
                "tenant_id": self._ctx.tenant_id,
                "source": self._source.value,
                "external_id": external_id,
                "call_id": call_id,
                "imported_at": utcnow(),
            }
            return [(PbxImport.__tablename__, row)]

        return calls.create(data, also=marker)

    def create_once(self, calls: CallService, external_id: str, data: CallCreate) -> str:
        """``create``, unless the external id was imported already: then its call's id."""
        existing = self.call_of(external_id)
        if existing is not None:
            return existing
        try:
            return self.create(calls, external_id, data)
        except (CallVaultError, IntegrityError):
            # A concurrent delivery of the same record may have won: its call, if so.
            self._ctx.session.rollback()
            existing = self.call_of(external_id)
            if existing is None:
                raise
            return existing
