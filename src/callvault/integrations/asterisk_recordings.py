"""Finding a CDR's MixMonitor recording and storing it as the call's.

MixMonitor files are named by the dialplan; the convention this follows (FreePBX's
too) ends the name with the channel's ``uniqueid``: ``<anything>-<uniqueid>.wav``.
Matching the whole last ``-`` part, not a substring, keeps ``1733040000.12`` from
taking ``1733040000.123``'s recording.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from callvault.audit.actions import AuditAction
from callvault.blobs.interface import BlobStore
from callvault.calls.objects import RECORDING, CallObjects
from callvault.calls.sniff import SNIFF_BYTES, sniff_audio
from callvault.calls.uploads import WRITE_CHUNK, ObjectTarget, store_object
from callvault.errors import UnsupportedMediaType

AUDIO_SUFFIXES = frozenset({".wav", ".mp3", ".ogg"})


@dataclass(frozen=True)
class RecordingTarget:
    tenant_id: str
    call_id: str
    max_bytes: int


def index_recordings(directory: Path) -> dict[str, Path]:
    """The recordings under ``directory`` (and its dated subdirectories), by uniqueid."""
    found: dict[str, Path] = {}
    for path in sorted(directory.rglob("*")):
        if path.suffix.lower() in AUDIO_SUFFIXES and path.is_file():
            found.setdefault(path.stem.rsplit("-", 1)[-1], path)
    return found


def attach_recording(
    objects: CallObjects, blobs: BlobStore, target: RecordingTarget, path: Path
) -> None:
    """Store the file as the call's recording, through the upload path: encrypted, kept
    as the original, the scrubbing pipeline queued. The format is sniffed, as an
    upload's is; the file name's suffix is not trusted."""
    with path.open("rb") as source:
        head = source.read(SNIFF_BYTES)
        media_type = sniff_audio(head)
        if media_type is None:
            raise UnsupportedMediaType("the recording is not WAV, MP3 or Ogg audio")
        upload = ObjectTarget(
            target.tenant_id, target.call_id, RECORDING, media_type, target.max_bytes,
            AuditAction.RECORDING_UPLOAD,
        )  # fmt: skip
        store_object(objects, blobs, upload, _chunks(head, source))


def _chunks(head: bytes, source: BinaryIO) -> Iterator[bytes]:
    yield head
    while chunk := source.read(WRITE_CHUNK):
        yield chunk
