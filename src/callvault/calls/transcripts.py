"""Transcript redaction at ingest: from an uploaded transcript to what is stored.

Pure glue between ``TranscriptIn`` and ``callvault.redaction`` (no I/O, no database):
the service gathers what redaction needs (``RedactionSetup``), ``redact_transcript``
turns the upload into the JSON documents to store. The stored (redacted) document is

    {"text": ..., "words": [{"word", "start", "end", ...}], "language": ...,
     "spans": [{"start", "end", "label"}], "redacted_time_ranges": [[start_s, end_s]],
     "redaction": {"operator": "label" | "token", "medical": bool}}

``spans`` index the stored text (where each replacement sits), not the original:
offsets into a text nobody may see would be of no use and would tell each value's
length. ``words`` and ``redacted_time_ranges`` are present only if words were sent.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from callvault.blocking import check_slow_work
from callvault.calls.schemas import TranscriptIn, Word
from callvault.errors import InvalidInput
from callvault.redaction.engine import analyze
from callvault.redaction.medical import MedicalRecognizer
from callvault.redaction.operators import Operator, apply, redact, tokenizer
from callvault.redaction.policy import RedactionOperator, RedactionPolicy
from callvault.redaction.spans import Context, Known, Recognizer, Span
from callvault.redaction.timing import align, time_ranges

# The HKDF purpose of the per-tenant token key (derived from the tenant key).
TOKEN_KEY_PURPOSE = "redaction-token"  # noqa: S105  # a derivation label, not a secret


@dataclass(frozen=True)
class RedactionSetup:
    """Everything redacting one call's transcript needs besides the transcript."""

    policy: RedactionPolicy
    known: Known
    token_key: bytes | None = field(default=None, repr=False)

    def context(self) -> Context:
        return Context(
            known=self.known,
            clinic_names=self.policy.clinic_names,
            clinic_phones=self.policy.clinic_phones,
        )

    def operator(self) -> Operator:
        if self.policy.operator is RedactionOperator.TOKEN:
            if self.token_key is None:  # a setup bug: refuse rather than fall back silently
                raise ValueError("the token operator needs the tenant's token key")
            return tokenizer(self.token_key)
        return redact

    def extra_recognizers(self) -> list[Recognizer]:
        """What the tenant's policy adds to the rules every transcript gets."""
        return [MedicalRecognizer()] if self.policy.redact_medical else []


def known_values(transcript: TranscriptIn, record: Sequence[str | None]) -> Known:
    """What the request says it knows, plus the call record's own caller name and
    number (``record``), which are always redacted whatever the request says."""
    sent = transcript.known
    names = list(sent.names) if sent else []
    phones = list(sent.phones) if sent else []
    caller_name, caller_number = record
    if caller_name:
        names.append(caller_name)
    if caller_number:
        phones.append(caller_number)
    return Known(names=tuple(names), phones=tuple(phones), ids=tuple(sent.ids) if sent else ())


@dataclass(frozen=True)
class RedactedTranscript:
    redacted: bytes  # the JSON document stored as the call's transcript
    original: bytes | None  # the upload as sent (without ``known``), if policy keeps it
    # Its "redacted_time_ranges" as (start_s, end_s); None without word timings.
    time_ranges: tuple[tuple[float, float], ...] | None = None

    def __repr__(self) -> str:
        return f"RedactedTranscript(redacted={len(self.redacted)} bytes)"


def redact_transcript(transcript: TranscriptIn, setup: RedactionSetup) -> RedactedTranscript:
    """Detect, replace, and lay out the stored documents. CPU-bound (about 1 µs per
    character): call it off the event loop. InvalidInput if ``words`` are not the
    tokens of ``text``."""
    check_slow_work("transcript redaction")
    text = transcript.text
    located = _located_words(text, transcript.words)
    spans = analyze(text, setup.context(), extra=setup.extra_recognizers())
    operator = setup.operator()
    replacements = [operator(text[s.start : s.end], s.label) for s in spans]
    stored: dict[str, Any] = {"text": apply(text, spans, operator)}
    if transcript.words is not None:
        stored["words"] = _redacted_words(transcript.words, located, spans, replacements)
    if transcript.language is not None:
        stored["language"] = transcript.language
    stored["spans"] = _stored_spans(spans, replacements)
    ranges = None
    if transcript.words is not None:
        ranges = time_ranges(text, spans, _engine_words(transcript.words))
        stored["redacted_time_ranges"] = ranges
    stored["redaction"] = {
        "operator": setup.policy.operator.value,
        "medical": setup.policy.redact_medical,
    }
    original = None
    if setup.policy.keep_original_transcripts:
        original = transcript.model_dump_json(exclude_none=True, exclude={"known"}).encode()
    document = json.dumps(stored, ensure_ascii=False).encode()
    kept = None if ranges is None else tuple((start, end) for start, end in ranges)
    return RedactedTranscript(document, original, kept)


def _engine_words(words: Sequence[Word]) -> list[dict[str, Any]]:
    return [{"w": w.word, "start_s": w.start, "end_s": w.end} for w in words]


def _located_words(text: str, words: Sequence[Word] | None) -> list[tuple[int, int]]:
    """Where each word sits in ``text``. A word that is not the text's next token could
    say something the text does not, and would escape redaction: refused (the error
    names its index, never its content)."""
    if words is None:
        return []
    located = align(text, _engine_words(words))
    if len(located) < len(words):
        raise InvalidInput(f"words[{len(located)}] and after are not tokens of the text")
    for i, (start, end, _, _) in enumerate(located):
        if text[start:end] != words[i].word:
            raise InvalidInput(f"words[{i}] is not the next token of the text")
    return [(start, end) for start, end, _, _ in located]


def _redacted_words(
    words: Sequence[Word],
    located: Sequence[tuple[int, int]],
    spans: Sequence[Span],
    replacements: Sequence[str],
) -> list[dict[str, Any]]:
    """Each word as sent, but a word any span touches becomes that span's replacement
    (timings kept, for the audio scrubber and the player)."""
    out: list[dict[str, Any]] = []
    k = 0
    for word, (start, end) in zip(words, located, strict=True):
        while k < len(spans) and spans[k].end <= start:  # both sorted: one pass
            k += 1
        item = word.model_dump(exclude_none=True)
        if k < len(spans) and spans[k].start < end:
            item["word"] = replacements[k]
        out.append(item)
    return out


def _stored_spans(spans: Sequence[Span], replacements: Sequence[str]) -> list[dict[str, Any]]:
    """The spans as offsets into the redacted text."""
    out: list[dict[str, Any]] = []
    shift = 0
    for span, replacement in zip(spans, replacements, strict=True):
        start = span.start + shift
        out.append({"start": start, "end": start + len(replacement), "label": span.label.value})
        shift += len(replacement) - (span.end - span.start)
    return out
