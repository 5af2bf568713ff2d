"""Request and response bodies of the BAA registry (``/api/v1/baas``).

Signers are the people who signed for each party (names and roles of the workforce
and the counterparty's officers: not PHI). The signed document itself stays with the
clinic's records; the registry keeps its SHA-256, which proves later which document
an agreement was activated on.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from callvault.inputs import PRINTABLE, InputModel
from callvault.tenants.agreements import DEFAULT_REMINDER_DAYS, AgreementKind, AgreementStatus

SHA256_HEX = r"^[0-9a-f]{64}$"
MAX_SIGNERS = 10

OneLine = Annotated[str, Field(min_length=1, pattern=PRINTABLE)]
Sha256 = Annotated[str, Field(pattern=SHA256_HEX, description="SHA-256 of the signed document")]
ReminderDays = Annotated[int, Field(ge=0, le=365)]


class Signer(InputModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    name: Annotated[OneLine, Field(max_length=200)]
    role: Annotated[OneLine, Field(max_length=100)]


class BaaIn(InputModel):
    """A new agreement, recorded as a draft: it opens nothing until it is activated,
    which needs ``document_sha256``. ``ends_on`` is the first day it no longer covers."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    kind: AgreementKind
    counterparty: Annotated[OneLine, Field(max_length=200)]
    effective_on: date
    ends_on: date | None = None
    document_sha256: Sha256 | None = None
    signers: list[Signer] = Field(default_factory=list, max_length=MAX_SIGNERS)
    reminder_days: ReminderDays = DEFAULT_REMINDER_DAYS


class BaaChange(InputModel):
    """Fields to change; absent ones stay. A draft may change any; an active agreement
    only ``reminder_days`` (a changed agreement is a new one: record it, activate it,
    terminate the old one)."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    counterparty: Annotated[OneLine, Field(max_length=200)] | None = None
    effective_on: date | None = None
    ends_on: date | None = None
    document_sha256: Sha256 | None = None
    signers: Annotated[list[Signer], Field(max_length=MAX_SIGNERS)] | None = None
    reminder_days: ReminderDays | None = None


class BaaOut(BaseModel):
    """``in_force``: active and within its dates today (UTC), so it opens the gate."""

    id: str
    kind: AgreementKind
    counterparty: str
    status: AgreementStatus
    in_force: bool
    effective_on: date
    ends_on: date | None
    document_sha256: str | None
    signers: list[Signer]
    reminder_days: int
    created_by: str
    created_at: datetime
    updated_at: datetime


class BaaList(BaseModel):
    items: list[BaaOut]


class BaaCreated(BaseModel):
    id: str


class StatusFilter(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    TERMINATED = "terminated"
    ALL = "all"
