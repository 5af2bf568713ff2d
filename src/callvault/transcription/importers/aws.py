"""Amazon Transcribe (and Transcribe Medical / Call Analytics) batch JSON output.

``results.items[]``: ``type`` ``pronunciation`` (a word, ``start_time``/``end_time`` as
strings of seconds) or ``punctuation`` (no times: glued to the word before it, as it
is written). The first of ``alternatives[]`` is the transcript.

Speakers: with channel identification, ``results.channel_labels.channels[]`` hold
each channel's items (``ch_0`` is the agent, ``ch_1`` the caller: our stereo
convention) and the channels are interleaved by time. With speaker partitioning, an
item's ``speaker_label`` (or, in older output, the matching item of
``results.speaker_labels.segments[].items[]``) becomes the line's tag (``spk_0``).
"""

from __future__ import annotations

import re
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

_SHAPE = Shape("AWS Transcribe")
_CHANNEL_RE = re.compile(r"ch_(\d{1,2})")

Speakers = Mapping[tuple[float, float], str]


def import_aws(data: Any) -> Transcript:
    """The transcript in a parsed Amazon Transcribe output document."""
    doc = _SHAPE.obj(data, "document")
    if doc.get("status", "COMPLETED") != "COMPLETED":
        _SHAPE.fail("status", "is not COMPLETED")
    results = _SHAPE.obj(doc.get("results"), "results")
    if "channel_labels" in results:
        return _by_channel(_SHAPE.obj(results["channel_labels"], "results.channel_labels"))
    speakers = _speakers(results.get("speaker_labels"))
    tagged = _tagged_words(
        _SHAPE.items(results.get("items"), "results.items"), "results.items", speakers
    )
    turns = [Turn(tag, [word]) for tag, word in tagged]  # build_transcript merges a speaker's run
    return build_transcript(turns, Timing.WORD)


def _by_channel(labels: Mapping[str, Any]) -> Transcript:
    path = "results.channel_labels.channels"
    channels = _SHAPE.items(labels.get("channels"), path, non_empty=True)
    streams: dict[str, list[Word]] = {}
    for i, value in enumerate(channels):
        at = f"{path}[{i}]"
        channel = _SHAPE.obj(value, at)
        label = _SHAPE.text(channel.get("channel_label"), f"{at}.channel_label")
        match = _CHANNEL_RE.fullmatch(label)
        if match is None:
            _SHAPE.fail(f"{at}.channel_label", "must be of the form ch_<n>")
        tag = channel_tag(int(match[1]), max(2, len(channels)))
        if tag in streams:
            _SHAPE.fail(f"{at}.channel_label", "repeats another channel's label")
        tagged = _tagged_words(_SHAPE.items(channel.get("items"), f"{at}.items"), f"{at}.items", {})
        streams[tag] = [word for _, word in tagged]
    return build_transcript(interleave(streams), Timing.WORD)


def _tagged_words(items: Sequence[Any], path: str, speakers: Speakers) -> list[tuple[str, Word]]:
    out: list[tuple[str, Word]] = []
    for j, value in enumerate(items):
        at = f"{path}[{j}]"
        item = _SHAPE.obj(value, at)
        kind = item.get("type")
        alternatives = _SHAPE.items(item.get("alternatives"), f"{at}.alternatives", non_empty=True)
        best = _SHAPE.obj(alternatives[0], f"{at}.alternatives[0]")
        content = _SHAPE.text(best.get("content"), f"{at}.alternatives[0].content")
        if kind == "punctuation":
            mark = "".join(content.split())
            if out and mark:  # written as it reads: "Hello," not "Hello ,"
                tag, word = out[-1]
                out[-1] = (tag, Word(word.w + mark, word.start_s, word.end_s))
        elif kind == "pronunciation":
            start = _SHAPE.seconds(item.get("start_time"), f"{at}.start_time")
            end = _SHAPE.seconds(item.get("end_time"), f"{at}.end_time")
            tag = _speaker(item, at, speakers.get((start, end), SPEAKER))
            out += [(tag, word) for word in _SHAPE.words(content, start, end, at)]
        else:
            _SHAPE.fail(f"{at}.type", "must be 'pronunciation' or 'punctuation'")
    return out


def _speaker(item: Mapping[str, Any], path: str, default: str) -> str:
    if "speaker_label" in item:
        return _SHAPE.tag(item["speaker_label"], f"{path}.speaker_label")
    return default


def _speakers(value: Any) -> Speakers:
    """(start, end) -> speaker label from the older ``speaker_labels.segments`` form."""
    if value is None:
        return {}
    path = "results.speaker_labels.segments"
    segments = _SHAPE.items(_SHAPE.obj(value, "results.speaker_labels").get("segments"), path)
    found: dict[tuple[float, float], str] = {}
    for i, segment in enumerate(segments):
        at = f"{path}[{i}].items"
        for j, value_j in enumerate(_SHAPE.items(_SHAPE.obj(segment, at[:-6]).get("items"), at)):
            item = _SHAPE.obj(value_j, f"{at}[{j}]")
            start = _SHAPE.seconds(item.get("start_time"), f"{at}[{j}].start_time")
            end = _SHAPE.seconds(item.get("end_time"), f"{at}[{j}].end_time")
            found[(start, end)] = _SHAPE.tag(item.get("speaker_label"), f"{at}[{j}].speaker_label")
    return found
