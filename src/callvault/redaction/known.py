"""Record-aware redaction of phones and identifiers the call record already knows.

The ingest request may name the caller's number and the patient's ids. Those are
redacted wherever and however they are said: written with any punctuation, read out
digit by digit, in pieces across turns, or only in part ("the last four, one two one
two"). Names from the record are the name recognizer's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from callvault.redaction.identifiers import entities
from callvault.redaction.normalize import lower_same_length, number_runs
from callvault.redaction.spans import Context, Label, Span

_PARTIAL = 4  # a known value said in part still identifies once this long


def _canon(value: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", value.upper())


class KnownValueRecognizer:
    name = "known"

    def find(self, text: str, context: Context) -> Iterator[Span]:
        known = [(_canon(p)[-10:], Label.PHONE) for p in context.known.phones]
        known += [(_canon(i), Label.MEMBER_ID) for i in context.known.ids]
        known = [(value, label) for value, label in known if len(value) >= _PARTIAL]
        if not known:
            return
        lowered = lower_same_length(text)
        for group in entities(lowered, number_runs(text)):
            said = "".join(_canon(r.value) for r in group)
            for value, label in known:
                if len(said) >= _PARTIAL and (said in value or value in said):
                    for run in group:
                        yield Span(run.start, run.end, label, 1.0, "known to the call record")
                    break
        yield from _written(text, known)


def _written(text: str, known: list[tuple[str, Label]]) -> Iterator[Span]:
    """Known ids written with letters the runs do not read ("ABC-12345")."""
    for value, label in known:
        pattern = r"[\s.()/-]*".join(re.escape(c) for c in value)
        for m in re.finditer(rf"(?<![0-9A-Za-z]){pattern}(?![0-9A-Za-z])", text, re.IGNORECASE):
            yield Span(m.start(), m.end(), label, 1.0, "known to the call record")
