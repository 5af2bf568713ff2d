"""The detection step: run every recognizer, merge what they found.

``analyze`` is pure and deterministic. Spans are sorted, and overlapping or touching
spans merge into one (keeping the label of the longest, the best score, and every
reason), so a caller can redact them left to right. Every span is widened to whole
alphanumeric runs: redacting half of "M12345" leaks the other half.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from callvault.redaction.address import AddressRecognizer
from callvault.redaction.address_runs import address_runs
from callvault.redaction.bridges import bridged
from callvault.redaction.chains import address_chains
from callvault.redaction.contact import ContactRecognizer
from callvault.redaction.dates import AgeRecognizer, DateRecognizer
from callvault.redaction.identifiers import IdentifierRecognizer
from callvault.redaction.known import KnownValueRecognizer
from callvault.redaction.spans import Context, Recognizer, Span


def default_recognizers() -> list[Recognizer]:
    """Every recognizer the engine runs unless told otherwise."""
    from callvault.redaction.names import NameRecognizer  # person names: own module

    return [
        IdentifierRecognizer(),
        DateRecognizer(),
        AgeRecognizer(),
        AddressRecognizer(),
        ContactRecognizer(),
        KnownValueRecognizer(),
        NameRecognizer(),
    ]


@functools.cache
def _shared_recognizers() -> tuple[Recognizer, ...]:
    """One set of the default recognizers for every call: they hold no state, and
    building them (with the names module's import) was a measurable part of a short
    transcript's time."""
    return tuple(default_recognizers())


# The context of a call with no record: frozen, so one serves every call (building it,
# with its ``Known``, was a few microseconds of each short transcript).
_NO_CONTEXT = Context()


def analyze(
    text: str,
    context: Context | None = None,
    recognizers: Sequence[Recognizer] | None = None,
    *,
    extra: Sequence[Recognizer] = (),
) -> list[Span]:
    """PHI spans of ``text``, sorted and non-overlapping. ``extra`` recognizers run
    besides the default ones (an optional layer such as ``ner.SpacyRecognizer``), and
    their addresses are widened like the rules' own."""
    context = context or _NO_CONTEXT
    read = without_turn_clocks(with_escaped_breaks_read(text))
    found: list[Span] = []
    for recognizer in recognizers if recognizers is not None else _shared_recognizers():
        found.extend(recognizer.find(read, context))
    for recognizer in extra:
        found.extend(recognizer.find(read, context))
    if recognizers is None:  # the rest of the addresses the others found (written, chains)
        found.extend(address_runs(read, found))
        found.extend(address_chains(read, found))
    # Widened over the text as written: the "n" of an escaped break is one token with
    # the word after it ("\\nApt"), and half a token redacted leaks the other half.
    return bridged(text, merge(text, found))


def with_escaped_breaks_read(text: str) -> str:
    """``text`` with each line break written as the two characters backslash and "n"
    (an export that escaped its notes, a template's ``\\n``) read as a blank and a real
    break: the same length, so every offset holds for the original, and an address
    block or a list of names splits into lines as its writer meant."""
    return text.replace("\\n", " \n") if "\\n" in text else text


# A turn's time as transcript exports write it, after (or before) the speaker tag:
# "Caller: (1:43) ...", "Agent: [00:01:23] ...", "[02:34] Agent: ...".
_TURN_CLOCK = re.compile(
    r"(?m)^(?:[\w .'-]{1,30}:[ \t]*)?([\[(]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d{1,3})?[\])])"
)


def without_turn_clocks(text: str) -> str:
    """``text`` with each turn's clock blanked to spaces (same length): it is no PHI,
    and read as content it ran into the number after it ("(2:18) 312-863-2582" as one
    phone number, "(0:59) Oh, 1988" as a phone)."""
    if ":" not in text:
        return text
    return _TURN_CLOCK.sub(_blank_clock, text)


def _blank_clock(m: re.Match[str]) -> str:
    start, end = m.span(1)
    return m.group(0)[: start - m.start()] + " " * (end - start)


def merge(text: str, spans: Iterable[Span]) -> list[Span]:
    """Widen spans to whole alphanumeric runs, then merge overlapping ones."""
    merged: list[Span] = []
    for span in sorted((_widen(text, s) for s in spans), key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            merged[-1] = _union(merged[-1], span)
        else:
            merged.append(span)
    return merged


def _widen(text: str, span: Span) -> Span:
    """To whole tokens, hyphenated ones included: "ABC-123-456" is one identifier."""
    start, end = span.start, min(span.end, len(text))
    while start > 0 and (
        text[start - 1].isalnum()
        or (text[start - 1] == "-" and text[start - 2 : start - 1].isalnum())
    ):
        start -= 1
    while end < len(text) and (
        text[end].isalnum() or (text[end] == "-" and text[end + 1 : end + 2].isalnum())
    ):
        end += 1
    if (start, end) == (span.start, span.end):
        return span
    return Span(start, end, span.label, span.score, span.explanation)


def _union(a: Span, b: Span) -> Span:
    label = a.label if a.end - a.start >= b.end - b.start else b.label
    why = a.explanation if b.explanation in a.explanation else f"{a.explanation}; {b.explanation}"
    return Span(a.start, max(a.end, b.end), label, max(a.score, b.score), why)
