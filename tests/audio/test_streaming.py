"""Memory stays flat: both passes read bounded blocks, never the whole file."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf  # type: ignore[import-untyped]  # publishes no type hints

from callvault.audio import audiofile, service
from tests.audio import _synth as s


@pytest.mark.slow
def test_long_file_flat_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rate, minutes = 8000, 10
    src = tmp_path / "long.wav"
    rng = np.random.default_rng(0)
    with sf.SoundFile(str(src), "w", rate, 1, "PCM_16") as handle:  # written in pieces too
        for _ in range(minutes * 6):
            x = rng.normal(0, 0.01, 10 * rate)
            s.place(x, s.tone("5", 0.08, rate), 4.0, rate)
            handle.write(x)
    biggest = [0]
    real = audiofile.read_blocks

    def watched(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        for start, block in real(*args, **kwargs):  # type: ignore[arg-type]
            biggest[0] = max(biggest[0], len(block))
            yield start, block

    monkeypatch.setattr(service, "read_blocks", watched)
    tracemalloc.start()
    report = service.scrub_file(src, tmp_path / "out.wav")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert report.tones == minutes * 6
    assert biggest[0] <= 5 * rate  # 4 s blocks (+ 0.6 s overlap), never the file
    assert peak < 8 * 2**20  # the file is 9.6 MB as int16, 38 MB as float64
