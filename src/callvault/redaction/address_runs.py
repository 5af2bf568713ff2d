"""A written address runs on past its street: "6703 Via dalla Staziun 87 Suite 934,
Dozwil, Switzerland 19369", or the same parts one to a line, under any line prefix
("}} Apt. 518", "??? Bobbio"). Given the address spans the recognizers found, each one
holding a number (a street, a unit, a postcode) is widened:

- to the right over units, capitalised place words, region codes, postcodes, "Nr. 4"-like
  abbreviations and "nan" (an empty field an export printed), on its line and on up to
  five lines below, each line shaped like an address line; it stops at a lower-case word,
  a sentence's end, a colon (a "Mobile:" line), "tel.", an organisation's name ("... Group
  Inc.") or a line of running text. A blank line is crossed only to the postcode line
  under a town ("Cite Badrani\\n\\n Tunisia 94571");
- to the left over the building number before it, the street's name words on its line,
  and "the corner of" (then the cross street after "and" joins it) or "<Name> and" after
  a colon or a preposition.

One span a line and a comma-separated part (line breaks and commas stay readable); a
country after a comma is no PHI and stays readable. Written text only: a recogniser's
lower-case speech has no such runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from callvault.redaction.address_cores import CAPITALS, STREET_CONNECTORS
from callvault.redaction.address_shapes import ORG_WORDS
from callvault.redaction.normalize import utterance
from callvault.redaction.places import regions
from callvault.redaction.spans import Label, Span

_CAP_WORD = rf"[{CAPITALS}][\w'\u2019-]*(?:\.[\w'\u2019-]+)*"
_POSTCODE = (
    r"\d{1,6}(?:[ -]\d{2,4})?(?![\w])|[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2}(?![\w])"
    r"|[A-Z]\d[A-Z][ \t]\d[A-Z]\d(?![\w])"
)
_UNIT = r"(?:Apt|Apartment|Suite|Unit|Ste|Flat|Box)\.?[ \t]*#?\d{1,5}[A-Za-z]?(?![\w])"
# One piece of an address on the same line, after blanks and perhaps a comma.
_PIECE_RE = re.compile(
    rf"[ \t]*,?[ \t]*(?:{_UNIT}|(?:{_POSTCODE})|nan(?![\w])|\({_CAP_WORD}\)|{_CAP_WORD}"
    # a short word with a dot before a number or name ("Nr. 297", "bl. 4", Russian "kv. 6"),
    # a state after a slash ("/ RO")
    rf"|[^\W\d_]{{1,4}}\.(?=[ \t]*[\d{CAPITALS}])|/[ \t]*[A-Z]{{2}}(?![\w])"
    rf"|(?P<conn>[a-zà-ÿ'.]+)(?=[ \t]+(?:[a-z]{{1,3}}[ \t]+)?[{CAPITALS}]))"
)
_LINE_BREAK_RE = re.compile(r"[ \t,.]*\n(?:[ \t]*[^\w\s(+@'\"\u201c]{1,4})?[ \t]*")
_LINE_RE = re.compile(r"[^\n]*")
_MAX_LINES = 5
_DIGIT_RE = re.compile(r"\d")
_PART_RE = re.compile(r"[^,\s](?:[^,]*[^,\s])?")
# Capitalised words that open running text, never an address part.
_PROSE = frozenset((
    "I", "It", "It's", "The", "This", "That", "These", "Please", "Thanks", "Thank", "We",
    "My", "You", "He", "She", "They", "Our", "Your", "If", "When", "Where", "What", "Is",
    "Are", "Can", "Could", "Would", "Will", "And", "But", "Or", "So", "Also", "Best",
    "Regards", "Kind", "Cheers", "Sincerely", "Mobile", "Phone", "Tel", "Fax", "Desk",
    "Email", "E-mail", "Website", "Office", "Name", "Address", "Hello", "Hi", "Dear",
    "Ms", "Mr", "Mrs", "Dr",
))  # fmt: skip
# A dot after one of these goes on ("Apt. 4", "Ctra. de Siles"); after any other word it
# ends the sentence ("... 08-003 Nysa. Thanks!").
_ABBREVIATIONS = frozenset((
    "apt", "st", "ste", "ctra", "crta", "av", "avda", "ave", "bd", "blvd", "rd", "dr", "str",
    "ul", "al", "pl", "os", "u", "rkp", "no", "nr", "ln", "sq", "n", "s",
    "\u03bb\u03b5\u03c9\u03c6", "\u03b1\u03b3", "\u03b2\u03b1\u03c3",  # Greek: leof., ag., vas.
))  # fmt: skip
_CONTACT_ABBREVIATIONS = frozenset(
    ("tel", "tél", "tlf", "tfn", "fax", "ph", "mob", "ref", "ext", "dob", "id", "acct")
)
_CORNER_RE = re.compile(r"(?i:(?:the[ \t]+)?corner[ \t]+of)[ \t]+\Z")
_NAME_AND_RE = re.compile(
    rf"(?:[:?][ \t]*|(?<![\w'])(?:to|is|in|at|with)[ \t]+|^[ \t]*)((?:[{CAPITALS}][\w'\u2019-]*"
    r"[ \t]+){1,3}and[ \t]+)\Z",
    re.MULTILINE,
)
_BUILDING_BEFORE_RE = re.compile(r"(?<![\w.,:/+-])\d{1,6}[ \t]+\Z")
_CROSS_STREET_RE = re.compile(
    rf"(?:[ \t]+(?:St\.?|street))?[ \t]+and[ \t]+((?:{_CAP_WORD}[ \t]*){{1,3}})"
)
# Capitalised words (and connectors) before a street on its line: the rest of its name
# ("Rúa de San Pedro" before "19 Tokaryev Crossing"), back to running text.
_NAME_BEFORE_RE = re.compile(
    rf"(?<![\w'\u2019.-])((?:[{CAPITALS}][\w'\u2019.-]*[ \t]+(?:(?:de[ \t]+la|de|da|do|del|di|du"
    rf"|des|van|von|der|den)[ \t]+)?){{1,4}})\Z"
)


def address_runs(text: str, found: Iterable[Span]) -> Iterator[Span]:
    """Each address span holding a digit, widened over the rest of its address: one
    span a line, so a line break (or an escaped "\\n") between stays unredacted."""
    for span in list(found):
        if span.label is not Label.ADDRESS or not _DIGIT_RE.search(text, span.start, span.end):
            continue
        if _spoken_line(text, span.start):
            continue  # a recogniser's lower case: no written address to widen
        start, corner = _widened_left(text, span.start)
        end = span.end
        if corner and (cross := _CROSS_STREET_RE.match(text, end)):
            end = cross.end(1)
        lines = _widened_right(text, start, end)
        if lines != [(span.start, span.end)]:
            for a, b in lines:
                b = max(_without_country(text, a, b), span.end if a == start else a)
                yield from _comma_parts(text, a, b)


def _spoken_line(text: str, pos: int) -> bool:
    """Is the line holding ``pos`` in lower case (speech to text, a tag aside)?"""
    return utterance(text, pos).islower()


def _without_country(text: str, start: int, end: int) -> int:
    """``end``, or where a country that ends the address after a comma starts: a country
    alone is no PHI and stays readable ("..., 25032 Sassari, Italy"); before a postcode
    it is taken with it."""
    words = text[max(start, end - 40) : end].replace(",", " ").split()[-3:]
    if words and words[-1].startswith("("):  # "Cyprus (Greek)"
        words = words[:-1]
    for n in range(len(words), 0, -1):
        if words[-n][:1].isalpha() and " ".join(words[-n:]).lower() in regions():
            cut = text.rindex(words[-n], start, end)
            while cut > start and text[cut - 1] in " \t":
                cut -= 1
            # "..., Sassari, Italy": a part of its own; "WEIDING Austria" or a line of
            # its own under a block: part of the address as written
            return cut - 1 if cut > start and text[cut - 1] == "," else end
    return end


def _comma_parts(text: str, start: int, end: int) -> Iterator[Span]:
    """One span per comma-separated part: commas inside an address stay readable."""
    for m in _PART_RE.finditer(text, start, end):
        yield Span(m.start(), m.end(), Label.ADDRESS, 0.6, "rest of a written address")


def _holds_digit(text: str, start: int, end: int) -> bool:
    return _DIGIT_RE.search(text, start, end) is not None


def _widened_left(text: str, start: int) -> tuple[int, bool]:
    """Where the address starts (a building number, "the corner of", "<Name> and"),
    and whether it is a corner of two streets."""
    line = text.rfind("\n", 0, start) + 1
    window = max(line, start - 40)
    if building := _BUILDING_BEFORE_RE.search(text, window, start):
        start = building.start()
    if corner := _CORNER_RE.search(text, window, start):
        return corner.start(), True
    if name_and := _NAME_AND_RE.search(text, window, start):
        return name_and.start(1), False
    if (named := _NAME_BEFORE_RE.search(text, window, start)) and not _PROSE.intersection(
        w.strip(".") for w in named.group(1).split()
    ):
        return named.start(1), False
    return start, False


def _widened_right(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The address's lines from ``start``: over pieces on its line, then over address
    lines below."""
    lines = [(start, _pieces(text, end))]
    for _ in range(_MAX_LINES):
        nxt = _next_line(text, lines[-1][1])
        if nxt is None:
            break
        lines.append(nxt)
    return lines


def _pieces(text: str, pos: int) -> int:
    """Past the address pieces that follow ``pos`` on its line; an organisation's name
    ("Pactiv Evergreen Inc.") ends them before its first word."""
    words_from = pos  # where the capitalised words just read begin
    while (m := _PIECE_RE.match(text, pos)) is not None:
        word = m.group().strip(" \t,")
        if word in _PROSE or text[m.end() : m.end() + 1] == ":":
            break
        if word.rstrip(".").lower() in _CONTACT_ABBREVIATIONS:
            break  # ", tel. 91 72 13 38": a phone after the address
        if m.group("conn") is not None and word.lower() not in STREET_CONNECTORS:
            break
        if word.lower() in ORG_WORDS and words_from < m.start():
            return words_from  # not ", SA" alone: a region's code
        if not word[:1].isupper() or "," in m.group():
            words_from = m.end() if not word[:1].isupper() else m.start()
        pos = m.end()
        if text[pos : pos + 2] in (". ", ".\t") and word.lower() in _ABBREVIATIONS:
            pos += 1  # "Apt. 4", "Ctra. de Siles": the dot of an abbreviation
    return pos


def _next_line(text: str, end: int) -> tuple[int, int] | None:
    """The address line under the one ending at ``end`` (its prefix left out), or None."""
    brk = _LINE_BREAK_RE.match(text, end)
    if brk is None:
        return None
    start = brk.end()
    line = _LINE_RE.match(text, start).group().rstrip()  # type: ignore[union-attr]
    if not line and (blank_end := text.find("\n", start)) >= 0:
        # a blank line: crossed only to a postcode line
        nxt = _LINE_BREAK_RE.match(text, blank_end)
        if nxt is None:
            return None
        line = _LINE_RE.match(text, nxt.end()).group().rstrip()  # type: ignore[union-attr]
        if not any(c.isdigit() for c in line):
            return None
        start = nxt.end()
    if not line:
        return None
    stop = _pieces(text, start)
    if stop == start or not _address_line(text[start:stop]):
        return None
    rest = text[stop : start + len(line)].strip()
    if not rest or rest in ".?!":
        return start, stop
    # the address's last line, running text after it ("18025 last night", "01489. I",
    # "Austria last night")
    last = _holds_digit(text, start, stop) or text[start:stop].lower() in regions()
    if last and (rest[0] in ".," or text[stop + 1 : stop + 2].islower()):
        return start, stop
    return None


def _address_line(line: str) -> bool:
    """A short line of address pieces: no colon, mail, link or question; few digits (a
    phone has more)."""
    if len(line) > 60 or any(c in line for c in ":@/?!+"):
        return False
    return sum(c.isdigit() for c in line) <= 8 and len(line.split()) <= 7
