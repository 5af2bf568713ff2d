"""Deepgram pre-recorded ``/v1/listen`` JSON response.

``results.channels[c].alternatives[0].words[]`` (``word``, ``start``, ``end``, and with
the options that add them ``punctuated_word`` and ``speaker``). The punctuated form is
used when present: it is what the vendor's own transcript reads.

Speakers: with several channels (``multichannel=true``) channel 0 is the agent and
channel 1 the caller, interleaved by time; on one channel, diarized words
(``speaker``) become ``speaker_<n>`` lines. When ``results.utterances[]`` is present
(``utterances=true``) each utterance is a turn, in order of its start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from callvault.transcription.importers._shape import Shape, interleave
from callvault.transcription.models import (
    SPEAKER,
    Timing,
    Transcript,
    Turn,
    Word,
    build_transcript,
    channel_tag,
)

_SHAPE = Shape("Deepgram")


def import_deepgram(data: Any) -> Transcript:
    """The transcript in a parsed Deepgram response."""
    results = _SHAPE.obj(_SHAPE.obj(data, "document").get("results"), "results")
    channels = _SHAPE.items(results.get("channels"), "results.channels", non_empty=True)
    if results.get("utterances"):
        path = "results.utterances"
        utterances = _SHAPE.items(results["utterances"], path)
        return build_transcript(_utterances(utterances, path, len(channels)), Timing.WORD)
    tagged: list[tuple[str, Word]] = []
    for c, value in enumerate(channels):
        path = f"results.channels[{c}].alternatives"
        channel = _SHAPE.obj(value, f"results.channels[{c}]")
        alternatives = _SHAPE.items(channel.get("alternatives"), path, non_empty=True)
        best = _SHAPE.obj(alternatives[0], f"{path}[0]")
        tagged += _words(best.get("words"), f"{path}[0].words", c, len(channels))
    if len(channels) == 1:  # a turn per word: build_transcript merges a speaker's run
        return build_transcript([Turn(tag, [w]) for tag, w in tagged], Timing.WORD)
    streams: dict[str, list[Word]] = {}
    for tag, word in tagged:
        streams.setdefault(tag, []).append(word)
    return build_transcript(interleave(streams), Timing.WORD)


def _utterances(utterances: Sequence[Any], path: str, channels: int) -> list[Turn]:
    turns: list[tuple[float, Turn]] = []
    for i, value in enumerate(utterances):
        at = f"{path}[{i}]"
        utterance = _SHAPE.obj(value, at)
        start = _SHAPE.seconds(utterance.get("start"), f"{at}.start")
        channel = _SHAPE.index(utterance.get("channel", 0), f"{at}.channel")
        if channel >= channels:
            _SHAPE.fail(f"{at}.channel", "names a channel the response does not have")
        tagged = _words(utterance.get("words"), f"{at}.words", channel, channels)
        tag = tagged[0][0] if tagged else SPEAKER
        turns.append((start, Turn(tag, [word for _, word in tagged])))
    turns.sort(key=lambda t: t[0])
    return [turn for _, turn in turns]


def _words(value: Any, path: str, channel: int, channels: int) -> list[tuple[str, Word]]:
    out: list[tuple[str, Word]] = []
    for j, item in enumerate(_SHAPE.items(value, path)):
        at = f"{path}[{j}]"
        word = _SHAPE.obj(item, at)
        text = _SHAPE.text(word.get("punctuated_word", word.get("word")), f"{at}.word")
        start = _SHAPE.seconds(word.get("start"), f"{at}.start")
        end = _SHAPE.seconds(word.get("end"), f"{at}.end")
        tag = _tag(word, at, channel, channels)
        out += [(tag, w) for w in _SHAPE.words(text, start, end, at)]
    return out


def _tag(word: Mapping[str, Any], path: str, channel: int, channels: int) -> str:
    if channels > 1:
        return channel_tag(channel, channels)
    if "speaker" in word:
        return f"speaker_{_SHAPE.index(word['speaker'], f'{path}.speaker')}"
    return SPEAKER
