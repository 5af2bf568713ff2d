"""NameRecognizer: cued, paired, spelled and record-known names; and what stays readable.

Every name here is synthetic. Each case says which substrings must be hidden (every
letter covered) and which must stay untouched (no letter covered).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callvault.redaction import names_cues
from callvault.redaction.names import NameRecognizer
from callvault.redaction.spans import Context, Known, Label

from ._helpers import first_words

RECOGNIZER = NameRecognizer()
DEV_SET = Path(__file__).resolve().parents[3] / "shared" / "eval" / "transcripts_dev.jsonl"


def _mask(text: str, context: Context) -> bytearray:
    mask = bytearray(len(text))
    for span in RECOGNIZER.find(text, context):
        assert span.label is Label.NAME
        mask[span.start : span.end] = b"\x01" * (span.end - span.start)
    return mask


def _hidden(text: str, secret: str, mask: bytearray) -> bool:
    """Every letter of every occurrence of ``secret`` is covered."""
    starts = [m.start() for m in re.finditer(re.escape(secret), text)]
    assert starts, secret
    return all(mask[i] for s in starts for i in range(s, s + len(secret)) if text[i].isalnum())


def _touched(text: str, word: str, mask: bytearray) -> bool:
    m = re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", text)
    assert m, word
    return any(mask[m.start() : m.end()])


# (id, text, must be hidden, must stay readable)
MATCHES = [
    (
        "log-key-last-first-caps",
        "Audit: 03/22/2025 user=spham action=APPT_CREATE pt=ADOLFSSON, KRISTINA mrn=7355556",
        ["ADOLFSSON", "KRISTINA"],
        ["spham", "APPT_CREATE"],
    ),
    ("field-last-first-caps", "Patient: FRANCIS, GUY", ["FRANCIS", "GUY"], ["Patient"]),
    ("re-referral-caps", "Re: Referral, ARCHER, DIAMOND", ["ARCHER", "DIAMOND"], ["Referral"]),
    ("sms-initials", "Customer: ok thank u, L.J.", ["L", "J"], ["thank"]),
    ("role-brackets", "Summary: Caller (Joao D.) called for a refill.", ["Joao", "D"], ["refill"]),
    (
        "asr-my-name-is",
        "caller: hi my name is tobias grant and i need a refill",
        ["tobias grant"],
        ["refill"],
    ),
    (
        "asr-answer",
        "agent: can i get your full name please\ncaller: uh yeah it's marisol quintero",
        ["marisol quintero"],
        ["yeah"],
    ),
    (
        "asr-answer-bare",
        "agent: and the patient's name\ncaller: ruth abernathy date of birth june second",
        ["ruth abernathy"],
        ["june", "date"],
    ),
    (
        "asr-this-is-calling",
        "caller: this is gordon ellis calling about my bill",
        ["gordon ellis"],
        ["calling", "bill"],
    ),
    (
        "asr-relation",
        "caller: it's for my mother ruth abernathy she's eighty",
        ["ruth abernathy"],
        ["mother", "eighty"],
    ),
    (
        "asr-relation-common-first",
        "caller: for my dad grant okafor he's ninety",
        ["grant okafor"],
        ["ninety"],
    ),
    (
        "asr-last-name-spelled",
        "caller: last name is okafor o k a f o r",
        ["okafor", "o k a f o r"],
        [],
    ),
    ("asr-spelled-hyphens", "caller: the last name is k-o-w-a-l-s-k-i", ["k-o-w-a-l-s-k-i"], []),
    (
        "asr-spelled-after-name",
        "caller: it's ada hale that's h a l e and uh",
        ["ada hale", "h a l e"],
        ["uh"],
    ),
    ("asr-spelled-double", "caller: that's r u double s e l l", ["r u double s e l l"], []),
    ("asr-spelled-echo", "caller: it's dana long that's l o n g", ["dana long", "l o n g"], []),
    ("asr-title", "agent: thank you mr brennan have a good day", ["brennan"], ["good", "day"]),
    ("asr-for-name", "caller: i'm calling for dorothy finch", ["dorothy finch"], ["calling"]),
    ("asr-filler-inside", "caller: my name's lydia uh vance", ["lydia", "vance"], []),
    (
        "asr-correction",
        "caller: it's alan pierce no sorry alan pearce",
        ["alan pierce", "alan pearce"],
        ["sorry"],
    ),
    (
        "asr-common-surname-after-first",
        "caller: yes it's gordon young and my birthday",
        ["gordon young"],
        ["birthday"],
    ),
    ("asr-month-name-first", "caller: it's for my sister april okafor", ["april okafor"], []),
    (
        "asr-repeat",
        "caller: my name is ingrid thorsen\nagent: thanks ingrid one moment",
        ["ingrid thorsen", "ingrid"],
        ["moment"],
    ),
    ("asr-no-cue-pair", "agent: i see lydia vance on the schedule", ["lydia vance"], ["schedule"]),
    (
        "asr-unlisted-surname",
        "caller: this is priya raghunathan calling about results",
        ["priya raghunathan"],
        ["calling", "results"],
    ),
    ("asr-filler-after-cue", "caller: yeah this is uh kowalski ingrid", ["kowalski ingrid"], []),
    ("asr-nurse", "caller: can i talk to nurse ingrid", ["ingrid"], ["nurse"]),
    (
        "written-reversed",
        "Patient: Hi, this is Okafor, Ada. DOB 01/02/1950.",
        ["Okafor, Ada"],
        ["DOB"],
    ),
    (
        "written-pt",
        "note: Pt Tobias Grant called re: results",
        ["Tobias Grant"],
        ["called", "results"],
    ),
    (
        "written-greeting",
        "Agent: Hi Marisol, this is Dana at Pine Ridge Dermatology.",
        ["Marisol"],
        ["Dana", "Pine", "Ridge"],
    ),
    (
        "written-callback",
        "note: Callback to Quintero, Marisol re: labs",
        ["Quintero, Marisol"],
        ["labs"],
    ),
    ("doctor-relative", "caller: my husband is dr. john smith", ["john", "smith"], ["husband"]),
    (
        "doctor-outside-a-call",
        "Hello, this is Dr. Edda Brennan. Who are you?",
        ["Edda", "Brennan"],
        [],
    ),
    (
        "written-relation",
        "note: daughter Lydia calling from the front desk line",
        ["Lydia"],
        ["calling"],
    ),
    ("written-vocative", "Agent: Hope you feel better, Marisol!", ["Marisol"], ["Hope", "better"]),
    ("written-possessive", "note: updated Tobias Grant's address", ["Tobias Grant"], ["address"]),
    (
        "answer-unlisted",
        "agent: may i have the patient's full name\ncaller: ngozi eze",
        ["ngozi eze"],
        ["patient"],
    ),
    (
        "middle-initial-dot",
        "Chat: regarding my father, Harold J. Klein.",
        ["Harold J. Klein"],
        ["father"],
    ),
    (
        "lower-case-particles",
        "caller: hi my name is senn van de wiel and i live in leeds",
        ["senn van de wiel"],
        ["live"],
    ),
    (
        "lower-case-particle",
        "chat: my name is agatha da mota thanks",
        ["agatha da mota"],
        ["thanks"],
    ),
    ("italian-particle", "Subscriber: della Rovere, Clelia", ["della Rovere, Clelia"], []),
    ("saint-surname", "Triage: St. Clair, Katherine seen", ["St. Clair, Katherine"], ["seen"]),
    # an initial and a surname in notes: a listed or foreign surname, or after a person cue
    ("initial-surname", "Patient: M. Masny 91yo", ["M. Masny"], []),
    ("speaking-with-someone", "caller: i was speaking with maria yesterday", ["maria"], []),
    ("nickname", "caller: everyone calls her katya so do we", ["katya"], ["everyone"]),
    ("initial-word-surname", "Contact: M. Cross (partner)", ["M. Cross"], ["partner"]),
    (
        "initial-after-for",
        "PA: 28-day supply for A. Pospíšilová, DOB on file",
        ["A. Pospíšilová"],
        ["supply"],
    ),
    # a field asked for alone, the whole turn, then answered
    ("bare-field-question", "Agent: first name\nCaller: uh yatin", ["yatin"], ["uh"]),
    (
        "first-and-last-name",
        "rep: and the patient's first and last name\nmember: yeah it's roberta diaconescu",
        ["roberta diaconescu"],
        ["yeah"],
    ),
    # a patient named in the same note as the staff who verified it
    (
        "patient-and-staff",
        "Note: Priya Shah called re refill. Verified by Priya.",
        ["Priya Shah"],
        ["refill"],
    ),
]


@pytest.mark.parametrize(
    ("text", "hidden", "kept"), [c[1:] for c in MATCHES], ids=[c[0] for c in MATCHES]
)
def test_finds_names(text: str, hidden: list[str], kept: list[str]) -> None:
    mask = _mask(text, Context())
    for secret in hidden:
        assert _hidden(text, secret, mask), secret
    for word in kept:
        assert not _touched(text, word, mask), word


# (id, text, words that must stay readable)
NON_MATCHES = [
    (
        "agent-self-intro",
        "agent: good afternoon pine ridge dermatology my name is dana how can i help",
        ["dana", "pine", "ridge"],
    ),
    ("agent-this-is", "agent: thank you for calling this is ingrid speaking", ["ingrid"]),
    ("agent-name-later", "agent: my name is dana\ncaller: thanks dana bye", ["dana"]),
    ("written-agent", "Agent: Hello, this is Dana with the clinic.", ["Dana"]),
    # The practice's staff, named with a title, credential or role: no identifier of the
    # patient under Safe Harbor (which names the individual, relatives, household).
    ("doctor-in-a-call", "Patient: Dr. Brennan reviewed my chart.", ["Brennan"]),
    ("doctor-lowercase", "ch0: sent dr harding is running about 15 minutes late", ["harding"]),
    ("credential", "Agent: I have an intake with Jill Hayes, LCSW, on Monday.", ["Jill", "Hayes"]),
    ("signed-md", "Page 2: Sincerely, Zita Nagy, MD", ["Zita", "Nagy"]),
    ("our-pharmacist", "SPEAKER_01: our pharmacist Kristina is here until 6.", ["Kristina"]),
    ("from-our-team", "Speaker 1: I have Jane from our team coming out Monday.", ["Jane"]),
    (
        "calling-from-org",
        "SPEAKER_00: Hi, this is Giampaolo calling from Clearpath.",
        ["Giampaolo"],
    ),
    ("sms-direction-tag", "Outbound: Please reply with your full name.", ["Outbound"]),
    ("clinic-suffix", "agent: you've reached carter hayes associates", ["carter", "hayes"]),
    ("clinic-family-medicine", "agent: welcome to lydia vance family medicine", ["lydia", "vance"]),
    ("common-words-may-long", "caller: i may need a long appointment", ["may", "long"]),
    ("common-words-will-young", "caller: it will be young and white", ["will", "young", "white"]),
    ("month-after-for", "caller: for may fourth please", ["may"]),
    ("month-june", "caller: june tenth works for me", ["june"]),
    ("mark-verb", "agent: can you mark that down for me", ["mark"]),
    ("grace-period", "agent: there is a grace period on the bill", ["grace", "period"]),
    ("medication-for", "caller: i need a refill for metformin", ["metformin"]),
    ("medication-its", "caller: it's lisinopril twenty milligrams", ["lisinopril"]),
    ("doctor-verb", "agent: the doctor will call you and the doctor wants labs", ["will", "wants"]),
    (
        "spoken-abbreviations",
        "agent: ten a m and the d o b please and the m r i",
        ["a m", "d o b", "m r i"],
    ),
    (
        "written-sentence",
        "Agent: Your appointment is confirmed. Please arrive early.",
        ["Please", "arrive", "early"],
    ),
    (
        "asr-plain",
        "caller: i have a question about my bill from last week",
        ["question", "bill", "last"],
    ),
    # field labels and roles as line tags, and words the frequency lists file elsewhere
    (
        "form-tags",
        "Subscriber: VAZQUEZ, Sandra\nSubscriber ID: 538538899-04\nTel: 355.689.2188\nElig: ok",
        ["Subscriber", "Tel", "Elig"],
    ),
    ("forwarded-tags", "Fwd Body: Kind regards, John\nPayer: Aetna", ["Fwd", "Body", "Payer"]),
    ("proxy-access", "From: Omar Frazier (daughter, proxy access)", ["proxy", "access"]),
    ("germ-genus", "Note: culture grew E. Coli, H. Pylori negative", ["Coli", "Pylori"]),
    ("call-me-back", "caller: call me back tomorrow or call me at five", ["back", "tomorrow"]),
    # the answering side's own names: a department before "this is", an agent's question
    (
        "department-intro",
        "spk0: nurse line this is inès who am i speaking with\nspk1: hi it's about my mum",
        ["inès"],
    ),
    ("management-intro", "UM: blue cross utilization management this is søren", ["søren"]),
    # staff the notes name as such, and a message left for them at the practice
    ("verified-by", "Notes: Copay $25, 12 visits left. Verified by Priya.", ["Priya"]),
    ("care-by", "Notes: gabapentin 300 mg TID. Wound care by Mårten.", ["Mårten"]),
    ("rn-signature", "P: Advised to call back if worse. RN Inès.", ["Inès"]),
    ("message-for", "vm: hey um this message is for inès at old mill pediatrics", ["inès"]),
    ("opened-by", "Case comment: Case opened by Joanne. Billing dispute.", ["Joanne"]),
    ("entered-by", "Signed: entered by Giampaolo on 2024-03-01", ["Giampaolo"]),
    (
        "youre-speaking-with",
        "agent: good morning patient line you're speaking with nicole\ncaller: hi",
        ["nicole"],
    ),
]


@pytest.mark.parametrize(
    ("text", "kept"), [c[1:] for c in NON_MATCHES], ids=[c[0] for c in NON_MATCHES]
)
def test_leaves_non_names(text: str, kept: list[str]) -> None:
    mask = _mask(text, Context())
    for word in kept:
        assert not _touched(text, word, mask), word


def test_clinic_names_from_context_are_kept() -> None:
    text = "agent: hello from gordon ellis\ncaller: hi is gordon ellis open today"
    mask = _mask(text, Context(clinic_names=("Gordon Ellis",)))
    assert not any(mask)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("caller: yeah TOBIAS here", "TOBIAS"),
        ("caller: it's grant-whitaker", "grant-whitaker"),
        ("caller: pull up whitaker's file", "whitaker"),  # the "'s" may stay
        ("caller: that's w h i t a k e r", "w h i t a k e r"),
        ("caller: W-H-I-T-A-K-E-R", "W-H-I-T-A-K-E-R"),
        ("caller: my son tobias will call", "tobias"),
    ],
    ids=["upper", "hyphenated", "possessive", "spelled", "spelled-hyphens", "first-alone"],
)
def test_known_names_always_hidden(text: str, secret: str) -> None:
    context = Context(known=Known(names=("Tobias Grant-Whitaker",)))
    assert _hidden(text, secret, _mask(text, context))


def test_known_name_beats_agent_exclusion() -> None:
    text = "agent: my name is dana\ncaller: dana is my name too"
    mask = _mask(text, Context(known=Known(names=("Dana Okafor",))))
    assert _hidden(text, "dana", mask)


def test_spans_explain_without_quoting() -> None:
    text = "caller: my name is tobias grant"
    (span,) = RECOGNIZER.find(text, Context())
    assert "tobias" not in span.explanation.lower()


_VOCABULARY = (
    "my name is tobias grant it's for mother mr dr hi thanks caller: agent: \n , . "
    "o k a f o r may long will young s-m-i-t-h double as in dana's ruth uh um "
    "Okafor, Ada Pt DOB 12 pediatrics metformin"
)
_WORDS = st.sampled_from(_VOCABULARY.split(" "))


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=40), st.sampled_from([" ", "\n", ", "]))
def test_spans_land_on_word_boundaries(words: list[str], sep: str) -> None:
    text = sep.join(words)
    context = Context(known=Known(names=("Ruth Okafor",)))
    for span in RECOGNIZER.find(text, context):
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start].isalnum() and text[span.end - 1].isalnum()
        assert span.start == 0 or not text[span.start - 1].isalnum()
        assert span.end == len(text) or not text[span.end].isalnum()


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[A-Za-z0-9]+", text[start:end])]


@pytest.mark.skipif(not DEV_SET.exists(), reason=f"dev set not found at {DEV_SET}")
def test_dev_set_name_recall_and_false_alarms() -> None:
    """Token recall of gold NAME spans, and non-PHI words touched (score_redaction.py rules)."""
    gold = found = false_alarms = 0
    for line in DEV_SET.read_text("utf-8").splitlines():
        record = json.loads(line)
        text = record["text"]
        mask = _mask(text, Context())
        phi = bytearray(len(text))
        for g in record["spans"]:
            phi[g["start"] : g["end"]] = b"\x01" * (g["end"] - g["start"])
            if g["label"] == "NAME":
                for s, e in _tokens(text, g["start"], g["end"]):
                    gold += 1
                    found += all(mask[g["start"] + s : g["start"] + e])
        for s, e in _tokens(text, 0, len(text)):
            false_alarms += any(mask[s:e]) and not any(phi[s:e])
    assert found / gold >= 0.99, f"NAME token recall {found}/{gold}"
    assert false_alarms <= 5, f"{false_alarms} non-PHI tokens redacted as names"


def test_asks_name_words_cover_every_form() -> None:
    """``ASKS_NAME_WORDS`` is only a speed-up: every form opens with one of them, whole."""
    words = first_words(names_cues.ASKS_NAME.pattern)
    assert not {w for w in words if w.endswith("*")}
    assert words <= set(names_cues.ASKS_NAME_WORDS)


def test_cue_starts_cover_every_cue() -> None:
    """``CUE_STARTS`` is only a speed-up: every cue must open with one of them."""
    uncovered = {
        word
        for word in first_words(names_cues.CUES.pattern)
        if not word.startswith(names_cues.CUE_STARTS)
    }
    assert not uncovered
