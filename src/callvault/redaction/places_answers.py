"""A town given as the answer to a question about where someone is.

"what town is that" / "where are you calling from" on one speaker's line, and on the
other speaker's next line "oh walkerville", "we're just outside brownhaven", "west
david": the answer, with its preface ("oh", "we're just outside", "i'm down in") left
readable, is a town when its words read as one (``places.town_words``: a known place,
or words in no everyday-English list, perhaps after a compass word). A state or country
stays readable, and so does an everyday answer ("from work", "my car", "home").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from callvault.redaction.names_cues import speaker_tag
from callvault.redaction.places import regions, town_words
from callvault.redaction.spans import Label, Span

_ASKS_TOWN_RE = re.compile(
    r"(?<![\w'])(?:(?:what|which)[ \t]+(?:town|city|village|suburb|area|county|part[ \t]+of)"
    r"|where[ \t]+(?:are|is|do)[ \t]+(?:you|she|he|they|the[ \t]+patient|your[ \t]+\w+)"
    r"[ \t]+(?:calling[ \t]+from|located|based|living|staying|live|from)"
    # after a street read back: "And that's in...?"
    r"|that(?:'s|[ \t]+is)[ \t]+in(?=[ \t]*(?:\.\.\.|\u2026|\?|$)))(?![\w'])",
    re.MULTILINE,
)
# The postcode said right after the town: "New John. 46090.", "south seanfort 69205".
_POSTCODE_AFTER_RE = re.compile(r"[ \t,.]+(\d{5}(?:-\d{4})?)(?![\w-])")
_PREFACE_RE = re.compile(
    r"(?:(?:yeah|yes|oh|um|uh|er|well|so|it's|its|it|is|that's|we're|i'm|she's|he's"
    r"|they're|we|i|she|he|they|are|am|just|currently|right|still|out|down|up|over|in"
    r"|near|outside|of|from|calling|living|staying|based|town|city|village|the[ \t]+town"
    r"[ \t]+of)[ \t,]+)*"
)
_WORD_RE = re.compile(r"[ \t]*([^\W\d_][\w'\u2019-]*)")
_ENDS_TOWN = frozenset((
    "and", "but", "so", "because", "now", "if", "since", "right", "okay", "ok", "thanks",
    "area", "originally", "actually", "though", "these", "at", "for", "yeah",
))  # fmt: skip
_NOT_TOWN_OPENING = frozenset(
    ("same", "my", "our", "her", "his", "their", "your", "the", "a", "new", "old", "what",
     "which", "that", "this", "different", "full", "uk", "us", "wrong", "right")
)  # fmt: skip
_MAX_GAP = 200  # characters from the question to the answer's line
_MAX_WORDS = 3


# "sines postcode four six one two", "cres zip oh four nine": a turn that opens with a
# town, then its postcode.
_TOWN_THEN_POSTCODE_RE = re.compile(
    r"^[^\n:]{1,30}:[ \t]*(?:(?:yeah|yes|oh|um|uh|er|so|it's|that's)[ \t,]+)*"
    r"([^\W\d_][\w'-]*(?:[ \t]+[^\W\d_][\w'-]*){0,2}?)[ \t,]+"
    r"(?:postcode|post[ \t]+code|zip(?:[ \t]+code)?|postal[ \t]+code)(?![\w'])",
    re.MULTILINE,
)


def towns_answered(text: str, lowered: str) -> Iterator[Span]:
    if "postcode" in lowered or "post code" in lowered or "zip" in lowered or "postal" in lowered:
        for m in _TOWN_THEN_POSTCODE_RE.finditer(lowered):
            phrase = m[1]
            if phrase.split()[0] in _NOT_TOWN_OPENING or phrase in regions():
                continue  # "same postcode as before", "my zip is"
            if town_words(" ".join(phrase.split())):
                yield Span(m.start(1), m.end(1), Label.ADDRESS, 0.6, "town before its postcode")
    if not any(word in lowered for word in ("town", "city", "where", "that's in", "that is in")):
        return  # every question holds one of them
    for m in _ASKS_TOWN_RE.finditer(lowered):
        line_end = lowered.find("\n", m.end())
        if line_end < 0 or line_end - m.end() > _MAX_GAP:
            continue
        colon = lowered.find(":", line_end + 1, line_end + 40)
        asker = speaker_tag(lowered, m.start())
        if colon < 0 or not asker or speaker_tag(lowered, colon + 1) in ("", asker):
            continue  # no turn-taking: a note's line, or the same speaker going on
        if span := _answer(lowered, colon + 1):
            yield span


def _answer(lowered: str, pos: int) -> Span | None:
    pos += len(lowered[pos:]) - len(lowered[pos:].lstrip(" \t"))
    pos = _PREFACE_RE.match(lowered, pos).end()  # type: ignore[union-attr]
    end = pos
    for _ in range(_MAX_WORDS):
        word = _WORD_RE.match(lowered, end)
        if word is None or word[1] in _ENDS_TOWN:
            break
        end = word.end()
    phrase = lowered[pos:end]
    if not phrase or phrase in regions() or phrase.removeprefix("the ") in regions():
        return None
    if not town_words(" ".join(phrase.split())):
        return None
    if postcode := _POSTCODE_AFTER_RE.match(lowered, end):
        end = postcode.end(1)
    return Span(pos, end, Label.ADDRESS, 0.6, "town given when asked for one")
