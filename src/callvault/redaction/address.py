"""Street addresses, cities with their state, and ZIP codes.

"forty one fifty six arroyo spring in north jasonbury virginia zero one oh seven four",
"276 Oak Light, South Brandiberg, GA 33928". A street is a house number, one to three
name words and a USPS street suffix; because suffixes include everyday words ("well",
"way", "run"), a street counts only with an address cue nearby, a state after it, or
Title Case in written text. After the street, the city, state and ZIP are taken up to
the state (spans are split at "in" and commas so those stay readable). A city, state
and ZIP also count on their own. ZIP codes after a "zip" cue are found by the
identifier recognizer.

Any geographic unit smaller than a state is PHI, so the recognizer also yields the
places named alone (``places``) and, in written text, the addresses in other countries'
order and non-US postcodes (``address_written``) and multi-line addresses
(``address_lines``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from callvault.redaction.address_cores import address_cores
from callvault.redaction.address_cyrillic import cyrillic_addresses
from callvault.redaction.address_spoken import spoken_addresses
from callvault.redaction.address_written import foreign_addresses, spoken_foreign_addresses
from callvault.redaction.lexicon import ADDRESS_STOP_WORDS, STATES, STREET_SUFFIXES
from callvault.redaction.normalize import Run, lower_same_length, number_runs
from callvault.redaction.places import place_spans
from callvault.redaction.places_answers import towns_answered
from callvault.redaction.places_written import written_places
from callvault.redaction.spans import Context, Label, Span
from callvault.redaction.trie import trie_regex

# Tries, not "a|b|c" (which ``re`` tries branch by branch): the street and state
# patterns are tried at every number and around every ZIP-like one.
_SUFFIX = trie_regex(STREET_SUFFIXES, literal=True)
_STATE = trie_regex(STATES, literal=True)
_ABBR = "|".join(sorted(set(STATES.values())))
_WORD = r"[a-z][a-z'.-]*"
# A street's name may be numbered ("W 12th St").
_NAME_WORD = rf"(?!(?:in|at|on|to|of|the|and|a|is)\b)(?:{_WORD}|\d+(?:st|nd|rd|th))"
_STREET_RE = re.compile(
    rf"[ \t]+((?:{_NAME_WORD}[ \t]+){{0,3}})(?:{_SUFFIX})\b\.?"
    r"(?:,?[ \t]*(?:apt|apartment|unit|suite|ste|#)\.?[ \t]*#?[a-z0-9-]+"
    r"(?:[ \t]+[a-z0-9](?![\w']))*)?"
)
# After the street: ", City, ST" / " in city state"; group 1 is the city.
_TAIL_RE = re.compile(
    rf"(?:,[ \t]*|[ \t]+in[ \t]+|[ \t]+)((?:{_WORD}[ \t]+){{0,3}}?{_WORD}),?[ \t]+"
    rf"(?:{_STATE}|(?-i:{_ABBR}))\b",
    re.IGNORECASE,
)
# An abbreviation ("ID", "OK", "ME") is a state only in the "City, ST 12345" form.
# These three look back across one line break on purpose ("(?=\n?\Z)", what "$" did):
# a written address may put the ZIP (or a box's number) under the state line
# ("Springfield, IL\n62704"), and a match here only redacts more.
_STATE_BEFORE_RE = re.compile(
    rf"(?<![\w'])(?:(?i:{_STATE})|(?<=, )(?:{_ABBR})|(?<=,)(?:{_ABBR})"
    rf"|(?<=[a-z] )(?!(?:OK|IN|OR|ME|HI|ID)\b)(?:{_ABBR}))"
    r"[ \t,]*(?=\n?\Z)"  # after a comma, or a town's last letter ("New Taylor IA 65434"),
    # not a word written in capitals ("he said OK 12345")
)
_CITY_BEFORE_RE = re.compile(rf"(?<![\w'])((?:{_WORD}[ \t]+){{0,2}}{_WORD}),?[ \t]+(?=\n?\Z)")
_WORD_RE = re.compile(r"[a-z']+")
_NOT_CITY = ADDRESS_STOP_WORDS | {
    "live", "lives", "living", "moved", "address", "from", "city", "town"
}  # fmt: skip
_STATE_RE = re.compile(rf"[ \t,]*((?:{_STATE}|{_ABBR.lower()}))\b")
_CUE_RE = re.compile(
    r"address|live|living|lives|moved|move|mail|street|reside|home|ship|located|house"
    r"|(?:i'm|i am|we're|we are|she's|he's|they're|stay(?:ing)?) at|send|deliver|where"
)
# "P.O. Box 4412", "p o box four four one two": an address on its own.
_PO_BOX_RE = re.compile(r"(?<![\w'])p[ \t.]*o[ \t.]*box[ \t#:]*(?=\n?\Z)")
_CUE_WINDOW = 160


class AddressRecognizer:
    name = "address"

    def find(self, text: str, context: Context) -> Iterator[Span]:
        lowered = lower_same_length(text)
        runs = number_runs(text)
        us_streets: list[Span] = []
        for run in runs:
            if _house_number(run.value):
                for span in self._street(text, lowered, run, runs):
                    if span.explanation.startswith("street"):
                        us_streets.append(span)
                    yield span
            # "box" must be in the window: a plain find spares most numbers the regex
            lo = max(0, run.start - 12)
            if lowered.find("box", lo, run.start) >= 0 and (
                box := _PO_BOX_RE.search(lowered, lo, run.start)
            ):
                yield Span(box.start(), run.end, Label.ADDRESS, 0.85, "post office box")
        yield from place_spans(text, lowered)
        yield from spoken_addresses(text, lowered)
        yield from towns_answered(text, lowered)
        if text != lowered:  # written text: Title Case streets, postcodes
            yield from foreign_addresses(text, us_streets)
            yield from address_cores(text)
            yield from written_places(text, lowered)
            yield from cyrillic_addresses(text)
        yield from spoken_foreign_addresses(text)
        for run in runs:
            # five or nine digits (plus one when the run starts with the state "oh")
            if run.value.isdigit() and len(run.value) in (5, 6, 9, 10):
                yield from self._before_zip(text, lowered, run, runs)

    def _before_zip(
        self, text: str, lowered: str, run: Run, runs: tuple[Run, ...]
    ) -> Iterator[Span]:
        """ "City, ST 12345" and "city state one two three four five" on their own."""
        # "OH 44101" reads as one run starting with "oh" (zero): look behind both.
        for zip_start in (run.start, run.start + 2):
            if not _may_end_in_state(text, max(0, zip_start - 40), zip_start):
                continue  # the usual case, decided without the pattern
            state = _STATE_BEFORE_RE.search(text, max(0, zip_start - 40), zip_start)
            if state:
                city = _CITY_BEFORE_RE.search(lowered, max(0, state.start() - 50), state.start())
                if city:
                    yield from _city_state_zip(text, lowered, city.start(1), city.end(1), runs)
                else:  # "New Taylor IA 65434": the ZIP after its state, whatever came before
                    yield Span(run.start, run.end, Label.ADDRESS, 0.75, "zip after a state")
                return

    def _street(self, text: str, lowered: str, run: Run, runs: tuple[Run, ...]) -> Iterator[Span]:
        m = _STREET_RE.match(lowered, run.end)
        if not m or any(w in ADDRESS_STOP_WORDS for w in m.group(1).split()):
            return
        tail = _TAIL_RE.match(text, m.end())
        cased = text[m.start(1) : m.start(1) + 1].isupper()
        cue = _CUE_RE.search(lowered, max(0, run.start - _CUE_WINDOW), run.start)
        if not (tail or cased or cue):
            return
        yield Span(run.start, m.end(), Label.ADDRESS, 0.8, "street number, name and suffix")
        if tail:
            yield from _city_state_zip(text, lowered, tail.start(1), tail.end(1), runs)


# The last word of every state name (matched case-blind) and every abbreviation (as
# written): what the text before a ZIP must end with for ``_STATE_BEFORE_RE`` to match.
_STATE_TAILS = frozenset(name.split()[-1] for name in STATES)
_ABBRS = frozenset(STATES.values())


def _may_end_in_state(text: str, start: int, end: int) -> bool:
    """False when ``_STATE_BEFORE_RE`` cannot match in ``text[start:end]``: the last word
    (blanks and commas aside, and a last line break, which the pattern looks across) is
    no state's last word nor an abbreviation. A state's word is preceded by no letter,
    so it is the whole run of letters there. Case-blind only for ASCII: a word with
    other letters (some match ASCII ones case-blind) is left to the pattern."""
    stops = [end]
    if end - 1 >= start and text[end - 1] == "\n":
        stops.append(end - 1)
    for stop in stops:
        while stop > start and text[stop - 1] in " \t,":
            stop -= 1
        first = stop
        while first > start and text[first - 1].isalpha():
            first -= 1
        word = text[first:stop]
        if word and (not word.isascii() or word.lower() in _STATE_TAILS or word in _ABBRS):
            return True
    return False


def _house_number(value: str) -> bool:
    """Up to six digits, perhaps with one letter after them ("221B")."""
    digits = value[:-1] if value[-1:].isalpha() else value
    return digits.isdigit() and len(digits) <= 6


def _city_state_zip(
    text: str, lowered: str, city_start: int, city_end: int, runs: tuple[Run, ...]
) -> Iterator[Span]:
    """The city, then the state with the ZIP that follows it (if any)."""
    for word in _WORD_RE.finditer(lowered, city_start, city_end):
        if word.group() in _NOT_CITY:  # "i live in dallas": the city starts after "in"
            city_start = word.end() + 1
    if city_start < city_end:
        yield Span(city_start, city_end, Label.ADDRESS, 0.75, "city before a state")
    state = _STATE_RE.match(lowered, city_end)
    if not state:
        return
    end = state.end()
    for run in runs:
        if run.end > end and run.start - end <= 3 and run.digits >= 5:
            end = run.end
            break
    yield Span(state.start(1), end, Label.ADDRESS, 0.8, "state and zip")
