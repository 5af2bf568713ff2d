"""Scrub a folder of recordings into another, same file names, over worker processes.

Each file is one job; a failed file is reported (name and reason, no content) and
the others go on. Workers are separate processes: detection is CPU-bound numpy.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from callvault.audio.audiofile import BY_EXTENSION
from callvault.audio.errors import AudioError
from callvault.audio.service import scrub_file

AUDIO_SUFFIXES = frozenset(BY_EXTENSION)


@dataclass(frozen=True)
class FileResult:
    name: str
    tones: int = 0
    error: str | None = None


def audio_files(in_dir: Path) -> list[Path]:
    """The audio files directly inside ``in_dir``, by name."""
    return sorted(p for p in in_dir.iterdir() if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES)


def scrub_one(source: Path, out_dir: Path, force_wav: bool) -> FileResult:
    destination = out_dir / (source.with_suffix(".wav").name if force_wav else source.name)
    try:
        report = scrub_file(source, destination, force_wav=force_wav)
    except AudioError as exc:
        return FileResult(source.name, error=exc.detail)
    except OSError as exc:
        return FileResult(source.name, error=f"{source.name}: {type(exc).__name__}")
    return FileResult(source.name, tones=report.tones)


def scrub_dir(
    files: list[Path], out_dir: Path, workers: int, force_wav: bool = False
) -> Iterator[FileResult]:
    """Results as files finish (completion order)."""
    if workers <= 1:
        for source in files:
            yield scrub_one(source, out_dir, force_wav)
        return
    context = multiprocessing.get_context("spawn")  # no forked copies of the caller's state
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(scrub_one, source, out_dir, force_wav) for source in files]
        yield from _results(futures, lambda f: f.result())


def _results(
    futures: list[Future[FileResult]], get: Callable[[Future[FileResult]], FileResult]
) -> Iterator[FileResult]:
    for future in as_completed(futures):
        yield get(future)
