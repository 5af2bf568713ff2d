"""Context cues: the words before a number that say what it is.

"the last four of your social" makes the next four digits an SSN; "you can call us
back at" makes the next number the practice's own. A cue covers what follows it on
its own line and on the next one (the answer to a question). Cues are data: one
table, compiled once into one regex.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from callvault.redaction.scan_lead import led, led_matches
from callvault.redaction.spans import Label
from callvault.redaction.trie import trie_regex

CLINIC = "CLINIC"  # the practice's own number: not patient PHI
GENERIC = "GENERIC"  # "last four", "digits": some identifier, kind unknown
NONE = "NONE"  # phrases that hide a misleading word ("on your card")

CUES: tuple[tuple[str, str], ...] = (
    (NONE, r"on (?:the|your|my|her|his) (?:insurance )?card"),
    (CLINIC, r"call (?:us|the office|our office|the clinic)(?: back)?"),
    (
        CLINIC,
        r"reach (?:us|the office|our office)|our (?:main |office |direct |toll free )?"
        r"(?:number|line|phone|fax)|(?:office|practice|clinic|pharmacy)(?:'s)? "
        r"(?:number|line|phone|fax)|main line|front desk",
    ),
    (Label.SSN.value, r"social(?: security)?|ssn|s s n|ss ?#"),
    (Label.DATE.value, r"date of birth|d\.? ?o\.? ?b\.?|birth ?date|birthday|born(?: on| in)?"),
    (Label.ADDRESS.value, r"zip(?: ?code)?|postal(?: code)?|post ?code|z i p"),
    (
        Label.MRN.value,
        r"m ?r ?n|medical record(?: number| no)?|record (?:number|no)|chart(?: number| no)?"
        r"|patient (?:id|number|no)",
    ),
    (
        Label.MEMBER_ID.value,
        r"member(?:ship)?(?: id| number| no)?|subscriber(?: id| number)?"
        r"|polic(?:y|ies)(?: id| number| no)?|group(?: id| number| no| #)?"
        r"|insurance(?: id| number| card)?|plan (?:id|number)|medicare|medicaid|beneficiary"
        r"|ins(?:urance)? ?#|id(?: number| no| #)?|grp|mbr(?: id)?",
    ),
    (
        Label.ACCOUNT.value,
        r"account(?: number| no| #)?|acct|a/c|billing (?:number|id)|invoice"
        r"|statement (?:number|id)|reference(?: number)?|ref(?: no| #)?|claim(?: number| id)?",
    ),
    (
        Label.CARD.value,
        r"card(?: number| no)?|credit|debit|visa|master ?card|amex|expiration|expiry|exp"
        r"|american express|discover|security code|cvv|cvc|csc|(?:three|four) digit code"
        r"|code on the back|code",
    ),
    (
        Label.PHONE.value,
        r"phone|number to reach|reach (?:me|you|her|him|them)|call(?: me| her| him)? back"
        r"|callback|cell|mobile|telephone|tel|ph|contact number|best number|fax|text (?:me|her|him)"
        r"|home number|work number|number on file|calling from"
        r"|(?:my|her|his) (?:direct |personal |own |home |work )?line|direct (?:line|dial)",
    ),
    (
        GENERIC,
        r"last (?:four|4|five|5|six|6)|digits|ending in|full number"
        # any "... number" asked or said before an id ("the nhs number", "your prescription
        # number", "case number"), not a count ("number of", "number two")
        r"|number(?! of| one| two| three| four| five| six| seven| eight| nine| ten| 1| 2)"
        r"|(?:nhs|rx|case|booking|confirmation|order|tracking|hospital|customer) (?:no|#)",
    ),
)
# The whole first word of every cue (a test derives the cues' first words and checks
# them; the single letters are for spelled cues, "d o b", "a/c"). As a look-ahead, a word
# of this list and then no letter, it lets ``re`` drop every other word ("agent", "and",
# "one") with a few character tests before trying the cues one by one.
CUE_WORDS = (
    "a", "account", "acct", "american", "amex", "beneficiary", "best", "billing", "birth",
    "birthdate", "birthday", "booking", "born", "call", "callback", "calling", "card", "case",
    "cell", "chart", "claim", "clinic", "code", "confirmation", "contact", "credit", "csc",
    "customer", "cvc", "cvv", "d", "date", "debit", "digits", "direct", "discover", "do", "dob",
    "ending", "exp", "expiration", "expiry", "fax", "four", "front", "full", "group", "grp",
    "her", "his", "home", "hospital", "id", "ins", "insurance", "invoice", "last", "m", "main",
    "master", "mastercard", "mbr", "medicaid", "medical", "medicare", "member", "membership",
    "mobile", "mr", "mrn", "my", "nhs", "number", "office", "on", "order", "our", "patient",
    "ph", "pharmacy", "phone", "plan", "policies", "policy", "post", "postal", "postcode",
    "practice", "reach", "record", "ref", "reference", "rx", "s", "security", "social", "ss",
    "ssn", "statement", "subscriber", "tel", "telephone", "text", "three", "tracking", "visa",
    "work", "z", "zip", "zipcode",
)  # fmt: skip
_CUE_RE = re.compile(
    "|".join(rf"(?P<c{i}>{pattern})" for i, (_, pattern) in enumerate(CUES)).join(
        (rf"(?<![\w'])(?=(?:{trie_regex(CUE_WORDS, literal=True)})(?![a-z]))(?:", r")(?![\w'])")
    )
)
_CUE_LED = led(_CUE_RE)  # the same matches, scanned faster (``scan_lead``)
_KINDS = tuple(kind for kind, _ in CUES)
WINDOW = 120  # characters between a cue and the number it announces


class CueIndex:
    """The cues of one (lower-cased) transcript, found a line at a time when a number
    asks. A cue never spans lines and counts only on its line or the next, so lines
    far from any number are never scanned; and because a match never holds a line
    break, scanning from a line start finds exactly what a scan of the whole text
    finds on that line."""

    def __init__(self, lowered: str) -> None:
        self._text = lowered
        self._padded = " " + lowered  # for ``led_matches``, made once for every line
        self._lines: dict[int, tuple[list[int], list[str]]] = {}

    def before(self, text: str, pos: int, not_before: int = 0) -> str | None:
        """The kind of the nearest cue before ``pos`` on this line or the previous one
        (and not before ``not_before``)."""
        line = text.rfind("\n", 0, pos)
        ends, kinds = self._line(line + 1)
        k = bisect_right(ends, pos) - 1
        if k < 0 and line >= 0:
            ends, kinds = self._line(text.rfind("\n", 0, line) + 1)
            k = len(ends) - 1
        if k < 0 or pos - ends[k] > WINDOW or ends[k] < not_before:
            return None
        return kinds[k]

    def _line(self, start: int) -> tuple[list[int], list[str]]:
        """(ends, kinds) of the cues on the line starting at ``start``."""
        if start not in self._lines:
            end = self._text.find("\n", start)
            ends, kinds = [], []
            stop = end if end >= 0 else len(self._text)
            for cue, cue_end, m in led_matches(
                _CUE_LED, self._text, start, stop, padded=self._padded
            ):
                kind = _KINDS[int(m.lastgroup[1:])] if m.lastgroup else NONE
                if kind != NONE and not _is_speaker_tag(self._text, start, cue, cue_end):
                    ends.append(cue_end)
                    kinds.append(kind)
            self._lines[start] = ends, kinds
        return self._lines[start]


def _is_speaker_tag(text: str, line_start: int, start: int, end: int) -> bool:
    """A cue word that is the line's speaker tag ("member: ...", "patient: ...") names
    who speaks, not what comes."""
    return not text[line_start:start].strip() and text[end : end + 1] == ":"


@lru_cache(maxsize=8)
def cue_index(lowered: str) -> CueIndex:
    return CueIndex(lowered)
