"""What detection returns: spans over the ORIGINAL text, each with its reason.

Every recognizer returns ``Span``s whose ``start``/``end`` index the text it was given
(never a normalised copy), so ``text[start:end]`` is what gets redacted. ``explanation``
says which rule fired (a pattern name, a context cue, a validator); it must never quote
the matched text, because explanations may be logged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class Label(StrEnum):
    NAME = "NAME"
    DATE = "DATE"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    ADDRESS = "ADDRESS"
    SSN = "SSN"
    MRN = "MRN"
    MEMBER_ID = "MEMBER_ID"
    ACCOUNT = "ACCOUNT"
    CARD = "CARD"
    AGE = "AGE"
    URL = "URL"
    IP = "IP"
    # Optional medical-entity mode (off by default).
    CONDITION = "CONDITION"
    MEDICATION = "MEDICATION"
    PROCEDURE = "PROCEDURE"


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    label: Label
    score: float
    explanation: str

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError("a span needs 0 <= start < end")


@dataclass(frozen=True)
class Known:
    """What the call record already knows (from the ingest request): always redacted,
    wherever and however it is said."""

    names: Sequence[str] = ()
    phones: Sequence[str] = ()
    ids: Sequence[str] = ()


@dataclass(frozen=True)
class Context:
    """Per-call facts a recognizer may use besides the text."""

    known: Known = field(default_factory=Known)
    # Said by the practice, not the patient: never redacted as PHI.
    clinic_names: Sequence[str] = ()
    clinic_phones: Sequence[str] = ()


class Recognizer(Protocol):
    name: str

    def find(self, text: str, context: Context) -> Iterable[Span]:
        """Spans of ``text`` this recognizer believes are PHI."""
        ...
