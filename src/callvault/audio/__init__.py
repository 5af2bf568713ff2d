"""Audio scrubbing: keypad tones (DTMF) removed, PHI time ranges bleeped.

- :mod:`.frames`: Goertzel spectra at the DTMF frequencies, all frames of a block at once
- :mod:`.dtmf`: the detector (pure: samples in, :class:`~.dtmf.Tone` spans out)
- :mod:`.edits`: silence and bleep edits on blocks (pure)
- :mod:`.audiofile`: soundfile I/O, truncation checks, atomic output
- :mod:`.service`: :func:`scrub_file`, two streaming passes
- :mod:`.batch`, :mod:`.cli`: ``callvault audio scrub``

Errors are drawn in :mod:`.errors`.
"""

from callvault.audio.dtmf import Tone, detect
from callvault.audio.errors import AudioError, BadAudio, BadRanges, UnsupportedOutput
from callvault.audio.service import ScrubReport, scrub_file

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
