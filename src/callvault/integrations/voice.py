"""Twilio voice-status webhooks: a call is created the first time its CallSid is seen
and brought up to date by later statuses.

Idempotent: the call is found again by ``(tenant, "twilio", CallSid)`` (unique), only a
final status (completed, busy, no-answer, failed, canceled) changes it, and a status
that would change nothing writes nothing (not even an audit event). Two deliveries
racing to create the same call meet at the unique index: the loser updates instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.calls.models import Call
from callvault.calls.new_call import NewCall, new_call_row
from callvault.db.base import utcnow
from callvault.errors import InvalidInput
from callvault.integrations.webhook_auth import SignedRequest
from callvault.phone import to_e164

SOURCE = "twilio"
FINAL_STATUSES = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
CALL_SID = re.compile(r"CA[0-9A-Za-z]{1,62}")


@dataclass(frozen=True)
class VoiceStatus:
    call_sid: str
    caller: str
    called: str
    direction: str  # inbound / outbound, as CallVault stores it
    status: str
    at: datetime  # when Twilio sent this status
    duration: int | None  # seconds, on a final status

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES


def parse_voice_status(signed: SignedRequest) -> VoiceStatus:
    """The parameters CallVault uses; InvalidInput names a bad one, never its value."""
    sid = signed.param("CallSid") or ""
    if not CALL_SID.fullmatch(sid):
        raise InvalidInput("CallSid is missing or malformed")
    direction = signed.param("Direction") or "inbound"
    return VoiceStatus(
        call_sid=sid,
        caller=to_e164(signed.param("From") or "", "From"),
        called=to_e164(signed.param("To") or "", "To"),
        direction="inbound" if direction == "inbound" else "outbound",
        status=(signed.param("CallStatus") or "").lower(),
        at=_timestamp(signed.param("Timestamp")),
        duration=_seconds(signed.param("CallDuration")),
    )


def _timestamp(raw: str | None) -> datetime:
    if not raw:
        return utcnow()
    try:
        return parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        raise InvalidInput("Timestamp is not an RFC 2822 date") from None


def _seconds(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or int(raw) > 7 * 24 * 3600:
        raise InvalidInput("CallDuration is not a whole number of seconds")
    return int(raw)


class VoiceStatusService:
    """Applies voice statuses to the webhook tenant's calls (as the webhook actor)."""

    def __init__(self, ctx: ServiceContext, *, announced: bool = False) -> None:
        """``announced``: the tenant configured a recording disclosure, which the voice
        webhook's TwiML says before the recorded ``<Dial>``: its new calls' consent
        is ``announced`` (``callvault.calls.consent.default_consent``)."""
        self._ctx = ctx
        self._session = ctx.session
        self._announced = announced

    def apply(self, status: VoiceStatus) -> str:
        """The call's id, created or updated (each committed with its audit event)."""
        call = self.find(status.call_sid)
        if call is None:
            try:
                return self._create(status)
            except IntegrityError:  # a concurrent delivery created it first
                self._session.rollback()
                call = self.find(status.call_sid)
                if call is None:
                    raise
        self._update(call, status)
        return call.id

    def find(self, call_sid: str) -> Call | None:
        return self._session.execute(
            select(Call).where(
                Call.tenant_id == self._ctx.tenant_id,
                Call.external_source == SOURCE,
                Call.external_id == call_sid,
            )
        ).scalar_one_or_none()

    def _create(self, status: VoiceStatus) -> str:
        """The new call, linked like every other (``new_call_row``), committed here
        with its audit event: the unique CallSid decides a race, so the commit is ours."""
        started = status.at - timedelta(seconds=status.duration or 0)
        new_call = NewCall(
            caller_number=status.caller,
            called_number=status.called,
            tracking_number=status.called,
            started_at=started,
            ended_at=started + timedelta(seconds=status.duration or 0),
            direction=status.direction,
            disposition=status.status if status.final else None,
            external_source=SOURCE,
            external_id=status.call_sid,
            disclosure_played=self._announced,
        )
        call = Call(**new_call_row(self._session, self._ctx.keyring, self._ctx.tenant_id, new_call))
        self._session.add(call)
        self._session.flush()
        self._ctx.audit(AuditAction.CALL_CREATE, call.id)
        self._session.commit()
        return call.id

    def _update(self, call: Call, status: VoiceStatus) -> None:
        """A final status sets the outcome and the end; anything else is progress
        CallVault does not keep (the call exists already)."""
        if not status.final:
            self._session.rollback()
            return
        ended = call.started_at + timedelta(seconds=status.duration or 0)
        if (call.disposition, call.ended_at) == (status.status, ended):
            self._session.rollback()  # a repeat: nothing to change, nothing to record
            return
        call.disposition = status.status
        call.ended_at = ended
        self._ctx.audit(AuditAction.CALL_UPDATE, call.id)
        self._session.commit()
