"""One number said in pieces is one identifier: the pause words between its pieces go
with it ("eight five four six two one okay nine zero", "nine two hold on nine one",
"eleven uh twelve nineteen thirty eight"). Issue 16: inside an identifier, doubt means
PHI, and a reader who sees "okay" between two redacted pieces learns the number's shape.

Only words that say nothing are bridged (fillers, "hold on", "let me see", a correction's
"no sorry"), only on one line, and only between two spans that are both numbers.
"""

from __future__ import annotations

import re

from callvault.redaction.normalize_spoken import PAUSE_WORDS
from callvault.redaction.spans import Label, Span

_NUMBERS = frozenset(
    (Label.PHONE, Label.SSN, Label.MRN, Label.MEMBER_ID, Label.ACCOUNT, Label.CARD, Label.DATE)
)
# The pauses a homophone may end a piece before (``normalize_spoken``), and more: a
# drawn-out filler, "one sec", "let me see", a restart ("let me start again").
_PAUSE = (
    rf"{PAUSE_WORDS}|um+|uh+|hm+|mm+|er+|ah+|right|yeah|one[ \t]+sec(?:ond)?|a[ \t]+sec(?:ond)?"
    r"|let[ \t]+me[ \t]+(?:see|check)|what[ \t]+is[ \t]+it|ugh|again|start[ \t]+(?:again|over)"
    r"|from[ \t]+the[ \t]+top"
    r"|(?:let[ \t]+me|i'll|i[ \t]+will)[ \t]+(?:start|read[ \t]+it|say[ \t]+it)"
    r"(?:[ \t]+(?:again|over))?"
)
# The whole gap: blanks and light punctuation around one to six pause words.
_GAP_RE = re.compile(rf"[ \t,.-]*(?:(?:{_PAUSE})(?![\w'])[ \t,.-]*){{1,6}}")


def bridged(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` (sorted, apart) with number pieces split by pause words joined."""
    out: list[Span] = []
    for span in spans:
        last = out[-1] if out else None
        if (
            last is not None
            and last.label in _NUMBERS
            and span.label in _NUMBERS
            and _GAP_RE.fullmatch(text, last.end, span.start)
        ):
            why = f"{last.explanation}; one number said in pieces"
            out[-1] = Span(last.start, span.end, last.label, max(last.score, span.score), why)
        else:
            out.append(span)
    return out
