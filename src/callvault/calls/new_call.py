"""The row of a new call, as every ingest path writes it (``CallService.create`` for
the API and the PBX imports, ``callvault.integrations.voice`` for Twilio): its PHI
encrypted, its caller's blind index, its campaign and DNI session linked
(``campaign_link``), and its recording consent set (``consent``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from phonenumbers import PhoneNumber
from sqlalchemy.orm import Session

from callvault.calls.campaign_link import links_of
from callvault.calls.consent import Consent, Pause, default_consent, dump_pauses
from callvault.calls.fields import encrypt_column
from callvault.crypto.keyring import Keyring
from callvault.db.base import new_id, utcnow


@dataclass(frozen=True)
class NewCall:
    """A call to create; its numbers already in E.164."""

    caller_number: str
    called_number: str
    tracking_number: str
    started_at: datetime
    ended_at: datetime
    direction: str
    caller_name: str | None = None
    notes: str | None = None
    agent: str | None = None
    campaign: str | None = None  # the request's own campaign text, kept as sent
    disposition: str | None = None
    external_source: str | None = None
    external_id: str | None = None
    consent: Consent | None = None  # None: the default (``default_consent``)
    # Whether the telephony side played a recording disclosure before recording.
    disclosure_played: bool = False
    recording_pauses: tuple[Pause, ...] = ()
    # The three numbers as parsed (``phone.parse_e164``), when the caller has them: the
    # default consent then geocodes them without parsing each again.
    parsed_numbers: tuple[PhoneNumber, ...] = field(default=(), repr=False, compare=False)

    def consent_state(self) -> Consent:
        if self.consent is not None:
            return self.consent
        parties = self.parsed_numbers or (
            self.caller_number,
            self.called_number,
            self.tracking_number,
        )
        return default_consent(parties, self.disclosure_played)


def new_call_row(
    session: Session, keyring: Keyring, tenant_id: str, call: NewCall
) -> dict[str, Any]:
    """The ``calls`` row of ``call`` in the tenant, with a new id (``row["id"]``)."""
    call_id = new_id()
    links = links_of(session, tenant_id, call.tracking_number, call.started_at)

    def encrypted(column: str, value: str | None) -> bytes | None:
        return encrypt_column(keyring, tenant_id, call_id, column, value)

    return {
        "id": call_id,
        "tenant_id": tenant_id,
        "caller_number_index": keyring.blind_index(tenant_id, call.caller_number),
        "caller_number_enc": encrypted("caller_number", call.caller_number),
        "caller_name_enc": encrypted("caller_name", call.caller_name),
        "notes_enc": encrypted("notes", call.notes),
        "called_number": call.called_number,
        "tracking_number": call.tracking_number,
        "started_at": call.started_at,
        "ended_at": call.ended_at,
        "direction": call.direction,
        "agent": call.agent,
        # The request's own campaign text wins; the tracking number's names it otherwise.
        "campaign": call.campaign or (links.campaign.name if links.campaign else None),
        "campaign_id": links.campaign.campaign_id if links.campaign else None,
        "dni_session_id": links.dni_session_id,
        "disposition": call.disposition,
        "external_source": call.external_source,
        "external_id": call.external_id,
        "consent": call.consent_state().value,
        "recording_pauses": dump_pauses(call.recording_pauses),
        "created_at": utcnow(),
    }
