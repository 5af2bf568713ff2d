"""MedicalRecognizer (opt-in mode): conditions, medications, procedures, and its recall.

The recall table is synthetic and written apart from the term list, on purpose in other
spellings (brand names, plurals, "x ray", capitals), so its figure says something.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callvault.redaction.medical import MedicalRecognizer, medical_terms
from callvault.redaction.names import NameRecognizer
from callvault.redaction.spans import Context, Label

RECOGNIZER = MedicalRecognizer()
DEV_SET = Path(__file__).resolve().parents[3] / "shared" / "eval" / "transcripts_dev.jsonl"

# (text, the term, its label)
RECALL_TABLE = [
    ("caller: i need a refill on my metformin", "metformin", Label.MEDICATION),
    ("caller: i'm out of lipitor", "lipitor", Label.MEDICATION),
    ("Patient: Can I get more Zoloft?", "Zoloft", Label.MEDICATION),
    ("caller: the doctor put me on eliquis", "eliquis", Label.MEDICATION),
    ("caller: i take ibuprofen for it", "ibuprofen", Label.MEDICATION),
    ("note: pt on warfarin, INR due", "warfarin", Label.MEDICATION),
    ("caller: my son uses an albuterol inhaler", "albuterol", Label.MEDICATION),
    ("caller: is ozempic covered", "ozempic", Label.MEDICATION),
    ("caller: she takes folic acid every day", "folic acid", Label.MEDICATION),
    ("caller: the gabapentin makes me dizzy", "gabapentin", Label.MEDICATION),
    ("note: Rx prednisone taper sent", "prednisone", Label.MEDICATION),
    ("caller: can i take tylenol with that", "tylenol", Label.MEDICATION),
    ("caller: i was diagnosed with type two diabetes", "type two diabetes", Label.CONDITION),
    ("caller: my blood pressure, i have hypertension", "hypertension", Label.CONDITION),
    ("caller: he has really bad migraines", "migraines", Label.CONDITION),
    ("Patient: I have COPD and asthma.", "COPD", Label.CONDITION),
    ("caller: my mother has dementia", "dementia", Label.CONDITION),
    (
        "caller: they think it's a urinary tract infection",
        "urinary tract infection",
        Label.CONDITION,
    ),
    ("caller: i've been dealing with depression and anxiety", "depression", Label.CONDITION),
    ("caller: my wife had a heart attack last year", "heart attack", Label.CONDITION),
    ("caller: i have sleep apnea", "sleep apnea", Label.CONDITION),
    ("note: hx of atrial fibrillation", "atrial fibrillation", Label.CONDITION),
    ("caller: my knee, it's osteoarthritis", "osteoarthritis", Label.CONDITION),
    ("caller: she's pregnant and spotting", "pregnant", Label.CONDITION),
    ("caller: i tested positive for covid", "covid", Label.CONDITION),
    ("caller: the results said prediabetes", "prediabetes", Label.CONDITION),
    ("caller: i need to schedule my colonoscopy", "colonoscopy", Label.PROCEDURE),
    ("caller: when can i get the mri", "mri", Label.PROCEDURE),
    ("caller: they want an x ray of my wrist", "x ray", Label.PROCEDURE),
    ("Patient: My mammogram is overdue.", "mammogram", Label.PROCEDURE),
    ("caller: he's having a knee replacement", "knee replacement", Label.PROCEDURE),
    ("caller: i start chemo next week", "chemo", Label.PROCEDURE),
    ("caller: she had a c section in march", "c section", Label.PROCEDURE),
    ("caller: the biopsy results came back", "biopsy", Label.PROCEDURE),
    ("caller: do i need to fast for the ct scan", "ct scan", Label.PROCEDURE),
    ("caller: i have physical therapy on tuesday", "physical therapy", Label.PROCEDURE),
    ("caller: my dad got two stents put in", "stents", Label.PROCEDURE),
    ("caller: the echocardiogram was fine", "echocardiogram", Label.PROCEDURE),
    ("caller: they're doing an ultrasound", "ultrasound", Label.PROCEDURE),
    ("caller: i had my gallbladder removal surgery", "gallbladder removal", Label.PROCEDURE),
]
RECALL_TARGET = 0.95


def _found(text: str, term: str) -> tuple[bool, Label | None]:
    start = text.index(term)
    for span in RECOGNIZER.find(text, Context()):
        if span.start <= start and start + len(term) <= span.end:
            return True, span.label
    return False, None


def test_recall_on_synthetic_table() -> None:
    hits = sum(_found(text, term)[0] for text, term, _ in RECALL_TABLE)
    assert hits / len(RECALL_TABLE) >= RECALL_TARGET, f"medical recall {hits}/{len(RECALL_TABLE)}"


@pytest.mark.parametrize(
    ("text", "term", "label"), RECALL_TABLE, ids=[t for _, t, _ in RECALL_TABLE]
)
def test_labels(text: str, term: str, label: Label) -> None:
    found, got = _found(text, term)
    if found:
        assert got is label


@pytest.mark.parametrize(
    "text",
    [
        "caller: i need to take a break",
        "caller: two tablets twice a day",
        "caller: my hearing aids are broken",
        "caller: can you scan the card",
        "caller: i'm in a rush today",
    ],
    ids=["break", "dose", "aids", "scan", "rush"],
)
def test_non_matches(text: str) -> None:
    assert RECOGNIZER.find(text, Context()) == []


def test_terms_are_lower_case_and_labelled() -> None:
    terms = medical_terms()
    assert len(terms) > 300
    assert all(t == t.lower() and t.strip() == t for t in terms)
    assert {Label.MEDICATION, Label.CONDITION, Label.PROCEDURE} == set(terms.values())


@pytest.mark.skipif(not DEV_SET.exists(), reason=f"dev set not found at {DEV_SET}")
def test_dev_medications_found_in_medical_mode_only() -> None:
    """The dev set's MEDICATION negatives: found here, untouched by the default names."""
    names = NameRecognizer()
    total = found = touched = 0
    for line in DEV_SET.read_text("utf-8").splitlines():
        record = json.loads(line)
        text = record["text"]
        meds = [(n["start"], n["end"]) for n in record["negatives"] if n["kind"] == "MEDICATION"]
        if not meds:
            continue
        medical = RECOGNIZER.find(text, Context())
        default = names.find(text, Context())
        for start, end in meds:
            total += 1
            found += any(s.start <= start and end <= s.end for s in medical)
            touched += any(s.start < end and start < s.end for s in default)
    assert found / total >= 0.95, f"medication recall {found}/{total}"
    assert touched == 0
