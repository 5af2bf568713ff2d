"""Held-out name probes: written after the rules in ``test_names_families`` were built and
not tuned on. Scored as a whole (token recall and precision) rather than row by row, so
the figure stays honest; see ``probe_score``.
"""

from __future__ import annotations

from callvault.redaction.names import NameRecognizer
from tests.redaction._helpers import token_scores

RECOGNIZER = NameRecognizer()

# (text, hidden substrings); every other token must stay readable
HELD_OUT: list[tuple[str, list[str]]] = [
    ("Note: PETROVIĆ, Milica requested a callback", ["PETROVIĆ, Milica"]),
    ("note: Rescheduled ANDERSSON, Linnea to next week", ["ANDERSSON, Linnea"]),
    ("Note: Dubois, Amélie - left voicemail", ["Dubois, Amélie"]),
    ("Intake: NAKASHIMA, Haruki; insurance verified", ["NAKASHIMA, Haruki"]),
    ("caller: i'm calling about my grandmother halina wiśniewska", ["halina wiśniewska"]),
    ("caller: my stepdaughter amaia etxeberria has an appointment", ["amaia etxeberria"]),
    ("Chat: My husband, Tiago Gonçalves, lost his card", ["Tiago Gonçalves"]),
    ("caller: it's under my sister's name fatoumata diallo", ["fatoumata diallo"]),
    ("caller: my nephew bogdan is the one who called", ["bogdan"]),
    ("agent: could i get the caller's name\ncaller: yes it's rahel tesfaye", ["rahel tesfaye"]),
    ("Agent: And your name?\nCaller: Oyelaran, Temitope", ["Oyelaran, Temitope"]),
    ("agent: who am i speaking with today\ncaller: this is mehmet yılmaz", ["mehmet yılmaz"]),  # noqa: RUF001
    ("caller: my name is Ngọc Trâm Phạm", ["Ngọc Trâm Phạm"]),
    ("Patient: This is Jürgen Weiß calling back", ["Jürgen Weiß"]),
    ("Note: Pt Sinéad Ní Bhriain called re: labs", ["Sinéad Ní Bhriain"]),
    ("Caller: Has Dmitri picked up the prescription?", ["Dmitri"]),
    ("Note: Kavya missed her appointment on Monday.", ["Kavya"]),
    ("Chat: Is Oksana allowed to pick up the forms?", ["Oksana"]),
    ("Chat: See you soon, Thandiwe!", ["Thandiwe"]),
    ("Note: Spoke with Yusuf about the balance.", ["Yusuf"]),
    # nothing to hide
    ("Caller: I heard about you from Good Morning America", []),
    ("Caller: she works for Blue Ridge Insurance", []),
    ("Note: Reminder sent. Patient confirmed. Will follow up Friday.", []),
    ("caller: my brother really wants to come in", []),
    ("caller: my daughter's pediatrician referred us", []),
    ("agent: can i get your name\ncaller: one second let me grab my card", []),
    ("SPEAKER_02: yes\nS3: okay", []),
    ("Agent: Hi, this is Mónica from scheduling.\nCaller: Hi Mónica", []),
    ("Caller: We watched Grey's Anatomy for Christmas.", []),
    ("Note: Hold, Pending review", []),
]


def probe_score() -> tuple[float, float]:
    """Token recall and precision over ``HELD_OUT``."""
    return token_scores(RECOGNIZER, HELD_OUT)


def test_held_out_probes() -> None:
    recall, precision = probe_score()
    assert recall >= 0.8 and precision >= 0.9, (recall, precision)


if __name__ == "__main__":
    recall, precision = probe_score()
    print(f"held-out recall={recall:.3f} precision={precision:.3f}")
