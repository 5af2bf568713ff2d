"""Playback links: a short-lived URL that plays a call's scrubbed recording.

A browser's ``<audio>`` element cannot send a bearer token, and a dashboard should not
proxy audio through its own code; so the page asks for a link (``create``) and points
the element at it. The link is no bearer secret on its own: it plays (``open``) only
for the principal that made it, presenting its own credentials again (the session
cookie goes along by itself; an API client sends its token), and, for a link a
signed-in session made, only in that very session, so signing out or the session
expiring ends the link too. Links live ``LINK_LIFETIME``.

The token is random (256 bits) and only its SHA-256 is stored (``PlaybackLink``); it is
never logged, audited or echoed. Whatever is wrong with a link (unknown, another
tenant's or principal's, expired, its session gone, the recording withdrawn), the
answer is the same ``NotFound``; the audit trail records the refusal.

Creating a link is audited (``recording:link_create``), and so is every request it
serves, as a read of the recording (``recording:play``), before any byte is sent.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import Outcome, record_creation
from callvault.blobs.interface import BlobStore
from callvault.calls.models import PlaybackLink
from callvault.calls.objects import RECORDING, RECORDING_ORIGINAL
from callvault.calls.scope import CallScope
from callvault.calls.service import CallService, OpenedObject, not_ready
from callvault.db.base import new_id, utcnow
from callvault.errors import Conflict, NotFound
from callvault.jobs.models import JobState
from callvault.jobs.service import HELD_FOR_REVIEW, job_state

LINK_LIFETIME = timedelta(minutes=5)
# Where a link plays: outside /calls, so that the path names no call.
PLAYBACK_PREFIX = "/api/v1/playback"
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
_NO_LINK = "no such playback link"


@dataclass(frozen=True)
class NewLink:
    token: str
    expires_at: datetime

    @property
    def url(self) -> str:
        return f"{PLAYBACK_PREFIX}/{self.token}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class PlaybackLinks:
    """One principal's playback links, in its tenant (``ServiceContext``)."""

    def __init__(
        self, ctx: ServiceContext, blobs: BlobStore, lifetime: timedelta = LINK_LIFETIME
    ) -> None:
        self._ctx = ctx
        self._blobs = blobs
        self._scope = CallScope(ctx, blobs)
        self._lifetime = lifetime

    def create(self, call_id: str) -> NewLink:
        """A link to the call's scrubbed recording, bound to this principal (and
        session), committed with its audit event. NotFound (audited) if the call is
        not in this tenant or has no recording; Conflict (audited) while its upload is
        not scrubbed yet, or could not be."""
        action = AuditAction.RECORDING_LINK_CREATE
        call = self._scope.call(call_id, action)
        objects = self._scope.objects([call.id]).get(call.id, {})
        if RECORDING not in objects:
            self._refuse(action, call.id, "no scrubbed recording")
            if RECORDING_ORIGINAL in objects:  # as GET /recording answers
                raise Conflict(not_ready(self._ctx.session, call.id))
            raise NotFound("the call has no recording")
        if job_state(self._ctx.session, call.id) is JobState.REVIEW:
            self._refuse(action, call.id, "held for review")
            raise Conflict(HELD_FOR_REVIEW)
        token, now = secrets.token_urlsafe(32), utcnow()
        expires_at = now + self._lifetime
        principal = self._ctx.principal
        row = {
            "id": new_id(),
            "tenant_id": self._ctx.tenant_id,
            "token_hash": _hash(token),
            "call_id": call.id,
            "kind": RECORDING,
            "actor_type": principal.actor_type,
            "actor_id": principal.actor_id,
            "session_id": principal.session_id,
            "created_at": now,
            "expires_at": expires_at,
        }
        record_creation(
            self._ctx.session,
            principal,
            action,
            resource_type=action.resource_type,
            resource_id=call.id,
            request=self._ctx.request,
            rows=[(PlaybackLink.__tablename__, row)],
        )
        return NewLink(token, expires_at)

    def open(self, token: str) -> OpenedObject:
        """The linked recording, its read audited and committed (as by
        ``CallService.open_object``); NotFound, the same for every reason, otherwise."""
        call_id = self._usable_link(token)
        if call_id is None:
            raise NotFound(_NO_LINK)
        try:
            return CallService(self._ctx, self._blobs).open_object(
                call_id, RECORDING, AuditAction.RECORDING_PLAY
            )
        except (NotFound, Conflict):  # the recording withdrawn since (audited there)
            raise NotFound(_NO_LINK) from None

    def _usable_link(self, token: str) -> str | None:
        """The call of the link ``token`` names if this principal may play it now; else
        None, with the refusal audited (by the call's id when the link is known)."""
        link = None
        if _TOKEN_SHAPE.fullmatch(token):
            stmt = select(PlaybackLink).where(PlaybackLink.token_hash == _hash(token))
            link = self._ctx.session.execute(stmt).scalar_one_or_none()
        if link is None:
            self._refuse(AuditAction.RECORDING_PLAY, None, "unknown playback link")
            return None
        call_id, problem = link.call_id, self._problem(link)
        if problem is not None:
            self._refuse(AuditAction.RECORDING_PLAY, call_id, problem)
            return None
        return call_id

    def _problem(self, link: PlaybackLink) -> str | None:
        """Why this principal may not play ``link`` now (for the audit trail only)."""
        principal = self._ctx.principal
        if link.kind != RECORDING:
            return "not a recording link"
        if link.expires_at <= utcnow():
            return "expired playback link"
        if (link.actor_type, link.actor_id) != (principal.actor_type, principal.actor_id):
            return "playback link of another principal"
        if link.session_id != principal.session_id:
            return "playback link of another session"
        return None

    def _refuse(self, action: AuditAction, call_id: str | None, reason: str) -> None:
        self._ctx.audit_refusal(action, call_id, outcome=Outcome.NOT_FOUND, reason=reason)
