"""``callvault audio``: scrub keypad tones (and bleep PHI ranges) from recordings.

    callvault audio scrub IN OUT [--redact-ranges RANGES.json] [--wav]
    callvault audio scrub --in-dir DIR --out-dir DIR [--workers N] [--wav]

Exit status 0 on success, 2 for a bad invocation or when any file failed (nothing is
written for a failed file). Messages name files, never their content.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from callvault.audio.errors import AudioError

audio_app = typer.Typer(help="Scrub keypad tones and PHI from recordings.", no_args_is_help=True)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@audio_app.command("scrub")
def scrub(
    in_path: Annotated[
        Path | None, typer.Argument(help="Input recording", show_default=False)
    ] = None,
    out_path: Annotated[
        Path | None, typer.Argument(help="Output recording", show_default=False)
    ] = None,
    redact_ranges: Annotated[
        Path | None,
        typer.Option(
            "--redact-ranges", help="JSON [[start_s, end_s], ...] to bleep", show_default=False
        ),
    ] = None,
    in_dir: Annotated[Path | None, typer.Option("--in-dir", help="Batch: input folder")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out-dir", help="Batch: output folder")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Batch: processes")] = 1,
    wav: Annotated[bool, typer.Option("--wav", help="Write WAV whatever the input format")] = False,
) -> None:
    """Silence DTMF keypad tones (and bleep --redact-ranges); keep everything else."""
    if in_dir is not None or out_dir is not None:
        if in_path is not None or out_path is not None or redact_ranges is not None:
            _fail("give either IN OUT [--redact-ranges] or --in-dir and --out-dir")
        if in_dir is None or out_dir is None:
            _fail("batch mode needs both --in-dir and --out-dir")
        _scrub_dir(in_dir, out_dir, workers, wav)  # type: ignore[arg-type]  # checked above
    elif in_path is None or out_path is None:
        _fail("give IN and OUT (or --in-dir and --out-dir)")
    else:
        _scrub_single(in_path, out_path, redact_ranges, wav)


def _scrub_single(in_path: Path, out_path: Path, ranges_path: Path | None, wav: bool) -> None:
    from callvault.audio.ranges import load_ranges
    from callvault.audio.service import scrub_file

    try:
        ranges = load_ranges(ranges_path) if ranges_path is not None else []
        report = scrub_file(in_path, out_path, ranges, force_wav=wav)
    except AudioError as exc:
        _fail(exc.detail)
    except OSError as exc:
        _fail(f"{in_path.name}: {exc.strerror or type(exc).__name__}")
    typer.echo(
        f"{out_path.name}: {report.tones} keypad tones removed,"
        f" {report.bleeped_ranges} ranges bleeped"
    )


def _scrub_dir(in_dir: Path, out_dir: Path, workers: int, wav: bool) -> None:
    from callvault.audio.batch import audio_files, scrub_dir

    if not in_dir.is_dir():
        _fail(f"{in_dir} is not a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    if in_dir.resolve() == out_dir.resolve():
        _fail("--out-dir must differ from --in-dir")
    files = audio_files(in_dir)
    failed = tones = 0
    with Progress(transient=True) as progress:
        task = progress.add_task("scrubbing", total=len(files))
        for result in scrub_dir(files, out_dir, workers, wav):
            progress.advance(task)
            if result.error is not None:
                failed += 1
                progress.console.print(f"error: {result.error}", style="red", highlight=False)
            tones += result.tones
    typer.echo(
        f"{len(files) - failed} of {len(files)} files scrubbed, {tones} keypad tones removed"
    )
    if failed:
        raise typer.Exit(2)
