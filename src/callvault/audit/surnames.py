"""Surnames as audit terms, for the same-surname alert rule (``callvault.alerts``).

The audit log holds no PHI, so a caller's surname reaches it only as a keyed hash of
``"surname:" + normalised surname`` among a read event's ``hashed_terms``; the watcher
hashes a user's own family name the same way and compares hashes. Both sides are
normalised alike: the last word, case-folded, accents stripped, letters only (so
"Ana García-López" and "GARCIALOPEZ" match; "O'Brien" and "obrien" match).

Pure functions, no I/O. They live with the audit trail, not with the alert rules: the
reads that record these terms (``callvault.calls``) sit below the alerts that compare
them, and both build on the trail.
"""

from __future__ import annotations

import unicodedata

SURNAME_TERM_PREFIX = "surname:"


def _letters(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if ch.isalpha() and not unicodedata.combining(ch))


def normalise_surname(name: str | None) -> str | None:
    """The last word of ``name`` that has a letter, normalised; None if there is none."""
    if not name:
        return None
    for word in reversed(name.split()):
        letters = _letters(word)
        if letters:
            return letters
    return None


def surname_term(name: str | None) -> str | None:
    """The audit term for a name's surname (hash it with ``AuditKeys.term_hash``)."""
    surname = normalise_surname(name)
    return None if surname is None else SURNAME_TERM_PREFIX + surname
