"""Word lists as one regex: an alternation factored by shared prefixes.

Python's ``re`` tries the branches of ``a|b|c`` one after another at every position; with
thousands of words that is slow. Factored into a character trie ("ann(?:a|e|ie)?"), each
position costs a few character tests, so a scan for any of 5,000 names stays one C-level
pass over the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any


def trie_regex(words: Iterable[str], *, literal: bool = False) -> str:
    """A regex source matching exactly ``words`` (a space matches spaces or tabs, a
    hyphen an optional hyphen or space; with ``literal``, every character only itself).
    Callers add their own word boundaries.

    With ``literal``, it is a drop-in for the longest-first alternation
    ``"|".join(sorted(words, key=len, reverse=True))``: words that match at one place
    are prefixes of one another, and both try the longer first."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node_regex(trie, literal)


def _node_regex(node: dict[str, Any], literal: bool) -> str:
    branches = []
    for ch in sorted(k for k in node if k):
        if literal or ch not in " -":
            piece = re.escape(ch)
        else:
            piece = r"[ \t]+" if ch == " " else r"[ \t-]?"
        branches.append(piece + _node_regex(node[ch], literal))
    if "" in node:
        branches.append("")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"
