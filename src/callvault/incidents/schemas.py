"""Request and response bodies of ``/api/v1/incidents``. Nothing here carries PHI but
``AffectedCall`` (the listing that needs ``call:read_phi`` as well)."""

from __future__ import annotations

import ipaddress
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from callvault.audit.schemas import ProvenEvent, TreeHeadOut
from callvault.incidents.clock import Duty
from callvault.inputs import PRINTABLE, InputModel, UtcInstant
from callvault.phone_states import JURISDICTIONS

OneLine = Annotated[str, Field(min_length=1, pattern=PRINTABLE)]
_STRICT = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class IncidentIn(InputModel):
    model_config = _STRICT

    title: Annotated[OneLine, Field(max_length=200)]
    # Strict mode takes a date only as "YYYY-MM-DD" text in JSON.
    discovered_on: date


class ScopeQueryIn(InputModel):
    """Which PHI reads belong to the incident: by ``actor_id`` (a user or token id as
    the audit trail records it), from ``network`` (a CIDR, or one address), and/or in
    ``since`` (inclusive) to ``until`` (exclusive). At least one; all given must match."""

    model_config = _STRICT

    actor_id: Annotated[OneLine, Field(max_length=64)] | None = None
    network: Annotated[OneLine, Field(max_length=64)] | None = None
    since: UtcInstant | None = None
    until: UtcInstant | None = None

    @field_validator("network")
    @classmethod
    def _a_network(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return str(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ValueError("network must be an IP address or a CIDR block") from None

    @model_validator(mode="after")
    def _criteria(self) -> Self:
        if not any((self.actor_id, self.network, self.since, self.until)):
            raise ValueError("name at least one of actor_id, network, since, until")
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise ValueError("since must be before until")
        return self


class EntryKind(StrEnum):
    CREATED = "created"
    SCOPE_COMPUTED = "scope_computed"
    EVIDENCE_EXPORTED = "evidence_exported"
    NOTE = "note"
    NOTICE = "notice"
    CLOSED = "closed"


class TimelineIn(InputModel):
    """A note, or a notice recorded as sent (``duty``, ``sent_on`` and, for the media,
    ``state``)."""

    model_config = _STRICT

    kind: EntryKind
    note: Annotated[str, Field(min_length=1, max_length=1000)] | None = None
    duty: Duty | None = None
    state: Annotated[OneLine, Field(max_length=64)] | None = None
    sent_on: date | None = None

    @model_validator(mode="after")
    def _shape(self) -> Self:
        if self.kind is EntryKind.NOTE:
            if self.note is None or any((self.duty, self.state, self.sent_on)):
                raise ValueError("a note has a note and nothing else")
        elif self.kind is EntryKind.NOTICE:
            if self.duty is None or self.sent_on is None:
                raise ValueError("a notice needs duty and sent_on")
            if (self.duty is Duty.MEDIA) != (self.state is not None):
                raise ValueError("a state is named for a media notice, and only for one")
            if self.state is not None and self.state not in JURISDICTIONS:
                raise ValueError("state must be a US State, DC or a territory, by its name")
        else:
            raise ValueError("kind must be note or notice")
        return self


class ScopeQueryOut(BaseModel):
    id: str
    actor_id: str | None
    network: str | None
    since: datetime | None
    until: datetime | None


class ScopeOut(BaseModel):
    """Counts only. ``affected_individuals`` = distinct caller numbers (by blind index)
    + calls without a number, each counted as one person (the conservative reading)."""

    computed_at: datetime
    affected_calls: int
    identified_callers: int
    calls_without_number: int
    affected_individuals: int
    by_state: dict[str, int]


class ObligationOut(BaseModel):
    duty: Duty
    state: str | None
    regulation: str
    due_on: date
    days_remaining: int
    sent_on: date | None


class TimelineEntryOut(BaseModel):
    at: datetime
    actor_id: str
    kind: EntryKind
    duty: Duty | None
    state: str | None
    sent_on: date | None
    note: str | None


class IncidentSummary(BaseModel):
    id: str
    title: str
    discovered_on: date
    deadline: date
    days_remaining: int
    status: str
    affected_individuals: int | None


class IncidentOut(IncidentSummary):
    created_at: datetime
    created_by: str
    closed_at: datetime | None
    scope_queries: list[ScopeQueryOut]
    scope: ScopeOut | None
    obligations: list[ObligationOut]
    timeline: list[TimelineEntryOut]


class IncidentList(BaseModel):
    items: list[IncidentSummary]


class AffectedCall(BaseModel):
    """PHI: only for a principal with ``call:read_phi`` too."""

    call_id: str
    caller_number: str | None
    state: str


class AffectedCalls(BaseModel):
    items: list[AffectedCall]


class EvidenceBundle(BaseModel):
    """The audit slice of an incident's scope, each event with its inclusion proof in
    the signed ``tree_head``: check them with any RFC 6962 verifier."""

    format: str
    generated_at: datetime
    incident: IncidentSummary
    scope_queries: list[ScopeQueryOut]
    tree_head: TreeHeadOut
    events: list[ProvenEvent]
