"""The engine scored on the shared synthetic dev set with the shared scorer.

Skips (with a message) when ``../shared/eval`` is absent. The hidden test set is
written differently; these thresholds are the issue's targets, not dev-set tuning.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from callvault.redaction.engine import analyze

EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval"
GOLD = EVAL / "transcripts_dev.jsonl"
SCORER = EVAL / "score_redaction.py"


@pytest.fixture(scope="module")
def metrics() -> dict[str, Any]:
    if not (GOLD.exists() and SCORER.exists()):
        pytest.skip(f"dev set not found at {EVAL}: skipping the dev-set score")
    spec = importlib.util.spec_from_file_location("score_redaction", SCORER)
    assert spec and spec.loader
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    gold = scorer.load_jsonl(str(GOLD))
    preds = [
        {"id": g["id"], "spans": [{"start": s.start, "end": s.end} for s in analyze(g["text"])]}
        for g in gold
    ]
    result: dict[str, Any] = scorer.score(gold, preds)
    return json.loads(json.dumps(result))


def test_overall_targets(metrics: dict[str, Any]) -> None:
    assert metrics["recall"] >= 0.99
    assert metrics["precision"] >= 0.90
    assert metrics["leak"] <= 0.02


def test_every_label_recall(metrics: dict[str, Any]) -> None:
    low = {k: v["recall"] for k, v in metrics["per_label"].items() if v["recall"] < 0.95}
    assert low == {}


def test_non_phi_stays_readable(metrics: dict[str, Any]) -> None:
    assert metrics["over_redaction"] <= 0.01
    assert metrics["non_phi_numbers_redacted"] <= 0.01
