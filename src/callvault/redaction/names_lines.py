"""Names that a written line's shape announces, with no cue word:

- a dialogue or screenplay tag: the speaker's name opening a line before a colon
  ("Velimir: What a wife.", "Thilda:\"Who are you?\"");
- a form field: the rest of a "Name:" line ("Name:    Quinn A Campbell");
- a name alone on its line, such as the first line of an address block or a signature
  ("Malagigi Mailly" above "URU Metals Ltd"), maybe after a quoting mark ("}}").

A role or a form label is never a name (``strength`` drops every everyday English word:
"Agent:", "Summary:", "Phone:"), nor is an agent's own tag (``Scan.is_agent``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from callvault.redaction import names_cues as cues
from callvault.redaction.names_scan import Found, Scan, Tok
from callvault.redaction.names_strength import (
    STRONG,
    WEAK,
    key_strength,
    strength,
    surname_after,
)

_LONE_LINE = 60  # characters: a name alone on its line, with quoting marks around it
# A line's opening: quoting marks or bullets, then a capitalised word (folded text).
_LINE_OPEN = re.compile(r"[ \t}>|*\u2022-]*(?=[A-Z])")
# A tag's colon right after one or two words ("George:", "Anna Maria:"), not a URL.
_TAG_COLON = re.compile(r"[ \t]*:(?!//)")
# A form's name field: "Name:", "Full name:", "Patient Name -".
_NAME_FIELD = re.compile(r"(?:(?:full|patient|customer|contact)[ \t]+)?name[ \t]*[:-][ \t]*")


def line_names(scan: Scan) -> Iterator[Found]:
    """Dialogue tags, form fields and lone names, one line at a time."""
    text = scan.fold
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        # only a short line, or one with a colon near its start, can be any of these
        if 1 < end - start <= _LONE_LINE or _named_tag(scan, start, end):
            yield from _line(scan, start, end)
        start = end + 1


def _named_tag(scan: Scan, start: int, end: int) -> bool:
    """Is there a colon near the line's start after something other than a one-word
    role ("Patient:", "Agent:" are most transcript lines: read no further)?"""
    colon = scan.fold.find(":", start, min(end, start + 40))
    if colon < 0:
        return False
    tag = scan.low[start:colon].strip(" \t}>|*-")
    return " " in tag or tag in ("name", "") or bool(key_strength(tag))


def _line(scan: Scan, start: int, end: int) -> Iterator[Found]:
    opening = _LINE_OPEN.match(scan.fold, start, end)
    if opening is None:
        return
    pos = opening.end()
    if field := _NAME_FIELD.match(scan.low, pos, end):
        if toks := _field_value(scan, field.end(), end):
            yield toks, "name in a form's name field"
        return
    words = _name_words(scan, pos, end)
    if not words:
        return
    after = words[-1].end
    if _TAG_COLON.match(scan.fold, after) and len(words) <= 2:
        if _tag_name(scan, words) and not _agent_tag(scan, pos, after):
            yield words, "speaker's name tagging a line of dialogue"
        return
    if scan.fold[after:end].strip(" \t.,") == "" and _lone_name(scan, words):
        yield words, "name alone on its line"


def _name_words(scan: Scan, pos: int, end: int) -> list[Tok]:
    """Capitalised name words (initials between them) from ``pos`` on this line."""
    words: list[Tok] = []
    sure: list[int] = []
    tok = scan.tok_at(pos)
    while tok is not None and tok.end <= end and tok.cap and len(words) < 4:
        if tok.comma and words:
            break
        if len(tok.key) == 1:  # an initial between two words ("Lea L Faber")
            if not words:
                break
        elif s := strength(scan, tok) or (sure and surname_after(scan, tok, sure)):
            sure.append(s)  # "Malagigi Mailly": a surname an English list has too
        else:
            break
        words.append(tok)
        tok = scan.tok_at(tok.end)
    while words and len(words[-1].key) == 1:
        words.pop()
    return words


def _lone_name(scan: Scan, words: list[Tok]) -> bool:
    """Two to four name words, one of them no English word or a middle initial, and no
    organisation after them."""
    named = [t for t in words if len(t.key) > 1]
    if len(named) < 2:
        return False
    initial = len(named) < len(words)
    surest = max(strength(scan, t) for t in named)
    return (surest == STRONG or (initial and surest >= WEAK)) and not scan.org_after(words[-1].end)


def _tag_name(scan: Scan, words: list[Tok]) -> bool:
    """A tag that names someone: a first name ("George:") or a word in no list
    ("Velimir:"), not a surname that is also a role or a thing ("Bot:", "Host:")."""
    if any(t.key in _ROLES for t in words):
        return False
    return any(strength(scan, t) == STRONG or t.key in scan.gaz.first for t in words)


# Tags of a chat, a script or a phone system's log that name a role or a channel ("Bot:",
# "Narrator:", "Outbound:", "DNIS:"), in no word list.
_ROLES = frozenset(
    ("bot", "chatbot", "user", "host", "guest", "admin", "moderator", "narrator", "chorus", "sys",
     "payer", "insurer", "subscriber", "guarantor", "carrier", "proxy", "fwd", "fw", "re",
     "outbound", "inbound", "ivr", "asr", "dtmf", "sms", "mms", "dnis", "ani", "webchat")
)  # fmt: skip


def _agent_tag(scan: Scan, start: int, colon: int) -> bool:
    tag = scan.text[start:colon].strip().lower()
    return bool(cues.AGENT_TAG.search(tag)) or scan.is_agent(tag)


def _field_value(scan: Scan, pos: int, end: int) -> list[Tok]:
    """The capitalised words of a name field's value ("Arnaude L'Heureux"): any word
    that is no stop word or company word counts there."""
    words: list[Tok] = []
    tok = scan.tok_at(pos)
    while tok is not None and tok.end <= end and len(words) < 5:
        if not tok.cap or tok.key in scan.gaz.stop or tok.key in cues.ORG_SUFFIX:
            break
        words.append(tok)
        tok = scan.tok_at(tok.end)
    return words
