"""The lines of a multi-line address (written text only):

- unit, city and postcode lines after a street line (up to four, stopping at a speaker
  tag or a line that is not Title Case), and a unit line ("Flat 2") just before it;
- a line holding a postcode (with or without its city) under address-like lines: the
  whole block ("Mezi Sklady 393\n787 92 Miletín");
- the lines under an address heading ("Ship to:", "Billing address") up to the country
  or a line of running text.

``address_written`` finds the streets these walks start from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from callvault.redaction.address_shapes import HOUSE, STREET_LEADS
from callvault.redaction.normalize import SPEAKER_TAG_RE
from callvault.redaction.places import UPPER, places
from callvault.redaction.spans import Label, Span
from callvault.redaction.trie import trie_regex

_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[ABD-HJLNP-UW-Z]{2}"
_CA_POSTCODE = r"[ABCEGHJ-NPRSTVXY]\d[A-Z][ \t]?\d[A-Z]\d"
_UNIT_LINE_RE = re.compile(
    r"(?i:apt|apartment|unit|suite|ste|flat|floor|fl|piso|whg|wohnung|etage|building|bldg"
    r"|c/o|#|room|studio|block|level|po box|p\.o\. box)\b"
)
_PC_ANY = r"(?:(?:[A-Z]{1,2}-)?\d{4,5}|\d{3}[ \t]\d{2}|\d{5}-\d{3}|\d{8}|\d{2}-\d{3})"
_PC_ALONE = rf"(?:{_UK_POSTCODE}|{_CA_POSTCODE}|\d{{4}}[ \t]?[A-Z]{{2}})"
_CONNECTORS = frozenset((
    "de", "da", "do", "das", "dos", "del", "di", "della", "la", "le", "les", "du", "des",
    "nad", "pod", "an", "der", "am", "im", "y", "e", "sur", "en", "utca", "út", "tér",
    "köz", "sor", "rue", "ulica", "aleja", "plac", "al.", "ul.", "pl.", "os.", "calle", "via",
    "avenue", "bis", "ter", "und",
))  # fmt: skip
_CITY_WORDS = (
    rf"[{UPPER}][\w'\u2019.-]*(?:[ \t-]+(?:[{UPPER}][\w'\u2019.-]*|de|da|do|das|dos|del|di|la|le"
    rf"|du|des|nad|pod|an|der|am|sur|en|/|\(?[A-Z]{{2}}\)?)){{0,5}}"
)
# group 1: the postcode and its city; group 2 set when the postcode stands alone
_POSTCODE_LINE_RE = re.compile(
    rf"^[ \t]*({_PC_ANY},?[ \t]+{_CITY_WORDS}"
    rf"|(?:{_CITY_WORDS}),?[ \t]+(?:{_PC_ANY}|{_PC_ALONE})(?![\w])"
    rf"|(?:{_PC_ANY}|({_PC_ALONE}))[ \t]*[.,;]?[ \t]*$)",
    re.MULTILINE,
)
_STREET_LEAD_START_RE = re.compile(rf"(?:{trie_regex(STREET_LEADS, literal=True)})(?![\w])")
_STREET_TAIL_RE = re.compile(
    r"((?:(?:ulica|aleja|plac|ul\.|al\.|pl\.|os\.|rue|calle|via)[ \t]+)?"
    rf"[{UPPER}][\w'\u2019.-]*,?(?:[ \t]+(?:[{UPPER}][\w'\u2019.-]*,?|de|da|do|del|di|la|nad|an"
    rf"|der|utca|út|tér|\d{{1,5}}[a-zA-Z]?,?)){{0,5}}[ \t]+{HOUSE}\.?)[ \t]*$"
)


def address_lines(text: str, streets: list[Span]) -> Iterator[Span]:
    """The lines around ``streets``, under an address heading, and above a postcode line."""
    # A transcript's lines start with a speaker tag: the walks from line to line read
    # each utterance without it, and keep to one speaker's consecutive lines.
    lines = _Lines(text)
    yield from _following_lines(lines, streets)
    if _ADDRESS_HEADING_RE.search(lines.text):
        yield from _heading_blocks(lines)
    yield from _postcode_blocks(lines)


_LINE_TAG_RE = re.compile(rf"(?m)^{SPEAKER_TAG_RE.pattern}")


class _Lines:
    """``text`` with each line's speaker tag blanked to spaces (offsets unchanged), and
    whose line a position is on."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.text = _LINE_TAG_RE.sub(lambda m: " " * len(m.group(0)), text)

    def speaker(self, pos: int) -> str:
        """The tag of the line ``pos`` is on; a line without one continues the line
        above it (a free-text block, "Post: 10 Downing Street\nLondon\n...")."""
        start = self.original.rfind("\n", 0, pos) + 1
        while (tag := SPEAKER_TAG_RE.match(self.original, start)) is None and start > 0:
            start = self.original.rfind("\n", 0, start - 1) + 1
        return tag.group(0) if tag else ""


def _address_like(line: str) -> bool:
    """A short line of Title Case words, numbers and connectors ("de", "utca", "nad")."""
    words = [w.strip(",()/") for w in line.split()]
    if not words or len(words) > 8 or len(line) > 60 or SPEAKER_TAG_RE.match(line):
        return False
    return not line.endswith(":") and all(
        not w or w[0].isupper() or w[0].isdigit() or w.lower() in _CONNECTORS for w in words
    )


def _lone_word(line: str) -> bool:
    """A one-word line that is no known place ("Billing", "Regards"): a heading, unless
    it is the town line."""
    words = line.split()
    return len(words) == 1 and words[0].strip(",.").lower() not in places()


def _postcode_blocks(lines: _Lines) -> Iterator[Span]:
    """A line holding a postcode (with or without its city) under address-like lines:
    the whole block is the address ("Mezi Sklady 393\n787 92 Miletín", "Studio 8\nJeffrey
    Unions\nYatesburgh\nW4 1XB")."""
    text = lines.text
    for m in _POSTCODE_LINE_RE.finditer(text):
        start, end = m.start(1), m.end(1)
        block, has_number, pos = [(start, end)], False, m.start()
        speaker = lines.speaker(start)
        for _ in range(4):  # lines above
            if pos == 0:
                break
            prev_start = text.rfind("\n", 0, pos - 1) + 1
            if lines.speaker(prev_start) != speaker:
                break
            line = text[prev_start : pos - 1]
            # A lone word counts only as the town right above the postcode line.
            lone = _lone_word(line) and len(block) > 1
            if _address_like(line.strip()) and not lone:
                lead = prev_start + len(line) - len(line.lstrip())
                block.append((lead, lead + len(line.strip())))
                has_number = has_number or any(c.isdigit() for c in line)
                has_number = has_number or bool(_STREET_LEAD_START_RE.match(line.strip()))
                pos = prev_start
                continue
            tail = _STREET_TAIL_RE.search(line)  # "I live at Mezi Sklady 393"
            if tail:
                block.append((prev_start + tail.start(1), prev_start + tail.end(1)))
                has_number = True
            break
        if not has_number:
            continue
        # One span a line: a transcript's next line starts with its speaker's tag.
        for line_start, line_end in block:
            yield Span(line_start, line_end, Label.ADDRESS, 0.7, "address block above a postcode")
        if m.group(2):  # a postcode alone on its line: the city may follow on the next
            nxt_end = text.find("\n", end + 1)
            nxt = text[end + 1 : nxt_end if nxt_end >= 0 else len(text)]
            words = nxt.split()
            if (
                0 < len(words) <= 3
                and lines.speaker(end + 1) == speaker
                and _address_like(nxt.strip())
                and nxt.rstrip()[-1:] not in ".!?"
            ):
                lead = len(nxt) - len(nxt.lstrip())
                yield Span(
                    end + 1 + lead,
                    end + 1 + len(nxt.rstrip()),
                    Label.ADDRESS,
                    0.7,
                    "city line below a postcode",
                )


def _following_lines(lines: _Lines, streets: list[Span]) -> Iterator[Span]:
    """A multi-line address: unit, city and postcode lines after (or a unit line before)
    a street line are part of it."""
    gazetteer = places()
    text = lines.text
    for street in streets:
        line_end = text.find("\n", street.end)
        if line_end < 0 or text[street.end : line_end].strip(" \t,.;"):
            continue
        speaker = lines.speaker(street.start)
        pos = line_end + 1
        for _ in range(4):
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            line = text[pos:end].strip()
            if not line or len(line) > 60 or lines.speaker(pos) != speaker:
                break
            words = [w.strip(",.()") for w in line.split()]
            shaped = all(w[:1].isupper() or w[:1].isdigit() or not w for w in words)
            if not (shaped or _UNIT_LINE_RE.match(line) or line.split(",")[0].lower() in gazetteer):
                break
            start = pos + (len(text[pos:end]) - len(text[pos:end].lstrip()))
            yield Span(start, start + len(line), Label.ADDRESS, 0.7, "address line after a street")
            pos = end + 1
            if pos >= len(text):
                break
        line_start = text.rfind("\n", 0, street.start) + 1
        if line_start > 0 and not text[line_start : street.start].strip():
            prev_start = text.rfind("\n", 0, line_start - 1) + 1
            if lines.speaker(prev_start) != speaker:
                continue
            prev = text[prev_start : line_start - 1].strip()
            if prev and len(prev) <= 40 and _UNIT_LINE_RE.match(prev):
                start = prev_start + (
                    len(text[prev_start:line_start]) - len(text[prev_start:line_start].lstrip())
                )
                yield Span(
                    start, start + len(prev), Label.ADDRESS, 0.7, "unit line before a street"
                )


# A line that announces an address block: the next lines, up to the country or a line
# of running text, are the address whatever their shape ("Ship to:\nJohn Vu\n40 Tran
# Binh Trong\nPhong 9\n61202, Thanh pho Hue\nVietnam").
_ADDRESS_HEADING_RE = re.compile(
    r"(?im)^[ \t]*(?:ship(?:ping)?[ \t]+to|mail(?:ing)?[ \t]+(?:to|address)(?:[ \t]+on[ \t]+file)?"
    r"|(?:billing|home|postal|street|correspondence|delivery|new|old|permanent|current)"
    r"[ \t]+address(?:[ \t]+on[ \t]+file)?|address(?:[ \t]+on[ \t]+file)?|send[ \t]+to"
    r"|deliver[ \t]+to)[ \t]*:?[ \t]*$"
)
_BLOCK_LINES = 6
# Words of running text: a line holding one is no address line.
_PROSE_WORDS = frozenset(
    [
        "i",
        "you",
        "we",
        "he",
        "she",
        "they",
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "please",
        "thanks",
        "thank",
        "can",
        "could",
        "my",
        "your",
        "our",
        "the",
        "this",
        "that",
        "have",
        "has",
        "had",
        "need",
        "want",
        "call",
        "called",
    ]
)


def _heading_blocks(lines: _Lines) -> Iterator[Span]:
    text = lines.text
    for m in _ADDRESS_HEADING_RE.finditer(text):
        speaker = lines.speaker(m.start())
        pos = text.find("\n", m.end())
        for _ in range(_BLOCK_LINES):
            if pos < 0:
                break
            start = pos + 1
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            line = text[start:end].strip()
            if not line or len(line) > 60 or lines.speaker(start) != speaker:
                break
            words = [w.strip(",.:;()").lower() for w in line.split()]
            if len(words) > 8 or line.endswith(("?", ":")) or _PROSE_WORDS.intersection(words):
                break
            if len(words) == 1 and not any(c.isdigit() for c in line) and _last_line(text, end):
                break  # the country, alone on the block's last line
            lead = start + (len(text[start:end]) - len(text[start:end].lstrip()))
            yield Span(lead, lead + len(line), Label.ADDRESS, 0.65, "line under an address heading")
            pos = end if end < len(text) else -1


def _last_line(text: str, end: int) -> bool:
    """Is the line ending at ``end`` the last of its block (the text ends, or the next
    line is a new topic: empty or a sentence)?"""
    if end >= len(text):
        return True
    nxt_end = text.find("\n", end + 1)
    nxt = text[end + 1 : nxt_end if nxt_end >= 0 else len(text)].strip()
    words = {w.strip(",.:;()").lower() for w in nxt.split()}
    return not nxt or len(words) > 8 or bool(_PROSE_WORDS & words)
