"""Approved bulk exports: one person asks, a second approves, the jobs process seals,
the requester downloads once (docs/exports.md).

- **Request** (``export:create``, step-up): a filter (dates, campaign, tracking number,
  call ids) resolved here to a fixed list of calls, a reason, the recipient, and a
  passphrase. The key is derived from the passphrase now (scrypt, as an access bundle)
  and kept wrapped under the tenant key until the file is sealed; the passphrase is
  never stored. What the file will hold is what the requester may see (minimum
  necessary), narrowed to the parts asked for; originals only when asked for and
  allowed.
- **Approve** (``export:approve``, step-up) by anyone but the requester: the requester
  approving is refused (403) and audited. Or **reject**.
- **Build**: ``callvault.lifecycle.exports_build`` in the jobs process.
- **Download**: the requester makes a short-lived link (its token stored as a SHA-256
  only, as playback links are) and fetches the sealed file through it, once: the file
  is shredded as soon as the download is on record; a second one is ``Gone``.
- **Limits**: ``MAX_REQUESTS_PER_DAY`` per person in 24 hours (429), ``MAX_CALLS``
  calls per export (422).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select, update

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import Outcome
from callvault.authz.permissions import Permission
from callvault.blobs.interface import BlobStore
from callvault.calls.models import Call
from callvault.db.base import new_id, utcnow
from callvault.errors import (
    Conflict,
    Gone,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooManyRequests,
)
from callvault.identity.sessions import require_step_up
from callvault.lifecycle.bundle import derive_key, new_header
from callvault.lifecycle.exports_models import Export

# Per person, per rolling 24 hours; per export. Constants, documented in docs/exports.md:
# a bulk export is an exception, and one that needs more is several, each approved.
MAX_REQUESTS_PER_DAY = 5
MAX_CALLS = 1000
LINK_LIFETIME = timedelta(minutes=15)
DOWNLOAD_PREFIX = "/api/v1/exports/download"

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
READY, DOWNLOADED, EXPIRED = "ready", "downloaded", "expired"
TRANSCRIPTS, RECORDINGS = "transcripts", "recordings"

_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
_NO_LINK = "no such download link, or it expired: make a new one"
_NO_EXPORT = "no such export"
_TAKEN = "this export was downloaded already, or has expired: request a new one"

# What may shape an export, by the part that needs it (call.json always goes in).
_PART_PERMISSIONS = {
    None: (Permission.CALL_READ, Permission.CALL_READ_PHI),
    TRANSCRIPTS: (Permission.TRANSCRIPT_READ, Permission.TRANSCRIPT_READ_UNREDACTED),
    RECORDINGS: (Permission.RECORDING_PLAY, Permission.RECORDING_PLAY_UNREDACTED),
}
_UNREDACTED = frozenset(
    {Permission.TRANSCRIPT_READ_UNREDACTED, Permission.RECORDING_PLAY_UNREDACTED}
)


@dataclass(frozen=True)
class Selection:
    """Which calls: every criterion given must match; at least one must be given."""

    since: datetime | None = None
    until: datetime | None = None
    campaign: str | None = None
    tracking_number: str | None = None
    call_ids: tuple[str, ...] = ()

    def as_json(self) -> str:
        return json.dumps(
            {
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "campaign": self.campaign,
                "tracking_number": self.tracking_number,
                "call_ids": list(self.call_ids),
            },
            sort_keys=True,
        )


@dataclass(frozen=True)
class ExportAsk:
    reason: str
    recipient_name: str
    recipient_id: str
    passphrase: str
    selection: Selection
    parts: frozenset[str] = frozenset()  # TRANSCRIPTS, RECORDINGS
    originals: bool = False


@dataclass(frozen=True)
class NewLink:
    token: str
    expires_at: datetime

    @property
    def url(self) -> str:
        return f"{DOWNLOAD_PREFIX}/{self.token}"


@dataclass(frozen=True)
class Download:
    export_id: str
    sealed: bytes


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def key_associated_data(tenant_id: str, export_id: str) -> bytes:
    """Binds a wrapped export key to its tenant and export."""
    return f"export-key|{tenant_id}|{export_id}".encode()


def shaping_permissions(ctx: ServiceContext, parts: frozenset[str], originals: bool) -> list[str]:
    """The requester's permissions that will shape the file: those of the parts asked
    for, without the unredacted ones unless originals were asked for."""
    wanted = [p for part in (None, *sorted(parts)) for p in _PART_PERMISSIONS[part]]
    return [str(p) for p in wanted if ctx.may(p) and (originals or p not in _UNREDACTED)]


class ExportService:
    """One principal's exports in its tenant."""

    def __init__(self, ctx: ServiceContext, blobs: BlobStore) -> None:
        self._ctx = ctx
        self._blobs = blobs

    # -- asking and deciding ----------------------------------------------------------

    def request(self, ask: ExportAsk) -> Export:
        ctx, action = self._ctx, AuditAction.EXPORT_REQUEST
        require_step_up(ctx.principal, "requesting an export")
        if ask.originals and not any(ctx.may(p) for p in _UNREDACTED):
            ctx.audit_refusal(action, None, outcome=Outcome.DENIED, reason="originals")
            raise PermissionDenied("originals need an unredacted permission, which you lack")
        # Refused before the key is derived (scrypt: 128 MB and a fraction of a second
        # each), then asked again once the row is about to be written, since another
        # request of the same person may have been let in meanwhile.
        self._within_daily_limit()
        ctx.session.commit()  # only read so far: scrypt must not hold the write lock
        # Derived now, while the passphrase is at hand (the job only gets the wrapped key).
        header, export_id = new_header(), new_id()
        key = derive_key(ask.passphrase, header)
        self._within_daily_limit()
        call_ids = self._resolve(ask.selection)
        wrapped = ctx.keyring.encrypt_field(
            ctx.tenant_id, key.hex(), key_associated_data(ctx.tenant_id, export_id)
        )
        row = Export(
            id=export_id,
            tenant_id=ctx.tenant_id,
            status=PENDING,
            reason=ask.reason,
            recipient_name=ask.recipient_name,
            recipient_id=ask.recipient_id,
            parts=",".join(sorted(ask.parts)),
            originals=ask.originals,
            selection=ask.selection.as_json(),
            call_ids=json.dumps(call_ids),
            permissions=json.dumps(shaping_permissions(ctx, ask.parts, ask.originals)),
            requested_by=ctx.principal.actor_id,
            requested_at=utcnow(),
            key_header=header,
            wrapped_key=wrapped,
        )
        ctx.session.add(row)
        ctx.session.flush()
        ctx.audit(action, row.id, reason=f"{len(call_ids)} calls; parts: {_parts_text(row)}")
        ctx.session.commit()
        return row

    def approve(self, export_id: str) -> Export:
        ctx, action = self._ctx, AuditAction.EXPORT_APPROVE
        row = self._pending(export_id, action)
        if ctx.principal.actor_id == row.requested_by:
            reason = "the requester may not approve"
            ctx.audit_refusal(action, row.id, outcome=Outcome.DENIED, reason=reason)
            raise PermissionDenied("a second person must approve an export")
        require_step_up(ctx.principal, "approving an export")
        return self._decide(row, APPROVED, action)

    def reject(self, export_id: str) -> Export:
        action = AuditAction.EXPORT_REJECT
        return self._decide(self._pending(export_id, action), REJECTED, action)

    def mine(self) -> list[Export]:
        """The requester's own exports, newest first."""
        return self._list(Export.requested_by == self._ctx.principal.actor_id)

    def everyone(self) -> list[Export]:
        """The tenant's exports, newest first (for approvers)."""
        return self._list(Export.tenant_id == self._ctx.tenant_id)

    # -- the one download -------------------------------------------------------------

    def create_link(self, export_id: str) -> NewLink:
        ctx, action = self._ctx, AuditAction.EXPORT_LINK_CREATE
        row = self._get(export_id)
        if row is None or row.requested_by != ctx.principal.actor_id:
            ctx.audit_refusal(action, export_id, outcome=Outcome.NOT_FOUND)
            raise NotFound(_NO_EXPORT)
        if row.status in (DOWNLOADED, EXPIRED):
            ctx.audit_refusal(action, row.id, outcome=Outcome.DENIED, reason=row.status)
            raise Gone(_TAKEN)
        if row.status != READY:
            ctx.audit_refusal(action, row.id, outcome=Outcome.DENIED, reason=row.status)
            raise Conflict(f"the export is {row.status}, not ready")
        token = secrets.token_urlsafe(32)
        row.link_hash, row.link_expires_at = _hash(token), utcnow() + LINK_LIFETIME
        ctx.audit(action, row.id)
        ctx.session.commit()
        return NewLink(token, row.link_expires_at)

    def download(self, token: str) -> Download:
        """The sealed file, once: the download and every call in it on record and
        committed first, then the file shredded. NotFound for an unknown, foreign or
        expired link; Gone once taken."""
        row = self._linked(token)
        # Claimed first: a concurrent download waits on this row and then finds it
        # taken, so the file is read only by the one that will have it on record.
        if not self._mark_downloaded(row.id):
            self._refuse_download(row.id, Outcome.DENIED, DOWNLOADED)
            raise Gone(_TAKEN)
        sealed = b"".join(self._blobs.read(row.blob_key or ""))
        ctx = self._ctx
        ctx.audit(AuditAction.EXPORT_DOWNLOAD, row.id)
        for call_id in json.loads(row.call_ids):
            ctx.audit(AuditAction.EXPORT_CALL, call_id, reason=f"export {row.id}")
        ctx.session.commit()
        shred_export_file(ctx, self._blobs, row, "downloaded")
        return Download(row.id, sealed)

    # -- internals --------------------------------------------------------------------

    def _within_daily_limit(self) -> None:
        ctx = self._ctx
        since = utcnow() - timedelta(days=1)
        count = ctx.session.scalar(
            select(func.count()).where(
                Export.tenant_id == ctx.tenant_id,
                Export.requested_by == ctx.principal.actor_id,
                Export.requested_at >= since,
            )
        )
        if (count or 0) >= MAX_REQUESTS_PER_DAY:
            reason = "daily limit"
            ctx.audit_refusal(
                AuditAction.EXPORT_REQUEST, None, outcome=Outcome.DENIED, reason=reason
            )
            raise TooManyRequests(
                f"at most {MAX_REQUESTS_PER_DAY} export requests a day per person",
                retry_after=3600,
            )

    def _resolve(self, selection: Selection) -> list[str]:
        """The ids of the tenant's calls the selection names, oldest first."""
        statement = select(Call.id).where(Call.tenant_id == self._ctx.tenant_id)
        if selection.since is not None:
            statement = statement.where(Call.started_at >= selection.since)
        if selection.until is not None:
            statement = statement.where(Call.started_at < selection.until)
        if selection.campaign is not None:
            statement = statement.where(Call.campaign == selection.campaign)
        if selection.tracking_number is not None:
            statement = statement.where(Call.tracking_number == selection.tracking_number)
        if selection.call_ids:
            statement = statement.where(Call.id.in_(selection.call_ids))
        statement = statement.order_by(Call.started_at, Call.id).limit(MAX_CALLS + 1)
        call_ids = list(self._ctx.session.scalars(statement))
        if set(selection.call_ids) - set(call_ids):  # call_ids given: at most MAX_CALLS
            self._refuse_request("unknown call ids")
            raise NotFound("some call ids are not calls of this tenant, or fail the filter")
        if not call_ids:
            self._refuse_request("no calls match")
            raise InvalidInput("no call matches the filter")
        if len(call_ids) > MAX_CALLS:
            self._refuse_request("too many calls")
            raise InvalidInput(
                f"more than {MAX_CALLS} calls match: an export holds at most {MAX_CALLS}; "
                "narrow the filter"
            )
        return call_ids

    def _refuse_request(self, reason: str) -> None:
        action = AuditAction.EXPORT_REQUEST
        self._ctx.audit_refusal(action, None, outcome=Outcome.DENIED, reason=reason)

    def _get(self, export_id: str) -> Export | None:
        return self._ctx.session.scalar(
            select(Export).where(Export.tenant_id == self._ctx.tenant_id, Export.id == export_id)
        )

    def _pending(self, export_id: str, action: AuditAction) -> Export:
        row = self._get(export_id)
        if row is None:
            self._ctx.audit_refusal(action, export_id, outcome=Outcome.NOT_FOUND)
            raise NotFound(_NO_EXPORT)
        if row.status != PENDING:
            self._ctx.audit_refusal(action, row.id, outcome=Outcome.DENIED, reason=row.status)
            raise Conflict(f"the export is {row.status}, not pending")
        return row

    def _decide(self, row: Export, status: str, action: AuditAction) -> Export:
        row.status, row.decided_by, row.decided_at = status, self._ctx.principal.actor_id, utcnow()
        if status == REJECTED:
            row.wrapped_key = None  # never to be built: its key goes now
        self._ctx.audit(action, row.id)
        self._ctx.session.commit()
        return row

    def _list(self, where: ColumnElement[bool]) -> list[Export]:
        ctx = self._ctx
        rows = list(
            ctx.session.scalars(
                select(Export)
                .where(Export.tenant_id == ctx.tenant_id, where)
                .order_by(Export.requested_at.desc(), Export.id)
                .limit(200)
            )
        )
        ctx.audit_read(AuditAction.EXPORT_LIST, None)
        return rows

    def _linked(self, token: str) -> Export:
        row = None
        if _TOKEN_SHAPE.fullmatch(token):
            row = self._ctx.session.scalar(select(Export).where(Export.link_hash == _hash(token)))
        if row is None or row.requested_by != self._ctx.principal.actor_id:
            self._refuse_download(None if row is None else row.id, Outcome.NOT_FOUND, "unknown")
            raise NotFound(_NO_LINK)
        if row.status != READY:
            self._refuse_download(row.id, Outcome.DENIED, row.status)
            raise Gone(_TAKEN)
        if row.link_expires_at is None or row.link_expires_at <= utcnow():
            self._refuse_download(row.id, Outcome.NOT_FOUND, "link expired")
            raise NotFound(_NO_LINK)
        return row

    def _refuse_download(self, export_id: str | None, outcome: Outcome, reason: str) -> None:
        action = AuditAction.EXPORT_DOWNLOAD
        self._ctx.audit_refusal(action, export_id, outcome=outcome, reason=reason)

    def _mark_downloaded(self, export_id: str) -> bool:
        """Exactly one concurrent download wins this conditional update."""
        result = self._ctx.session.execute(
            update(Export)
            .where(Export.id == export_id, Export.status == READY)
            .values(status=DOWNLOADED, downloaded_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))


def shred_export_file(ctx: ServiceContext, blobs: BlobStore, row: Export, why: str) -> None:
    """Delete an export's sealed file, on record. The file's key was the requester's
    passphrase, which CallVault never held: deleting the file is all there is."""
    if row.blob_key is not None:
        blobs.delete(row.blob_key)
    row.blob_key, row.shredded_at = None, utcnow()
    ctx.audit(AuditAction.EXPORT_SHRED, row.id, reason=why)
    ctx.session.commit()


def _parts_text(row: Export) -> str:
    names: Sequence[str] = ["calls", *filter(None, row.parts.split(","))]
    return ",".join(names) + (" (originals)" if row.originals else "")
