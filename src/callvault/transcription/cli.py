"""``callvault transcribe IN [--out OUT.json] [--format F --import FILE]``.

Transcribes a recording with the configured engine, or, with ``--format`` and
``--import``, converts a transcript made elsewhere for that recording (the recording
gives the duration a Twilio transcript needs). Writes
``{"text", "words": [{"w", "start_s", "end_s"}], "timing"}``; a file is written
atomically, so a failure leaves no partial output. Errors never echo transcript text.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from callvault.cli.options import fail
from callvault.errors import CallVaultError
from callvault.fsutil import write_atomically
from callvault.transcription.models import Transcript

ENGINE_ENV = "CALLVAULT_TRANSCRIBER"


def transcribe(
    in_path: Annotated[Path, typer.Argument(help="Recording: WAV, MP3 or Ogg, mono or stereo")],
    out: Annotated[str, typer.Option("--out", help="Output JSON file ('-': stdout)")] = "-",
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="Import instead: whisper, aws, deepgram or twilio"),
    ] = None,
    import_path: Annotated[
        Path | None, typer.Option("--import", help="The transcript file to import")
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", envvar=ENGINE_ENV, help="pocketsphinx or none")
    ] = "pocketsphinx",
) -> None:
    """Transcribe a recording offline, or import its transcript, as word-timed JSON."""
    if (fmt is None) != (import_path is None):
        fail("--format and --import go together")
    try:
        if fmt is not None and import_path is not None:
            transcript = _import(in_path, fmt, import_path)
        else:
            transcript = _transcribe(in_path, engine)
        _write(out, transcript)
    except CallVaultError as exc:
        fail(exc.detail)
    except OSError as exc:
        fail(f"cannot read or write a file: {exc.strerror or type(exc).__name__}")


def _import(in_path: Path, fmt: str, import_path: Path) -> Transcript:
    from callvault.transcription.audio import probe
    from callvault.transcription.importers import parse_import

    duration = probe(in_path).duration_s
    return parse_import(fmt, import_path.read_bytes(), duration)


def _transcribe(in_path: Path, engine: str) -> Transcript:
    from callvault.transcription.factory import create_transcriber

    transcriber = create_transcriber(engine)
    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("transcribing", total=None)

        def progress(done_s: float, total_s: float) -> None:
            bar.update(task, completed=done_s, total=total_s)

        return transcriber.transcribe(in_path, progress)


def _write(out: str, transcript: Transcript) -> None:
    data = json.dumps(transcript.as_dict(), ensure_ascii=False) + "\n"
    if out == "-":
        sys.stdout.write(data)
    else:
        write_atomically(Path(out), data.encode("utf-8"))
