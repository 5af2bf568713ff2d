"""The jobs process's side of approved exports: seal what was approved, and shred
what was taken or left.

Building reads the export's calls as its requester may see them (the permissions
recorded with the request, narrowed to the parts asked for), watermarks each
transcript with the recipient's id, writes the manifest naming the recipient, the
requester and the approver, seals the ZIP under the key derived from the requester's
passphrase (``callvault access decrypt`` opens it), and stores the sealed file. Then
the wrapped key is destroyed: from that moment only the passphrase opens the file.

Several jobs processes may build the same export at once; the one whose conditional
update (``approved`` -> ``ready``) lands keeps its file, the others delete theirs. A
crash mid-build leaves the export approved: the next tick builds it again.

A file not downloaded within ``UNCLAIMED_DAYS`` of being built (or the tenant's
retention period for ``export``, when shorter) is shredded and the export expires; a
file still present after its download (a crash between the two) is shredded too.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import RequestInfo
from callvault.authz.principal import Principal, parse_permissions
from callvault.authz.roles import Policy
from callvault.blobs.interface import BlobStore
from callvault.calls.models import Call
from callvault.calls.uploads import object_blob_key
from callvault.calls.views import read_calls, select_calls
from callvault.crypto.keyprovider import RootKeyProvider
from callvault.crypto.keyring import KeyCache, Keyring
from callvault.db.base import new_id, utcnow
from callvault.db.tenancy import all_tenants
from callvault.lifecycle.access import add_call, call_views, open_call
from callvault.lifecycle.archive import ExportArchive
from callvault.lifecycle.bundle import seal_with_key
from callvault.lifecycle.datatypes import DataType
from callvault.lifecycle.exports import (
    APPROVED,
    DOWNLOADED,
    EXPIRED,
    READY,
    key_associated_data,
    shred_export_file,
)
from callvault.lifecycle.exports_models import Export
from callvault.lifecycle.retention import current_periods

log = logging.getLogger("callvault.exports")

BUILDER = "export-builder"
EXPORT_FORMAT = "callvault-export/v1"
UNCLAIMED_DAYS = 7


def watermark(recipient_id: str, export_id: str) -> str:
    return f"Exported for {recipient_id} under export {export_id}"


@dataclass(frozen=True)
class ExportBuilder:
    """The periodic job: every approved export built, every spent file shredded."""

    sessions: Callable[[], Session]
    root_key: RootKeyProvider
    blobs: BlobStore
    # Where the work is looked for; ``sessions`` if None. The jobs loop gives read-only
    # sessions: an idle tick then takes no write lock.
    read_sessions: Callable[[], Session] | None = None

    __name__ = "export_builder"  # what a failure's log line names

    def __call__(self, _: Session) -> None:
        for tenant_id, export_id, permissions in self._due():
            self._isolated(self.build, tenant_id, export_id, permissions)
        for tenant_id, export_id in self._spent():
            self._isolated(self.expire, tenant_id, export_id)

    def _isolated(
        self,
        work: Callable[[ServiceContext, str], None],
        tenant_id: str,
        export_id: str,
        permissions: str = "[]",
    ) -> None:
        """One export's work in its own session; a failure is logged (its type only:
        errors may carry anything) and retried next tick, and the others go on."""
        with self.sessions() as session:
            try:
                work(self.context(session, tenant_id, permissions), export_id)
            except Exception as exc:
                session.rollback()
                log.error(
                    "export job failed", extra={"export": export_id, "error": type(exc).__name__}
                )

    def build(self, ctx: ServiceContext, export_id: str) -> None:
        row = ctx.session.get_one(Export, export_id)
        if row.status != APPROVED or row.wrapped_key is None:
            return
        sealed = _sealed(ctx, self.blobs, row)
        blob_key = object_blob_key(ctx.tenant_id, new_id())
        with self.blobs.writer(blob_key) as writer:
            writer.write(sealed)
            writer.commit()
        digest = hashlib.sha256(sealed).hexdigest()
        won = ctx.session.execute(
            update(Export)
            .where(Export.id == row.id, Export.status == APPROVED)
            .values(
                status=READY,
                built_at=utcnow(),
                blob_key=blob_key,
                size=len(sealed),
                sha256=digest,
                wrapped_key=None,  # from now on, only the passphrase opens the file
            )
            .execution_options(synchronize_session=False)
        )
        if not getattr(won, "rowcount", 0):  # another jobs process built it first
            ctx.session.rollback()
            self.blobs.delete(blob_key)
            return
        reason = f"{len(sealed)} bytes, sha256 {digest}"
        ctx.audit(AuditAction.EXPORT_BUILD, row.id, reason=reason)
        ctx.session.commit()

    def expire(self, ctx: ServiceContext, export_id: str) -> None:
        row = ctx.session.get_one(Export, export_id)
        if row.status == READY:
            row.status = EXPIRED
            shred_export_file(ctx, self.blobs, row, "not downloaded in time")
        elif row.status == DOWNLOADED and row.blob_key is not None:
            shred_export_file(ctx, self.blobs, row, "downloaded")

    def context(self, session: Session, tenant_id: str, permissions: str = "[]") -> ServiceContext:
        """The builder acting in ``tenant_id`` with the requester's shaping
        ``permissions`` (a JSON list, as stored with the export)."""
        policy = Policy(allow=parse_permissions(permissions))
        principal = Principal(tenant_id, "system", BUILDER, (BUILDER,), policy)
        return ServiceContext(
            session=session,
            principal=principal,
            request=RequestInfo(user_agent="callvault-exports"),
            keyring=Keyring(session, self.root_key, KeyCache()),
        )

    def _reading(self) -> Session:
        return (self.read_sessions or self.sessions)()

    def _due(self) -> list[tuple[str, str, str]]:
        with self._reading() as session, all_tenants(session):
            rows = session.execute(
                select(Export.tenant_id, Export.id, Export.permissions).where(
                    Export.status == APPROVED
                )
            )
            return [(t, i, p) for t, i, p in rows]

    def _spent(self) -> list[tuple[str, str]]:
        """Files downloaded but still stored, and files unclaimed past their time."""
        with self._reading() as session, all_tenants(session):
            rows = session.execute(
                select(Export.tenant_id, Export.id, Export.status, Export.built_at).where(
                    Export.blob_key.is_not(None),
                    or_(Export.status == DOWNLOADED, Export.status == READY),
                )
            )
            found = list(rows)
        now, spent = utcnow(), []
        for tenant_id, export_id, status, built_at in found:
            unclaimed = built_at is not None and built_at + self._keep(tenant_id) <= now
            if status == DOWNLOADED or unclaimed:
                spent.append((tenant_id, export_id))
        return spent

    def _keep(self, tenant_id: str) -> timedelta:
        with self._reading() as session:
            ctx = self.context(session, tenant_id)
            days = current_periods(ctx)[DataType.EXPORT]
        return timedelta(days=min(UNCLAIMED_DAYS, days or UNCLAIMED_DAYS))


def _sealed(ctx: ServiceContext, blobs: BlobStore, row: Export) -> bytes:
    """The export's ZIP, sealed under the key derived from the requester's passphrase."""
    call_ids = json.loads(row.call_ids)
    statement = select_calls(ctx.tenant_id).where(Call.id.in_(call_ids))
    calls = read_calls(ctx.session, statement.order_by(Call.started_at, Call.id))
    mark = watermark(row.recipient_id, row.id)
    opened = [open_call(ctx, blobs, view) for view in call_views(ctx, blobs, calls)]
    manifest = {
        "export": row.id,
        "recipient": {"name": row.recipient_name, "id": row.recipient_id},
        "watermark": mark,
        "requested_by": row.requested_by,
        "approved_by": row.decided_by,
        "reason": row.reason,
        "calls": [c.id for c in calls],
        "permissions": json.loads(row.permissions),
        "exported_at": utcnow().isoformat(timespec="seconds"),
    }
    key = bytes.fromhex(
        ctx.keyring.decrypt_field(
            ctx.tenant_id, row.wrapped_key or b"", key_associated_data(ctx.tenant_id, row.id)
        )
    )
    ctx.session.commit()  # nothing written: decrypting and sealing hold no lock
    archive = ExportArchive(utcnow(), EXPORT_FORMAT)
    for call in opened:
        add_call(archive, call, lambda data: _marked(data, mark))
    return seal_with_key(archive.finish(manifest), row.key_header, key)


def _marked(data: bytes, mark: str) -> bytes:
    """A transcript carrying the watermark: the first key of its JSON object."""
    try:
        value = json.loads(data)
    except ValueError:  # not JSON: a header line, as a comment
        return f"# {mark}\n".encode() + data
    body = value if isinstance(value, dict) else {"transcript": value}
    return json.dumps({"watermark": mark, **body}, indent=2).encode("utf-8") + b"\n"
