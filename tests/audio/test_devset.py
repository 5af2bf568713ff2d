"""The dev set (../shared/eval/dtmf_dev): scrub every file, score with its scorer."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf  # type: ignore[import-untyped]  # publishes no type hints

from callvault.audio.batch import audio_files, scrub_dir
from tests.audio import _synth as s

DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dtmf_dev"
SCORER_DEPS = os.environ.get("CALLVAULT_SCORER_PYTHONPATH", "/tmp/scorer-deps")


def _scorer_env() -> dict[str, str] | None:
    """PYTHONPATH with scipy for the scorer (kept out of the project's venv)."""
    env = dict(os.environ, PYTHONPATH=SCORER_DEPS)
    probe = subprocess.run(
        [sys.executable, "-c", "import scipy"], env=env, capture_output=True, check=False
    )
    if probe.returncode == 0 or importlib.util.find_spec("scipy") is not None:
        return env
    return None


@pytest.mark.slow
def test_devset_zero_leaks(tmp_path: Path) -> None:
    if not (DEV / "score_dtmf.py").exists():
        pytest.skip(f"dev set not found at {DEV}")
    if not s.have_decoder():
        pytest.skip("multimon-ng and sox (Debian packages) are not installed")
    env = _scorer_env()
    if env is None:
        pytest.skip(f"scipy not importable (pip install --target {SCORER_DEPS} scipy)")
    results = list(scrub_dir(audio_files(DEV / "wav"), tmp_path, workers=2))
    assert [r.error for r in results if r.error] == []
    report = tmp_path / "score.json"
    run = subprocess.run(
        [sys.executable, str(DEV / "score_dtmf.py"), str(tmp_path), "--json", str(report)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    last = run.stdout.strip().splitlines()[-1]
    scored = json.loads(report.read_text())
    leaks = [f["file"] for f in scored["files"] if max(f["mm_leak"], f["gz_leak"]) > 0]
    # sox dithers when it resamples for multimon-ng, so on hold music the decoder's own
    # talk-off count wobbles by one: a bit-identical copy is not a leak we made
    assert [name for name in leaks if not _identical(DEV / "wav" / name, tmp_path / name)] == [], (
        last
    )
    assert scored["preserved_snr_db_min"] >= 30, last


def _identical(a: Path, b: Path) -> bool:
    return bool(
        np.array_equal(sf.read(str(a), dtype="int32")[0], sf.read(str(b), dtype="int32")[0])
    )
