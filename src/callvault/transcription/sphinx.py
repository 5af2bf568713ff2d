"""The built-in transcriber: CMU pocketsphinx with the US English model in its wheel.

Nothing is downloaded and nothing leaves the machine. Each channel is resampled to
16 kHz, cut into pieces of speech (``chunks.py``) and each piece decoded as one
utterance; word times come from the decoder's segmentation (100 frames a second)
plus the piece's start. Stereo calls give agent (channel 0) and caller (channel 1)
turns interleaved by time.

The decoder is loaded once per transcriber (about 0.3 s) and is not thread-safe: a
lock serialises calls, so use one transcriber per worker process.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pocketsphinx import Decoder  # type: ignore[import-untyped]  # no stubs shipped

from callvault.blocking import check_slow_work
from callvault.transcription.audio import AudioInfo, probe, read_16k
from callvault.transcription.chunks import Speech, SpeechChunker
from callvault.transcription.errors import TranscriberUnavailable
from callvault.transcription.interface import Progress
from callvault.transcription.models import (
    Timing,
    Transcript,
    Turn,
    Word,
    build_transcript,
    channel_tag,
)
from callvault.transcription.numbers import NUMBER_SEARCH, NUMBER_WORDS, number_grammar
from callvault.transcription.pronounce import pronounce
from callvault.transcription.resample import TARGET_RATE

# pocketsphinx 5 defaults, measured fast enough (docs/transcription.md: real-time
# factor about 0.2 on one core; narrower beams, -topn 2 or -maxhmmpf 10000 saved a
# fifth of that and lost words), plus dither, which keeps digital silence out of the
# log spectrum: on our synthetic calls it doubled the digits recognised.
DECODER_OPTIONS: Mapping[str, Any] = {
    "loglevel": "FATAL",  # its log lines would carry hypotheses, i.e. PHI
    "dither": True,
    # fixed, and the feature extractor is reset before every piece (``decode``): the
    # dither's random numbers then depend on the piece alone. Without the reset the
    # generator ran on from piece to piece and file to file, so one decoder gave the
    # same file different transcripts, and a second search of a piece (the number
    # grammar) changed what the language model heard in every later piece.
    "seed": 1,
}


KWS_SEARCH = "callvault_names"
DEFAULT_SEARCH = "_default"
# Keyword spotting's detection threshold. On bench/speech_phi.py's 24 name words: 1e-1
# spots 3 (no false alarm), 1e-5 4 (1 false), 1e-10 7 (5 false), 1e-20 floods. Off by
# default (``spot_keywords``): at 1e-10 it put 5 more PHI words in the bench's
# transcripts but bleeped no more PHI audio, and displaced cue words the fail-safe needs.
KWS_THRESHOLD = "1e-10"


class PocketsphinxTranscriber:
    """Offline transcription with pocketsphinx; see the module docstring."""

    def __init__(
        self,
        options: Mapping[str, Any] | None = None,
        max_chunk_s: float = 30.0,
        spot_keywords: bool = False,
        number_words: Sequence[str] | None = NUMBER_WORDS,
    ):
        """``number_words``: the grammar of the second decoding of every piece (a
        number read out, ``numbers.py``); ``None`` skips it. The default grammar about
        doubles the decoding time (docs/transcription.md)."""
        self._spot_keywords = spot_keywords
        self._number_words = tuple(number_words) if number_words is not None else None
        self._options = {**DECODER_OPTIONS, **(options or {}), "samprate": TARGET_RATE}
        self._max_chunk_s = max_chunk_s
        self._decoder: Any = None
        self._lock = threading.Lock()

    def transcribe(self, path: Path, progress: Progress | None = None) -> Transcript:
        """A word-timed transcript of ``path``; see ``Transcriber.transcribe``."""
        return self.transcribe_with_vocabulary(path, (), progress)

    def transcribe_with_vocabulary(
        self, path: Path, vocabulary: Sequence[str], progress: Progress | None = None
    ) -> Transcript:
        """``transcribe``, with ``vocabulary`` (the call's names) known for this file
        alone: on a decoder made for it and dropped after it (the shared decoder never
        learns one call's names), the words its dictionary lacks are added
        (pronunciations by ``pronounce``), and every piece of speech is searched a
        second time for the words by keyword spotting (``KWS_THRESHOLD``; only with
        ``spot_keywords``): a word spotted replaces what the first pass heard there."""
        check_slow_work("transcription")
        info = probe(path)
        with self._lock:
            decoder = self._load()
            spot = self._sayable(decoder, vocabulary)
            spotting = self._spot_keywords and bool(spot)
            if any(phones is not None for _, phones in spot) or spotting:
                decoder = self._decoder_for(spot, path, spotting)
            turns = self._decode_file(decoder, path, info, progress, spotting=spotting)
        turns.sort(key=lambda item: item[0])  # by start time; stable keeps channel order
        numbers = [heard for _, _, heard in turns]
        return build_transcript((turn for _, turn, _ in turns), Timing.WORD, numbers)

    @staticmethod
    def _sayable(decoder: Any, vocabulary: Sequence[str]) -> list[tuple[str, str | None]]:
        """(word, pronunciation to add or None if the dictionary has it) per word."""
        out: list[tuple[str, str | None]] = []
        for word in dict.fromkeys(w.lower() for w in vocabulary):
            if decoder.lookup_word(word) is not None:
                out.append((word, None))
            elif (phones := pronounce(word)) is not None:
                out.append((word, phones))
        return out

    def _decoder_for(self, spot: list[tuple[str, str | None]], path: Path, spotting: bool) -> Any:
        decoder = self._new_decoder()
        added = [(w, p) for w, p in spot if p is not None]
        for k, (word, phones) in enumerate(added):
            decoder.add_word(word, phones, k == len(added) - 1)  # one update for all
        if not spotting:
            return decoder
        # The keyword list is read from a file: a private one beside the input (the
        # pipeline's input is in its 0700 work directory), removed at once.
        fd, name = tempfile.mkstemp(prefix=".kws-", dir=path.parent)
        try:
            with os.fdopen(fd, "w") as out:
                out.writelines(f"{word} /{KWS_THRESHOLD}/\n" for word, _ in spot)
            decoder.add_kws(KWS_SEARCH, name)
        finally:
            os.unlink(name)
        return decoder

    def _load(self) -> Any:
        if self._decoder is None:
            self._decoder = self._new_decoder()
        return self._decoder

    def _new_decoder(self) -> Any:
        try:
            decoder = Decoder(**self._options)
            if self._number_words is not None:
                decoder.add_jsgf_string(NUMBER_SEARCH, number_grammar(self._number_words))
        except (RuntimeError, ValueError) as exc:
            raise TranscriberUnavailable("the pocketsphinx model could not be loaded") from exc
        return decoder

    def _decode_file(
        self,
        decoder: Any,
        path: Path,
        info: AudioInfo,
        progress: Progress | None,
        spotting: bool = False,
    ) -> list[tuple[float, Turn, list[Word]]]:
        chunkers = [SpeechChunker(self._max_chunk_s) for _ in range(info.channels)]
        turns: list[tuple[float, Turn, list[Word]]] = []
        for pcm, done_s in read_16k(path, info):
            for channel, chunker in enumerate(chunkers):
                for speech in chunker.push(pcm[:, channel]):
                    turns.append(self._turn(decoder, speech, channel, info.channels, spotting))
            if progress is not None:
                progress(min(done_s, info.duration_s), info.duration_s)
        for channel, chunker in enumerate(chunkers):
            for speech in chunker.flush():
                turns.append(self._turn(decoder, speech, channel, info.channels, spotting))
        return turns

    def _turn(
        self, decoder: Any, speech: Speech, channel: int, channels: int, spotting: bool = False
    ) -> tuple[float, Turn, list[Word]]:
        words = decode(decoder, speech)
        if spotting:
            words = merge_spotted(words, _decode_with(decoder, KWS_SEARCH, speech))
        numbers = []
        if self._number_words is not None:
            numbers = _decode_with(decoder, NUMBER_SEARCH, speech)
        return speech.start_s, Turn(channel_tag(channel, channels), words), numbers


def _decode_with(decoder: Any, search: str, speech: Speech) -> list[Word]:
    """``decode`` with another of the decoder's searches, then back to the default."""
    decoder.activate_search(search)
    try:
        return decode(decoder, speech)
    finally:
        decoder.activate_search(DEFAULT_SEARCH)


def merge_spotted(heard: list[Word], spotted: list[Word]) -> list[Word]:
    """``heard`` with each spotted word in place of the words whose middle falls in it."""
    if not spotted:
        return heard
    kept = [
        w
        for w in heard
        if not any(s.start_s <= (w.start_s + w.end_s) / 2 <= s.end_s for s in spotted)
    ]
    return sorted([*kept, *spotted], key=lambda w: w.start_s)


def decode(decoder: Any, speech: Speech) -> list[Word]:
    """The words of one piece of speech, with times in the file."""
    decoder.reinit_feat()  # dither from its seed again: see DECODER_OPTIONS
    decoder.start_utt()
    decoder.process_raw(speech.pcm.tobytes(), False, True)  # no_search=False, full_utt=True
    decoder.end_utt()
    frate = float(decoder.config["frate"])
    words = []
    for seg in decoder.seg() or ():  # None when keyword spotting found nothing
        token = _token(seg.word.strip())  # a spotted keyword may carry a space
        if token:
            start = speech.start_s + seg.start_frame / frate
            end = speech.start_s + (seg.end_frame + 1) / frate
            posterior = min(max(float(seg.prob), 0.0), 1.0)  # pocketsphinx 5: linear
            words.append(Word(token, start, min(end, speech.end_s), posterior))
    return words


def _token(word: str) -> str:
    """The dictionary word without its variant mark ("the(2)"); fillers are dropped."""
    if word[:1] in ("<", "[", "+"):  # <s>, </s>, <sil>, [NOISE], [SPEECH], ++GARBAGE++
        return ""
    return word.split("(", 1)[0]
