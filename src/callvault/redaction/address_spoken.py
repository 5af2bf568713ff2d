"""An address said after an address cue, in any country's order: the rest of the clause.

"we live at 103 kenneth anchorage in east jessicafort sa 0813", "i'm at boulevard maggie
meyer 08352 petit", "we're at fifteen forty eight mack roads in lafayette if i remember
right". Street words, suffixes and postcodes differ by country, and a recogniser's
transcript has no commas or capitals to lean on; what they share is the cue ("we live
at", "my address is", the answer to "what's your mailing address") and a number (a house
number or a postcode). Inside that context doubt means PHI (issue 16): the clause is
taken up to the end of the line or a hedge ("if that helps", "i think"). The pieces are
split at "in", commas and fillers, which stay readable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from callvault.redaction.lexicon import (
    ADDRESS_STOP_WORDS,
    FILLERS,
    QUANTITY_WORDS,
    TEENS,
    TENS,
    UNITS,
)
from callvault.redaction.names_cues import speaker_tag
from callvault.redaction.normalize import number_runs
from callvault.redaction.places import WITH_A_HOST, regions
from callvault.redaction.scan_lead import led, led_matches
from callvault.redaction.spans import Label, Span
from callvault.redaction.trie import trie_regex

# Cues that put an address right after them.
# Speed: a word boundary and a trie of the opening words in front (3x faster than a
# look-behind alone); an apostrophe before is checked in Python.
_ADDRESS_KINDS = (
    "new", "home", "mailing", "street", "billing", "current", "old", "postal", "forwarding",
    "residential", "permanent", "temporary", "physical", "delivery",
)  # fmt: skip
_SAID_STARTS = (
    "my", "our", "the", "her", "his", "their", "we", "i", "they", "she", "he", "i'm", "we're",
    "she's", "he's", "they're", "send", "mail", "ship", "place", "house", "home", "apartment",
    "flat", "condo", "address", "staying", "living", "stays", "lives", "stay", "live",
    *_ADDRESS_KINDS,
)  # fmt: skip
_KIND = rf"(?:{'|'.join(_ADDRESS_KINDS)})[ \t]+"
_SAID_CUE_RE = re.compile(
    rf"\b(?={trie_regex(_SAID_STARTS, literal=True)})"
    rf"(?:(?:my|our|the|her|his|their)[ \t]+(?:{_KIND}){{0,2}}address(?:[ \t]*:"
    r"|[ \t]+(?:is|was|'s|on[ \t]+file[ \t]+is|should[ \t]+be|to|as))"
    # a note's field: "new mailing address: ...", "Address: ..."
    rf"|(?<!mail )(?<!web )(?<!ip )(?:{_KIND}){{0,2}}address[ \t]*:"
    r"|(?:we|i|they|she|he)[ \t]+(?:live|lives|living|stay|stays|moved)[ \t]+(?:at|to)"
    # "she's staying with her son samuel at ...": a host of a few words, then "at"
    rf"|(?:staying|living|stays|lives|stay|live){WITH_A_HOST}at"
    r"|(?:i'm|i am|we're|we are|she's|he's|they're)[ \t]+(?:at|living[ \t]+at|staying[ \t]+at"
    r"|over[ \t]+at|now[ \t]+at)"
    r"|(?:send|mail|ship)[ \t]+(?:it|them|everything|the[ \t]+\w+)[ \t]+to"
    r"|(?:place|house|home|apartment|flat|condo)[ \t]+(?:it's|is[ \t]+at|which[ \t]+is))[ \t:,]+"
)
_SAID_CUE_LED = led(_SAID_CUE_RE)  # the same matches, scanned faster (``scan_lead``)
# An agent asking for one: the caller's next line is the answer.
_ASKS_RE = re.compile(
    r"(?:address(?<!mail address)(?<!web address)(?<!ip address)"
    r"|where[ \t]+(?:should|do|can|shall|will|are|is)[ \t]+(?:we|i|they|the[ \t]+\w+)[ \t]+"
    r"(?:send|mail|ship|deliver|collect|pick|picking|drop|dropping|visit|visiting|find|meet)"
    r"|where[ \t]+(?:do|does)[ \t]+(?:you|she|he|they)[ \t]+(?:live|stay)"
    r"|the[ \t]+rest(?:[ \t]+of[ \t]+(?:it|the[ \t]+address))?(?=[ \t?.]*$)"
    r"|where[ \t]+(?:are|is)[ \t]+(?:you|she|he|they)[ \t]+(?:living|staying|based|located))",
    re.MULTILINE,  # "and the rest?" as the whole question
)
_PREFACE_RE = re.compile(
    r"(?:(?:yeah|yes|sure|okay|ok|right|so|oh|well|it's|its|it is|that's|that would be|um|uh|er"
    r"|i'm at|we're at|we live at|i live at|it'd be)[ \t,]+)*"
)
# Where the address ends: a hedge, thanks, a new sentence (not the dot of a house
# number written as an ordinal: "kossuth út 154. that's veszprém").
_END_RE = re.compile(
    r"[;!?]|(?<!\d)\.|\.(?![ \t]+[^\W\d])"
    r"|[ \t]+(?:if[ \t]+(?:that|i)|i[ \t]+think|i'm[ \t]+pretty|i[ \t]+believe"
    r"|i[ \t]+guess|don't|thanks|thank|please|but|because|and[ \t]+(?:my|the|i|we|it|that)"
    r"|is[ \t]+that|for[ \t]+now|so[ \t]+(?:it|she|he|i|we)|since|until|right\b|okay\b"
    r"|you[ \t]+know[ \t]+what|sorry|bear[ \t]+with|hold[ \t]+on|just[ \t]+a)(?![\w'])"
)
# Readable between the pieces: "in", commas, fillers.
_SPLIT_RE = re.compile(
    rf"[ \t]*,[ \t]*|[ \t]+(?:over[ \t]+in|in|that's|zip[ \t]+code|zip|postcode"
    rf"|{'|'.join(FILLERS)}|then)(?=[ \t])"
    r"|[ \t]+(?:in|then)$"
)
_NOT_AN_ADDRESS = frozenset(
    (*QUANTITY_WORDS, "o'clock", "am", "pm", "a.m", "p.m", "percent", "minutes", "noon",
     "work", "home", "the hospital", "a loss")
)  # fmt: skip
_TENS_AND_TEENS = frozenset((*TENS, *TEENS))
_MAX_CHARS = 110
_MIN_WORDS = 2


def spoken_addresses(text: str, lowered: str) -> Iterator[Span]:
    for start, why in _starts(text, lowered, spoken=text == lowered):
        yield from _clause(text, lowered, start, why)


def _starts(text: str, lowered: str, spoken: bool) -> Iterator[tuple[int, str]]:
    for start, end, _ in led_matches(_SAID_CUE_LED, lowered):
        if not _inside_word(lowered, start):
            yield end, "address after an address cue"
    if "address" not in lowered and "where" not in lowered and "the rest" not in lowered:
        return  # every question below holds one of them
    for m in _ASKS_RE.finditer(lowered):
        if _inside_word(lowered, m.start()):
            continue
        line_end = lowered.find("\n", m.end())
        if line_end < 0 or speaker_tag(lowered, m.start()) == speaker_tag(lowered, line_end + 1):
            continue
        asked = lowered[lowered.rfind("\n", 0, m.start()) + 1 : line_end]
        asked = asked.split(":", 1)[-1]  # the tag aside ("speaker_00: ...")
        if "my address" in asked or any(c.isdigit() for c in asked):
            continue  # a statement with its own address, not a question
        tag_end = lowered.find(":", line_end + 1, line_end + 40)
        if tag_end >= 0 and not spoken:
            # written text: the answer rule is for speech (notes have their own forms);
            # a transcript with capitalised speaker tags ("SPEAKER_01:") is speech too
            answer_end = text.find("\n", tag_end)
            body = text[tag_end + 1 : answer_end if answer_end >= 0 else len(text)]
            if body != body.lower():
                continue
        if tag_end >= 0:
            pos = tag_end + 1
            pos += len(lowered[pos:]) - len(lowered[pos:].lstrip(" \t"))
            pos += _PREFACE_RE.match(lowered, pos).end() - pos  # type: ignore[union-attr]
            first = _WORD_RE.match(lowered, pos)
            if first and first.group() not in _NOT_FIRST:
                yield pos, "address given when asked for one"


_WORD_RE = re.compile(r"[^\W_][\w'-]*")
# An answer that opens with one of these is about something else ("so i was ...").
_NOT_FIRST = ADDRESS_STOP_WORDS | {
    "so", "we", "we're", "i'm", "well", "can", "could", "what", "which", "hold", "sorry",
    "do", "did", "does", "hang", "let", "wait", "yeah", "yes", "no", "same", "still",
    "email", "e-mail", "zip", "postcode", "phone", "there", "here", "actually", "um", "uh",
    "she'll", "he'll", "i'll", "we'll", "they'll", "she's", "he's", "they're", "you're",
    "i've", "we've", "mom", "dad", "my", "our", "his", "her", "their", "sure", "okay", "ok",
}  # fmt: skip


def _inside_word(lowered: str, pos: int) -> bool:
    return pos > 0 and (lowered[pos - 1].isalnum() or lowered[pos - 1] in "_'")


def _clause(text: str, lowered: str, start: int, why: str) -> Iterator[Span]:
    line_end = lowered.find("\n", start)
    line_end = len(lowered) if line_end < 0 else line_end
    end = min(line_end, start + _MAX_CHARS)
    stop = _END_RE.search(lowered, start, end)
    if stop:
        end = stop.start()
    said = lowered[start:end].strip()
    words = said.split()
    if len(words) < _MIN_WORDS or not _has_number(text, start, end):
        return
    if any(_not_an_address(words, k) for k in range(len(words))):
        return
    if said in _NOT_AN_ADDRESS:
        return
    pos = start
    for sep in _SPLIT_RE.finditer(lowered, start, end):
        yield from _piece(lowered, pos, sep.start(), why)
        pos = sep.end()
    yield from _piece(lowered, pos, end, why)


def _piece(lowered: str, start: int, end: int, why: str) -> Iterator[Span]:
    said = lowered[start:end]
    name = said.strip()
    words = name.removeprefix("the ").split()
    for k in (3, 2, 1):  # "... harrison divide jenkinsburgh california": the state stays
        if len(words) > k and " ".join(words[-k:]) in regions():
            tail = lowered.rfind(words[-k], start, end)
            if lowered[start:tail].strip() not in ("", "the"):
                yield from _piece(lowered, start, tail, why)
            return
    if (
        name and name not in regions() and name.removeprefix("the ") not in regions()
    ):  # "..., 75002 paris, france": the country stays
        start += len(said) - len(said.lstrip())
        end -= len(said) - len(said.rstrip())
        yield Span(start, end, Label.ADDRESS, 0.7, why)


def _not_an_address(words: list[str], k: int) -> bool:
    """A word that says the clause is about something else: a quantity's word only after
    a number ("ten units", "2 vials"), since some name streets ("Vial Nayara Ribas 3")."""
    word = words[k]
    if word not in _NOT_AN_ADDRESS or _unit_number(words, k):
        return False
    if word in QUANTITY_WORDS:
        return k > 0 and _counts(words[k - 1])
    return True


def _counts(word: str) -> bool:
    word = word.rstrip(",.")
    return word.isdigit() or word in UNITS or word in _TENS_AND_TEENS or word in _COUNT_WORDS


_COUNT_WORDS = frozenset(("a", "an", "one", "half", "hundred", "few", "several", "some", "two"))


def _unit_number(words: list[str], k: int) -> bool:
    """ "unit twenty six" in an address is its flat, not a dose's unit ("ten units")."""
    return (
        words[k] == "unit"
        and k + 1 < len(words)
        and (words[k + 1] in UNITS or words[k + 1].isdigit() or words[k + 1] in _TENS_AND_TEENS)
    )


def _has_number(text: str, start: int, end: int) -> bool:
    """A number said in ``text[start:end]``: the whole text's runs (cached, read once for
    every recognizer), not a new read of the clause."""
    return any(start <= run.start < end and run.digits for run in number_runs(text))
