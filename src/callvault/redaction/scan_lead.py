"""Whole-text scans led by the character before the word (issue 16 speed, fifth pass).

A pattern that opens with a look-behind (``(?<![\\w'])``) or ``\\b`` gives ``re`` no
character to look for, so ``re`` starts a match attempt at every character. ``led``
puts ``[^a-z]`` in front, the character before the word: ``re`` then skips lower-case
letters in C and attempts a match only after one of the others. Run over " " + text,
``led_matches`` gives exactly the matches of ``pattern.finditer(text)``:

- the look-behind still tests the character before the word, which is the one the
  lead consumed, and every character it rejects is in ``[^a-z]``; the padding blank
  stands for the start of the text, where the look-behind (or ``\\b`` before a letter)
  holds too;
- after a match the next search starts one character before its end, so a match that
  ends with a blank or a comma still leads the next one, as in ``finditer``.

Only the leads below qualify (each rejects every lower-case letter before the word; the
``\\b`` patterns open with a letter); ``led`` refuses any other pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_LEADS = (r"(?<![\w'])", r"\b(?=", r"(?<![A-Za-z'\u2019])")


def led(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` led by the character before its match (see the module docstring)."""
    if not pattern.pattern.startswith(_LEADS):
        raise ValueError("only a pattern opening with a word-start test can be led")
    return re.compile("[^a-z]" + pattern.pattern, pattern.flags)


def led_matches(
    pattern: re.Pattern[str],
    text: str,
    start: int = 0,
    end: int | None = None,
    *,
    padded: str | None = None,
) -> Iterator[tuple[int, int, re.Match[str]]]:
    """``(start, end, match)`` of every match of the original pattern in ``text`` (as
    ``finditer(text, start, end)``), in order; ``pattern`` is its ``led`` form. Groups
    are read from ``match`` by name or number; only their offsets, and group 0, include
    the lead. ``padded`` is " " + text, when a caller reading many windows keeps one."""
    padded = " " + text if padded is None else padded
    pos, endpos = start, len(padded) if end is None else end + 1
    while (m := pattern.search(padded, pos, endpos)) is not None:
        end_in_text = m.end() - 1  # the match's end in ``text``: the next search starts there
        yield m.start(), end_in_text, m
        # An empty match (the lead alone) would be found again and again: none of the
        # led patterns can match empty, and one that could is stepped past, not looped on.
        pos = end_in_text if m.end() - m.start() > 1 else m.end()
