from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from callvault.calls.consent import MAX_PAUSES
from callvault.inputs import InputModel
from callvault.phone import PHONE_DESCRIPTION, PHONE_PATTERN

ShortText = Annotated[str, Field(min_length=1, max_length=100)]

PhoneText = Annotated[
    str,
    Field(
        min_length=7,
        max_length=40,
        pattern=PHONE_PATTERN,
        description=PHONE_DESCRIPTION,
        examples=["+12025550147"],
    ),
]


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class _Strict(InputModel):
    """Parsed with ``model_validate_json``: strict types, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


# The consent states a client may set: every ``callvault.calls.consent.Consent`` but
# ``required``, which is only ever a default.
ConsentIn = Literal["announced", "consented", "declined", "not_required"]
Seconds = Annotated[float, Field(ge=0, le=7 * 24 * 3600, allow_inf_nan=False)]


class PauseIn(_Strict):
    """A stretch of the recording, in seconds from its start, that the caller did not
    consent to: recording paused (say, while a card number was read out)."""

    start: Seconds
    end: Seconds


class PausesIn(_Strict):
    pauses: Annotated[list[PauseIn], Field(min_length=1, max_length=MAX_PAUSES)]


class ConsentUpdate(_Strict):
    consent: ConsentIn


class CallCreate(_Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "caller_number": "(202) 555-0147",
                    "called_number": "+12025550100",
                    "tracking_number": "+1-202-555-0111",
                    "started_at": "2026-03-02T14:00:00Z",
                    "ended_at": "2026-03-02T14:04:30+00:00",
                    "direction": "inbound",
                    "campaign": "spring-checkups",
                }
            ]
        }
    )

    caller_number: PhoneText
    called_number: PhoneText
    tracking_number: PhoneText
    started_at: AwareDatetime
    ended_at: AwareDatetime
    direction: Direction
    caller_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    agent: ShortText | None = None
    campaign: ShortText | None = None
    disposition: ShortText | None = None
    notes: Annotated[str, Field(max_length=10_000)] | None = None
    # Recording consent; without it, the default from the parties' states
    # (``callvault.calls.consent.default_consent``).
    consent: ConsentIn | None = None
    recording_pauses: Annotated[list[PauseIn], Field(max_length=MAX_PAUSES)] | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> CallCreate:
        if self.ended_at < self.started_at:
            raise ValueError("ended_at is before started_at")
        return self


class Word(_Strict):
    word: Annotated[str, Field(min_length=1, max_length=200)]
    start: Annotated[float, Field(ge=0)]
    end: Annotated[float, Field(ge=0)]
    confidence: Annotated[float, Field(ge=0, le=1)] | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> Word:
        if self.end < self.start:
            raise ValueError("a word ends before it starts")
        return self


MAX_KNOWN = 20
KnownName = Annotated[str, Field(min_length=2, max_length=100)]
KnownPhone = Annotated[str, Field(min_length=7, max_length=40)]
KnownId = Annotated[str, Field(min_length=4, max_length=64)]


class KnownIn(_Strict):
    """Identifiers of the patient the ingest request already knows: redacted wherever
    and however they are said. Bounded, and with minimum lengths, because a one-letter
    "name" would blank out every word that contains it."""

    names: list[KnownName] = Field(default_factory=list, max_length=MAX_KNOWN)
    phones: list[KnownPhone] = Field(default_factory=list, max_length=MAX_KNOWN)
    ids: list[KnownId] = Field(default_factory=list, max_length=MAX_KNOWN)


class TranscriptIn(_Strict):
    """``words`` are the whitespace-separated tokens of ``text`` in order (speaker tags
    such as "agent:" at line starts excepted), each with its times in seconds."""

    text: Annotated[str, Field(max_length=2_000_000)]
    words: Annotated[list[Word], Field(max_length=500_000)] | None = None
    language: Annotated[str, Field(min_length=2, max_length=16)] | None = None
    known: KnownIn | None = None


class ObjectInfo(BaseModel):
    media_type: str
    size: int
    created_at: datetime


class PauseOut(BaseModel):
    start: float
    end: float


class ProcessingOut(BaseModel):
    """Where the recording pipeline is with the call's current recording. ``reason``
    is an error class name or a fixed message, never content. ``review``: scrubbed,
    but held (not playable) until a reviewer approves it."""

    state: Literal["pending", "processing", "done", "failed", "review"]
    reason: str | None
    attempts: int
    updated_at: datetime


class CallOut(BaseModel):
    """A call as its reader may see it. Once retention or an erasure has shredded the
    call's PHI, ``caller_number`` is empty and ``phi_shredded_at`` says when."""

    id: str
    caller_number: str
    caller_name: str | None = None
    notes: str | None = None
    called_number: str
    tracking_number: str
    started_at: datetime
    ended_at: datetime
    direction: Direction
    agent: str | None
    campaign: str | None
    disposition: str | None
    created_at: datetime
    recording: ObjectInfo | None  # the scrubbed recording, once the pipeline made it
    recording_original: ObjectInfo | None = None  # as uploaded
    transcript: ObjectInfo | None
    processing: ProcessingOut | None = None
    phi_shredded_at: datetime | None = None
    # Recording consent (null for calls stored before it was kept); ``required``: consent
    # is needed and none is recorded, so a recording is refused until it is.
    consent: Literal["announced", "consented", "declined", "not_required", "required"] | None = None
    recording_pauses: list[PauseOut] = Field(default_factory=list)


class CallPage(BaseModel):
    items: list[CallOut]
    next_cursor: str | None


class Created(BaseModel):
    id: str


class PlaybackLinkOut(BaseModel):
    """A URL that plays the call's scrubbed recording until ``expires_at``, only with
    the credentials that asked for it (the same session, or the same API token)."""

    url: str = Field(examples=["/api/v1/playback/3q2-7Vh0yJZkz9c4bT1mXoQeLr8sWnPaDfGuHiKjMlN"])
    expires_at: datetime
