"""One job's work: decrypt the original privately, transcribe and redact if needed,
scrub, store the scrubbed recording. Every PHI read and write goes through
``CallService`` (writes through its ``objects``) as the pipeline's service principal, so
each is audited (fail closed: an audit write that fails aborts the step, and the job is
retried). The job itself (claim, lease) is ``callvault.jobs``'s."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from callvault.audio.errors import UnsupportedOutput
from callvault.audio.ranges import TimeRange
from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import RequestInfo
from callvault.authz.permissions import Permission
from callvault.authz.principal import Principal
from callvault.authz.roles import Policy
from callvault.blobs.interface import BlobStore
from callvault.calls.consent_service import RecordingConsent
from callvault.calls.models import StoredObject
from callvault.calls.objects import RECORDING, RECORDING_ORIGINAL, TRANSCRIPT
from callvault.calls.schemas import TranscriptIn
from callvault.calls.service import CallService
from callvault.calls.transcripts import RedactedTranscript
from callvault.calls.uploads import ObjectTarget, store_transcript, write_object
from callvault.crypto.keyprovider import RootKeyProvider
from callvault.crypto.keyring import Keyring
from callvault.crypto.models import DataKey
from callvault.jobs.service import Claim, LeaseLost
from callvault.pipeline.speech import SpeechPlan, plan_speech
from callvault.transcription.interface import Progress, Transcriber, VocabularyTranscriber
from callvault.transcription.pronounce import name_words

ACTOR_TYPE = "service"
ACTOR_ID = "pipeline"
PIPELINE_PERMISSIONS = frozenset(
    {
        Permission.RECORDING_PLAY_UNREDACTED,
        Permission.RECORDING_UPLOAD,
        Permission.TRANSCRIPT_READ,
        Permission.TRANSCRIPT_UPLOAD,
    }
)
SUFFIXES = {"audio/wav": ".wav", "audio/mpeg": ".mp3", "audio/ogg": ".ogg"}
MEDIA_TYPES = {suffix: media for media, suffix in SUFFIXES.items()}
MAX_SCRUBBED_BYTES = 1 << 40  # a scrub is made here, not sent: no client to limit
READ_CHUNK = 1024 * 1024


class Superseded(Exception):  # an outcome: a newer upload took over
    """The call's original is no longer the one this job was queued for."""


@dataclass(frozen=True)
class StepContext:
    sessions: sessionmaker[Session]
    blobs: BlobStore
    root_key: RootKeyProvider
    data_dir: Path
    transcriber: Callable[[], Transcriber]
    heartbeat: Callable[[], None]


def pipeline_principal(tenant_id: str) -> Principal:
    """The service actor every pipeline read and write is audited as."""
    policy = Policy(allow=PIPELINE_PERMISSIONS)
    return Principal(tenant_id, ACTOR_TYPE, ACTOR_ID, (ACTOR_ID,), policy)


def process(ctx: StepContext, claim: Claim) -> str | None:
    """transcribe (if the call has no transcript) -> redact -> scrub -> store. The
    reason to hold the call for review (``callvault.pipeline.speech.review_reason``),
    or None: the scrub is stored either way."""
    with ctx.sessions() as session, private_workdir(ctx.data_dir) as work:
        actor = ServiceContext(
            session,
            pipeline_principal(claim.tenant_id),
            RequestInfo(user_agent="callvault-pipeline", request_id=f"job-{claim.job_id}"),
            Keyring(session, ctx.root_key),
        )
        calls = CallService(actor, ctx.blobs)
        original, media_type = decrypt_original(calls, claim, work)
        queued = claim
        original, media_type, claim = cut_pauses(
            calls, RecordingConsent(actor, ctx.blobs), claim, work, (original, media_type)
        )
        ranges, review = transcript_ranges(ctx, calls, claim, original, claim != queued)
        ctx.heartbeat()
        scrubbed = scrub(original, work, media_type, ranges)
        ctx.heartbeat()
        store_scrubbed(calls, claim, scrubbed)
        return review


WORKDIR_PREFIX = "pipeline-"
IN_USE = ".in-use"  # flock-ed by the process working in the directory
MARKERLESS_GRACE_SECONDS = 60.0  # a directory made this recently may be getting its marker


@contextmanager
def private_workdir(data_dir: Path) -> Iterator[Path]:
    """A fresh 0700 directory under ``<data dir>/tmp`` (never the shared /tmp), removed
    with everything in it when the block ends, however it ends; and if the process
    dies first (kill -9, power loss), by the next job or jobs process on this host."""
    base = workdir_base(data_dir)
    remove_abandoned_workdirs(base)
    work = Path(tempfile.mkdtemp(prefix=WORKDIR_PREFIX, dir=base))  # mkdtemp: mode 0700
    marker = os.open(work / IN_USE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        fcntl.flock(marker, fcntl.LOCK_EX)
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)
        os.close(marker)


def workdir_base(data_dir: Path) -> Path:
    base = data_dir / "tmp"
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    return base


def remove_abandoned_workdirs(base: Path) -> int:
    """Remove the work directories whose process died: they still hold a decrypted
    original. A live one holds the lock on its marker (told apart that way, not by
    pid, which the system reuses); the lock goes with its process, however it ends."""
    removed = 0
    for work in base.glob(WORKDIR_PREFIX + "*"):
        if _abandoned(work):
            shutil.rmtree(work, ignore_errors=True)
            removed += 1
    return removed


def _abandoned(work: Path) -> bool:
    try:
        marker = os.open(work / IN_USE, os.O_RDONLY)
    except FileNotFoundError:  # not marked yet, or a crash before the marker
        try:
            return time.time() - work.stat().st_mtime > MARKERLESS_GRACE_SECONDS
        except FileNotFoundError:
            return False
    try:
        fcntl.flock(marker, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # its process is working in it
    finally:
        os.close(marker)  # closing drops a lock taken through this descriptor
    return True


def decrypt_original(calls: CallService, claim: Claim, work: Path) -> tuple[Path, str]:
    """The original, decrypted to a 0600 file (audited as an unredacted play)."""
    opened = calls.open_object(
        claim.call_id, RECORDING_ORIGINAL, AuditAction.RECORDING_PLAY_UNREDACTED
    )
    if opened.object_id != claim.recording_id:
        raise Superseded("a newer recording was uploaded")
    path = work / ("original" + SUFFIXES.get(opened.media_type, ".wav"))
    write_private(path, opened.blob.iter_plaintext())
    return path, opened.media_type


def write_private(path: Path, chunks: Iterable[bytes]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in chunks:
            out.write(chunk)


def transcript_ranges(
    ctx: StepContext, calls: CallService, claim: Claim, original: Path, recut: bool = False
) -> tuple[list[TimeRange], str | None]:
    """The stretches to bleep, and why to hold the call for review (or None): from the
    call's transcript, or from a new one made, redacted and stored here. An uploaded
    transcript without word timings cannot say where its PHI was spoken, so the audio
    is transcribed for timings (and only its ranges are used; the uploaded transcript
    stays the call's). A transcript this pipeline made and stored keeps its fail-safe
    ranges and its review reason, so a retried job decides the same, unless ``recut``:
    recording pauses were just cut from the original, and a transcript made from the
    audio before may hold what was said in them, so it is made again (and replaced)."""
    seen = None
    if TRANSCRIPT in calls.objects.kinds(claim.call_id):
        seen = stored_transcript(calls, claim.call_id)
        if not (recut and seen.made_from_audio):
            if seen.ranges is not None:
                return seen.ranges, seen.review
            plan = _plan_from_audio(ctx, calls, claim, original)
            return list(plan.ranges), plan.review_reason
    plan = _plan_from_audio(ctx, calls, claim, original)
    current = calls.objects.object_id(claim.call_id, TRANSCRIPT)
    if current is not None and current != (seen.object_id if seen else None):
        return stored_transcript(calls, claim.call_id).ranges or [], None  # uploaded: it wins
    redacted = from_audio(plan.redacted)
    store_transcript(
        calls.objects, ctx.blobs, claim.tenant_id, claim.call_id, redacted, rescrub=False
    )
    return list(plan.ranges), plan.review_reason


@dataclass(frozen=True)
class StoredTranscript:
    object_id: str
    ranges: list[TimeRange] | None  # None without word timings
    review: str | None  # the review reason the pipeline stored with it (``audio_review``)
    made_from_audio: bool  # by this pipeline (``MADE_FROM_AUDIO``)


# The key of a transcript document the pipeline made from the recording itself.
MADE_FROM_AUDIO = "made_from_audio"


def stored_transcript(calls: CallService, call_id: str) -> StoredTranscript:
    """What the pipeline needs of the call's transcript, read (audited as a transcript
    read) once."""
    opened = calls.open_object(call_id, TRANSCRIPT, AuditAction.TRANSCRIPT_READ)
    stored = json.loads(b"".join(opened.blob.iter_plaintext()))
    review = stored.get("audio_review")
    ranges = stored.get("redacted_time_ranges")
    return StoredTranscript(
        opened.object_id,
        None if ranges is None else [(float(start), float(end)) for start, end in ranges],
        review if isinstance(review, str) else None,
        stored.get(MADE_FROM_AUDIO) is True,
    )


def from_audio(redacted: RedactedTranscript) -> RedactedTranscript:
    """The transcript document marked as made by this pipeline from the recording."""
    document = json.loads(redacted.redacted)
    document[MADE_FROM_AUDIO] = True
    return replace(redacted, redacted=json.dumps(document, ensure_ascii=False).encode())


def _plan_from_audio(
    ctx: StepContext, calls: CallService, claim: Claim, original: Path
) -> SpeechPlan:
    """Transcribe (telling a transcriber that can take them the call record's names,
    which its dictionary may lack) and plan the scrub. A transcriber's output asks for
    no extra known values, so the setup read before transcribing is the one to use."""
    setup = calls.redaction_setup(claim.call_id, TranscriptIn.model_validate({"text": ""}))
    transcriber = ctx.transcriber()
    progress: Progress = lambda _d, _t: ctx.heartbeat()  # noqa: E731
    if isinstance(transcriber, VocabularyTranscriber):
        vocabulary = name_words(list(setup.known.names))
        transcript = transcriber.transcribe_with_vocabulary(original, vocabulary, progress)
    else:
        transcript = transcriber.transcribe(original, progress=progress)
    return plan_speech(transcript, setup)


def cut_pauses(
    calls: CallService,
    consent: RecordingConsent,
    claim: Claim,
    work: Path,
    original: tuple[Path, str],
) -> tuple[Path, str, Claim]:
    """The original with the call's recording pauses silenced, stored as the call's
    original in place of the one that held them (crypto-shredded), before anything
    reads it: what the caller did not consent to is neither transcribed nor kept. The
    claim follows the new original. Unchanged if no pause is left to cut."""
    from callvault.audio.service import silence_file  # numpy: loaded with the first recording

    path, media_type = original
    pending = consent.pending_pauses(claim.call_id, claim.recording_id)
    if pending is None:
        return path, media_type, claim
    silenced = in_format(
        work, "silenced", media_type, lambda out, wav: silence_file(path, out, pending.pauses, wav)
    )
    action = AuditAction.RECORDING_PAUSES_APPLY
    stored, data_key = write_file(calls, claim, RECORDING_ORIGINAL, action, silenced)
    with deleted_on_failure(calls, stored.blob_key):
        calls.objects.replace_paused_original(stored, data_key, claim, pending.stored)
    return silenced, stored.media_type, replace(claim, recording_id=stored.id)


def scrub(original: Path, work: Path, media_type: str, ranges: list[TimeRange]) -> Path:
    """Tones silenced, ``ranges`` bleeped; in the input's format, else WAV."""
    from callvault.audio.service import scrub_file  # numpy: loaded with the first recording

    return in_format(
        work, "scrubbed", media_type, lambda out, wav: scrub_file(original, out, ranges, wav)
    )


def in_format(
    work: Path, stem: str, media_type: str, write: Callable[[Path, bool], object]
) -> Path:
    """``write(path, force_wav)`` to ``work/stem`` in ``media_type``'s format where
    libsndfile can write it, else as WAV; the path written."""
    destination = work / (stem + SUFFIXES.get(media_type, ".wav"))
    try:
        write(destination, False)
    except UnsupportedOutput:
        destination = work / (stem + ".wav")
        write(destination, True)
    return destination


def store_scrubbed(calls: CallService, claim: Claim, path: Path) -> None:
    action = AuditAction.RECORDING_UPLOAD
    stored, data_key = write_file(calls, claim, RECORDING, action, path)
    with deleted_on_failure(calls, stored.blob_key):
        calls.objects.replace_scrubbed(stored, data_key, claim)


def write_file(
    calls: CallService, claim: Claim, kind: str, action: AuditAction, path: Path
) -> tuple[StoredObject, DataKey]:
    """The file encrypted into a new blob for the call's ``kind`` (not visible yet)."""
    media_type = MEDIA_TYPES[path.suffix]
    target = ObjectTarget(
        claim.tenant_id, claim.call_id, kind, media_type, MAX_SCRUBBED_BYTES, action
    )
    return write_object(calls.objects, calls.blobs, target, _chunks(path))


@contextmanager
def deleted_on_failure(calls: CallService, blob_key: str) -> Iterator[None]:
    """A blob no row made visible is deleted if the block fails."""
    try:
        yield
    except BaseException:
        calls.blobs.delete(blob_key)
        raise


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            yield chunk


class Heartbeat:
    """Renews the claim's lease at most every ``every_s`` (called from progress)."""

    def __init__(self, renew: Callable[[], None], every_s: float = 30.0) -> None:
        self._renew = renew
        self._every_s = every_s
        self._last = time.monotonic()

    def __call__(self) -> None:
        if time.monotonic() - self._last >= self._every_s:
            self._renew()  # LeaseLost propagates: stop working on a job we lost
            self._last = time.monotonic()


__all__ = ["Heartbeat", "LeaseLost", "StepContext", "Superseded", "process"]
