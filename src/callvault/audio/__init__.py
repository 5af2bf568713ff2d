"""Audio scrubbing: keypad tones (DTMF) removed, PHI time ranges bleeped.

- :mod:`.frames`: Goertzel spectra at the DTMF frequencies, all frames of a block at once
- :mod:`.dtmf`: the detector (pure: samples in, :class:`~.dtmf.Tone` spans out)
- :mod:`.edits`: silence and bleep edits on blocks (pure)
- :mod:`.audiofile`: soundfile I/O, truncation checks, atomic output
- :mod:`.service`: :func:`scrub_file`, two streaming passes
- :mod:`.batch`, :mod:`.cli`: ``callvault audio scrub``

Errors are drawn in :mod:`.errors`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from callvault.audio.errors import AudioError, BadAudio, BadRanges, UnsupportedOutput

if TYPE_CHECKING:
    from callvault.audio.dtmf import Tone, detect
    from callvault.audio.service import ScrubReport, scrub_file

# numpy (~0.1 s to import) is loaded with the first of these names asked for, not by
# every process that imports an error class or the CLI: a server, a jobs process with
# no recording to scrub and most CLI commands never need it (tests/test_startup_imports.py).
_LAZY = {"Tone": "dtmf", "detect": "dtmf", "ScrubReport": "service", "scrub_file": "service"}

__all__ = [
    "AudioError",
    "BadAudio",
    "BadRanges",
    "ScrubReport",
    "Tone",
    "UnsupportedOutput",
    "detect",
    "scrub_file",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
