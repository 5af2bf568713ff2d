"""Numeric and alphanumeric identifiers, spoken or written: SSN, phone and fax,
card, account, MRN, member and group ids, ZIP codes, numeric dates of birth.

One recognizer, because they share the hard part: a number read in pieces ("five two
one five uh five one seven nine"), over two turns (the agent says "mhm" in between)
or corrected ("no sorry it's four not five") is one entity, and leaking one piece
leaks the entity. Runs (see ``normalize``) are joined into entities across fillers,
corrections and back-channel turns; an entity is PHI when a cue announces it (see
``cues``), when it is long enough to identify on its own, or when it repeats one
that already was (an agent reading a number back).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import luhn

from callvault.redaction import cues
from callvault.redaction.identifiers_letters import MBI_RE, letters_before, prefix_before
from callvault.redaction.lexicon import BACKCHANNELS, FILLERS, QUANTITY_WORDS
from callvault.redaction.names_cues import AGENT_TAG, speaker_tag
from callvault.redaction.normalize import (
    Run,
    holds_digit,
    line_end,
    lower_same_length,
    number_runs,
)
from callvault.redaction.normalize_spoken import (
    may_hold_spoken_items,
    rewrite_items,
    spoken_id_items,
)
from callvault.redaction.spans import Context, Label, Span
from callvault.redaction.trie import trie_regex

_GAP_WORDS = (
    *FILLERS, "no", "sorry", "not", "it's", "its", "it is", "that's", "that is",
    "i mean", "let me see", "let's see", "hold on", "wait", "actually", "oops",
    "correction", "and", "then", "so", "okay", "ok", "yeah", "yes", "is", "was",
    "you know", "scratch that", "hang on", "i think", "i guess", "i believe", "my bad",
    "make that", "rather", "i meant", "let me check", "let me start over", "start over",
    "sorry about that", "again", "from the top", "hmm", "er", "the rest is", "then it's",
)  # fmt: skip
_BC = "|".join(sorted(BACKCHANNELS, key=len, reverse=True))
_GAP = "|".join(sorted(_GAP_WORDS, key=len, reverse=True))
# What may sit between two pieces of one number. Another turn may intervene only if
# it is a back-channel ("agent: mhm").
# A turn's tag, and a back-channel word said in a turn of its own ("agent: mhm").
_TURN_TAG = r"[^\n:]{1,30}:[ \t]*"
_BC_WORD = rf"(?:{_BC})[ \t,.!?]*"
_JOIN_RE = re.compile(
    rf"(?:[ \t,.;:!?-]+|(?<![\w'])(?:{_GAP})(?![\w'])"
    rf"|\n{_TURN_TAG}(?:{_BC_WORD})*(?=\n)|\n[^\n:]{{1,30}}:)*"
)
_MAX_GAP = 90
_QUANTITY_RE = re.compile(  # a trie: tried after every number
    rf"[ \t]*-?[ \t]*(?:{trie_regex(QUANTITY_WORDS, literal=True)})(?![\w])"
)
# "\Z", not "$" (which also matches before a last line break): a line ending in "take"
# says nothing of a number opening the next line, and a number taken for a quantity
# stays readable.
_QUANTITY_BEFORE_RE = re.compile(
    r"(?:(?<![\w'])(?:qty|quantity|x|take|takes|taking)|\$)[ \t:#.]*\Z"  # not "PQX 2019"
)
_QUANTITY_BEFORE_ENDS = frozenset("yxesg$")  # the last characters of those words
# Without a cue, a number this long identifies someone on its own.
_STANDALONE_DIGITS = 7
_MIN_CUED_CHARS = 3
_CUE_LABEL = {
    cues.GENERIC: None,
    **{label.value: label for label in Label},
}


def _is_quantity(lowered: str, run: Run) -> bool:
    if _QUANTITY_RE.match(lowered, run.end):
        return True
    lo = max(0, run.start - 10)
    # The word before ends in one of these letters (or is "$"), once the blanks and
    # punctuation the pattern allows are set aside: most numbers skip the search.
    before = lowered[lo : run.start].rstrip(" \t:#.")
    if not before or before[-1] not in _QUANTITY_BEFORE_ENDS:
        return False
    return bool(_QUANTITY_BEFORE_RE.search(lowered, lo, run.start))


def _same_speaker(lowered: str, before: Run, after: Run) -> bool:
    """A number goes on over a line break only in its speaker's next turn: a form's
    next field ("Birth date: 18.3.1968 / Age: 56") holds another value."""
    if "\n" not in lowered[before.end : after.start]:
        return True
    return speaker_tag(lowered, before.start) == speaker_tag(lowered, after.start)


def entities(lowered: str, runs: tuple[Run, ...]) -> Iterator[list[Run]]:
    """Group runs into entities: consecutive runs joined only by filler material."""
    group: list[Run] = []
    for run in runs:
        if _is_quantity(lowered, run):
            if group:
                yield group
            group = []
            continue
        if group and (
            run.start - group[-1].end > _MAX_GAP
            or not _JOIN_RE.fullmatch(lowered, group[-1].end, run.start)
            or not _same_speaker(lowered, group[-1], run)
        ):
            yield group
            group = []
        group.append(run)
    if group:
        yield group


def shape_label(value: str) -> Label:
    """A label from the digits alone, when no cue says."""
    digits = "".join(filter(str.isdigit, value))
    if len(digits) != len(value.replace("-", "").replace(" ", "")):
        return Label.MEMBER_ID
    if 13 <= len(digits) <= 19 and luhn.is_valid(digits):
        return Label.CARD
    if len(digits) == 9:
        return Label.SSN
    if len(digits) in (7, 10, 11):
        return Label.PHONE
    return Label.ACCOUNT


class IdentifierRecognizer:
    """Cue-, length- and repetition-based detection of identifiers."""

    name = "identifiers"

    def find(self, text: str, context: Context) -> Iterator[Span]:
        lowered = lower_same_length(text)
        index = cues.cue_index(lowered)
        clinic = _digits_set(context.clinic_phones)
        accepted: list[str] = []
        rejected: list[list[Run]] = []
        previous_end = 0
        runs = number_runs(text)
        items = _spoken_items(lowered, index, runs)
        scan = rewrite_items(lowered, items) if items else lowered
        if items:
            runs = number_runs(scan)
        found: list[Span] = []
        cued: tuple[int, Label] | None = None  # (end of line, label) of the last cued id
        short: list[Run] = []  # a cued piece too short alone ("nine oh, let me think, ...")
        for group in entities(scan, runs):
            value = "".join(r.value for r in group)
            decision = self._decide(lowered, index, group, value, clinic, previous_end)
            if (
                decision is None
                and cued is not None
                and _continues(lowered, index, cued[0], group, previous_end, value, clinic)
            ):
                decision = cued[1], "cue:continued"
            if short and _continues(
                lowered,
                index,
                line_end(lowered, short[-1].end),
                group,
                previous_end,
                value,
                clinic,
            ):
                label = _cued_label(index, lowered, short[0].start, value)
                decision = decision or (label, "cue:continued")
                found.extend(_spans(short, decision[0], decision[1]))
            short = []
            if decision is None and sum(map(str.isalnum, value)) < _MIN_CUED_CHARS:
                kind = index.before(lowered, group[0].start, previous_end)
                if kind is not None and kind != cues.CLINIC and not _is_clinic(value, clinic):
                    short = group
            previous_end = group[-1].end
            if decision is None:
                rejected.append(group)
                continue
            accepted.append(value)
            if decision[1].startswith("cue:"):
                cued = line_end(lowered, group[-1].end), decision[0]
            found.extend(_spans(group, decision[0], decision[1]))
        found.extend(self._echoes(rejected, accepted))
        spans = _over_items(found, items) if items else found
        for span in spans:
            yield _with_plus(lowered, span)
            if letters := letters_before(lowered, span) or prefix_before(text, span):
                yield letters
        for m in MBI_RE.finditer(text) if holds_digit(text) else ():
            yield Span(m.start(), m.end(), Label.MEMBER_ID, 0.9, "medicare beneficiary id shape")

    def _decide(
        self,
        lowered: str,
        index: cues.CueIndex,
        group: list[Run],
        value: str,
        clinic: set[str],
        previous_end: int,
    ) -> tuple[Label, str] | None:
        if _TAX_STATUS_RE.fullmatch(lowered, group[0].start, group[-1].end):
            return None  # "a 501(c)3 nonprofit": a section of the tax code, no one's id
        # A cue announces the next number only: one already said after it used it up.
        kind = index.before(lowered, group[0].start, previous_end)
        alnum = sum(map(str.isalnum, value))  # map, not a generator: one C loop
        digits = sum(map(str.isdigit, value))
        if (kind == cues.CLINIC and _said_by_practice(lowered, group[0].start)) or _is_clinic(
            value, clinic
        ):
            return None
        if kind is not None and alnum >= _MIN_CUED_CHARS:
            label = _CUE_LABEL.get(kind) or shape_label(value)
            if label is Label.CARD or kind != Label.CARD.value:
                return label, f"cue:{kind.lower()}"
            return label, "cue:card"
        if digits >= _STANDALONE_DIGITS:
            return shape_label(value), "length"
        if digits >= 3 and (after := _AFTER_CUE_RE.match(lowered, group[-1].end)):
            return _AFTER_LABEL.get(after[1], Label.PHONE), "cue after the number"
        if digits >= 4 and alnum > digits and value[:1].isalpha():
            return Label.MEMBER_ID, "alphanumeric"
        return None

    @staticmethod
    def _echoes(rejected: list[list[Run]], accepted: list[str]) -> Iterator[Span]:
        """A number said again (read back, confirmed) is as sensitive as the first time."""
        if not accepted:
            return
        for group in rejected:
            value = "".join(r.value for r in group)
            if len(value) >= 4 and any(value in a or a in value for a in accepted):
                yield from _spans(group, shape_label(value), "repeated")


# Between a cued number and more digits on the same line, these mean a new topic
# ("... and the appointment is at two", "... 18.7.1963. She's 61"), not the rest of the
# identifier.
_TOPIC_RE = re.compile(
    r"[.!?](?:[ \t]|$)|(?<![\w'])(?:she's|he's|i'm|she[ \t]+is|he[ \t]+is|they're"
    r"|at|on|in|by|around|about|until|till|before|after|from|appointment"
    r"|o'?clock|am|pm|a\.m|p\.m|times?|refills?|doctor|dr|office|our|room|floor|suite"
    r"|since|age|aged|old|weeks?|days?|months?|years?|minutes?|hours?)(?![\w'])"
)
# A cue said after the number, at the end of the same clause ("... two seven one one
# that's my cell not the house"): the pieces before it, on that line, are the id.
_AFTER_CUE_RE = re.compile(
    r"[ \t,.]*(?:(?:um|uh|er|okay|so|and)[ \t,]+)*(?:that'?s|that[ \t]+is|is|it'?s|which[ \t]+is)"
    r"[ \t]+(?:my|his|her|their|our|the)[ \t]+(?:(?:own|home|work|old|new)[ \t]+)?"
    r"(cell|cellphone|mobile|phone|number|landline|social|ssn|member[ \t]+id|policy[ \t]+number)"
    r"(?![\w'])"
)
_AFTER_LABEL = {"social": Label.SSN, "ssn": Label.SSN}
_CONTINUE_CHARS = 60
_CONTINUE_WORDS = 8


def _cued_label(index: cues.CueIndex, lowered: str, pos: int, value: str) -> Label:
    return _CUE_LABEL.get(index.before(lowered, pos) or cues.GENERIC) or shape_label(value)


def _continues(
    lowered: str,
    index: cues.CueIndex,
    line_end: int,
    group: list[Run],
    previous_end: int,
    value: str,
    clinic: set[str],
) -> bool:
    """Whether ``group`` goes on the identifier that ended at ``previous_end``: more
    digits later in the same utterance ("four two five you know fifty four six two",
    "... actually scratch that, zero zero one"). In doubt inside an identifier
    context, the rest of the run is redacted too."""
    start = group[0].start
    if start > line_end or start - previous_end > _CONTINUE_CHARS or _is_clinic(value, clinic):
        return False
    gap = lowered[previous_end:start]
    if len(gap.split()) > _CONTINUE_WORDS or _TOPIC_RE.search(gap):
        return False
    return index.before(lowered, start) != cues.CLINIC


def _spoken_items(
    lowered: str, index: cues.CueIndex, runs: tuple[Run, ...]
) -> list[tuple[int, int, str]]:
    """Homophones and phonetic letters to read as characters: only on lines where a
    number follows an identifier cue, and only after that cue."""
    items: list[tuple[int, int, str]] = []
    done = -1  # the end of the last line read, or of one that cannot hold any
    for run in runs:
        if run.start < done:
            continue
        line = lowered.rfind("\n", 0, run.start) + 1
        end = line_end(lowered, run.start)
        if not may_hold_spoken_items(lowered, line, end):
            done = end
            continue  # the common case: a C scan of the line, no cue lookup
        kind = index.before(lowered, run.start)
        if kind is None and (resumed := _before_backchannel(lowered, line)) is not None:
            kind = index.before(lowered, resumed)  # "mhm" between two turns of one number
        after = kind is None and _AFTER_CUE_RE.search(lowered, run.start, end) is not None
        if (kind is None and not after) or kind == cues.CLINIC:
            continue  # a later number on the line may have its cue ("[00:00:30] ... reach me on")
        done = end
        resumed_kind = kind
        for item in spoken_id_items(lowered, line, end):
            kind = index.before(lowered, item[0]) or resumed_kind
            if (kind is not None or after) and kind != cues.CLINIC:
                items.append(item)
    return items


_BACKCHANNEL_TURN_RE = re.compile(rf"{_TURN_TAG}(?:{_BC_WORD})+\n")


def _before_backchannel(lowered: str, line: int) -> int | None:
    """Where the turn before a back-channel turn ends, when ``line`` follows one ("son:
    it's five three ate for eight / coordinator: mhm / son: ate six nine fore five")."""
    if line < 2:
        return None
    previous = lowered.rfind("\n", 0, line - 1) + 1
    if previous < 2 or not _BACKCHANNEL_TURN_RE.fullmatch(lowered, previous, line):
        return None
    return previous - 1


def _over_items(spans: list[Span], items: list[tuple[int, int, str]]) -> Iterator[Span]:
    """Widen spans over the whole words read as one character ("x as in x-ray")."""
    for span in spans:
        end = span.end
        for s, e, _ in items:
            if span.start <= s < end < e:
                end = e
        yield (
            span
            if end == span.end
            else Span(span.start, end, span.label, span.score, span.explanation)
        )


def _said_by_practice(lowered: str, pos: int) -> bool:
    """Whether the line at ``pos`` is the practice's: an agent-like speaker tag, the
    greeting (first line) or an untagged note. A caller's "reach us at" is their own
    number, and the practice's number is harmless to redact, so doubt means PHI."""
    tag = speaker_tag(lowered, pos)
    return not tag or lowered.rfind("\n", 0, pos) < 0 or bool(AGENT_TAG.search(tag))


def _spans(group: list[Run], label: Label, why: str) -> Iterator[Span]:
    for run in group:
        yield Span(run.start, run.end, label, 0.9, why)


def _digits_set(phones: object) -> set[str]:
    out = set()
    for phone in phones if isinstance(phones, (list, tuple)) else ():
        digits = "".join(c for c in str(phone) if c.isdigit())
        if len(digits) >= 7:
            out.add(digits[-10:])
    return out


def _is_clinic(value: str, clinic: set[str]) -> bool:
    if not clinic:  # the usual case: nothing to compare with
        return False
    digits = "".join(filter(str.isdigit, value))
    return len(digits) >= 7 and any(digits.endswith(c) or c.endswith(digits) for c in clinic)


_TAX_STATUS_RE = re.compile(r"501\(?c\)?\(?3\)?")
_PLUS_BEFORE_RE = re.compile(r"(?:(?<![\w'])plus|\+)[ \t]*\Z")  # on the number's line


def _with_plus(lowered: str, span: Span) -> Span:
    """An international number said with its "plus" ("plus four four seventy four ..."):
    the word belongs to the number, and leaving it would show where the caller is."""
    plus = _PLUS_BEFORE_RE.search(lowered, max(0, span.start - 8), span.start)
    if plus is None:
        return span
    return Span(plus.start(), span.end, span.label, span.score, span.explanation)
