"""Request and response bodies of the legal holds API.

A hold's body names exactly one selector: ``call_id``; ``caller_number``; ``since``
and ``until`` together; or ``campaign``. The caller's number is never stored or shown:
the hold keeps its blind index, and answers say only ``"caller": true``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from callvault.inputs import PRINTABLE, InputModel, UtcInstant
from callvault.phone import PHONE_DESCRIPTION, PHONE_PATTERN


class Covers(StrEnum):
    """What kind of selector a hold has."""

    CALL = "call"
    CALLER = "caller"
    DATE_RANGE = "date_range"
    CAMPAIGN = "campaign"


class HoldStatus(StrEnum):
    """Which holds a listing shows."""

    ACTIVE = "active"
    RELEASED = "released"
    ALL = "all"


OneLine = Annotated[str, Field(min_length=1, pattern=PRINTABLE)]


class HoldIn(InputModel):
    """A new hold. Unknown fields are refused; so is a body with no selector or more
    than one, or with only one end of a date range."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    reason: Annotated[str, Field(min_length=1, max_length=500)]
    matter: Annotated[OneLine, Field(max_length=200)]
    call_id: Annotated[OneLine, Field(max_length=64)] | None = None
    caller_number: (
        Annotated[str, Field(max_length=40, pattern=PHONE_PATTERN, description=PHONE_DESCRIPTION)]
        | None
    ) = None
    since: UtcInstant | None = None
    until: UtcInstant | None = None
    campaign: Annotated[OneLine, Field(max_length=100)] | None = None

    @model_validator(mode="after")
    def _exactly_one_selector(self) -> Self:
        if (self.since is None) != (self.until is None):
            raise ValueError("a date range needs both since and until")
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ValueError("since must not be after until")
        if len(self.selectors()) != 1:
            raise ValueError("name exactly one of call_id, caller_number, since/until, campaign")
        return self

    def selectors(self) -> list[Covers]:
        named = {
            Covers.CALL: self.call_id,
            Covers.CALLER: self.caller_number,
            Covers.DATE_RANGE: self.since,
            Covers.CAMPAIGN: self.campaign,
        }
        return [kind for kind, value in named.items() if value is not None]


class HoldCreated(BaseModel):
    id: str


class HoldOut(BaseModel):
    """A hold as shown: its selector, never a phone number (``caller`` says only that
    it holds a caller's calls)."""

    id: str
    covers: Covers
    call_id: str | None
    caller: bool
    since: datetime | None
    until: datetime | None
    campaign: str | None
    reason: str
    matter: str
    owner: str
    created_at: datetime
    released_at: datetime | None
    released_by: str | None


class HoldList(BaseModel):
    items: list[HoldOut]


class HeldCall(BaseModel):
    """A call a hold covers, without PHI: no caller number, name or notes."""

    id: str
    started_at: datetime
    campaign: str | None


class ExportedHold(HoldOut):
    # The calls the hold covers now; None for a released hold, which covers none.
    calls: list[HeldCall] | None


class HoldExport(BaseModel):
    """Every hold of the tenant, active and released, for counsel."""

    generated_at: datetime
    holds: list[ExportedHold]
