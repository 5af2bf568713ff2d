"""The shared dev set (``../shared/eval/transcripts_dev.jsonl``), read as it is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

NAME = "shared_dev"
PATH = Path(__file__).resolve().parents[3] / "shared" / "eval" / "transcripts_dev.jsonl"


def available() -> bool:
    return PATH.exists()


def load() -> list[dict[str, Any]]:
    with PATH.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
