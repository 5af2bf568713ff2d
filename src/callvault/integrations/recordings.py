"""Twilio recording-status webhooks: CallVault fetches the finished recording from
Twilio and stores it as the call's original, which queues the scrubbing pipeline.

The download is an async stream (the event loop never waits on the network; the
encryption and storage run in the worker pool, ``stream_object``), over TLS with
verification on, with the account's credentials, and only from the tenant's
configured ``api_base``: credentials never go to a URL a request names elsewhere.
A download that fails answers 502 and leaves nothing behind (the blob is aborted), so
Twilio may retry. Idempotent per RecordingSid: a stored one is recorded
(``twilio_recordings``) in the transaction that makes the recording the call's.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from callvault.audit.actions import AuditAction
from callvault.blobs.interface import BlobStore
from callvault.calls.models import StoredObject
from callvault.calls.objects import RECORDING_ORIGINAL, CallObjects
from callvault.calls.scope import CallScope
from callvault.calls.sniff import SNIFF_BYTES, sniff_audio
from callvault.calls.uploads import ObjectTarget, make_visible, read_head, stream_object
from callvault.crypto.models import DataKey
from callvault.errors import InvalidInput, NotFound, UpstreamFailed
from callvault.integrations.models import TwilioRecording
from callvault.integrations.voice import CALL_SID, VoiceStatusService
from callvault.integrations.webhook_auth import TwilioWebhook

RECORDING_SID = re.compile(r"RE[0-9A-Za-z]{1,62}")
DOWNLOAD_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def tls_context(ca_bundle: Path | None) -> ssl.SSLContext:
    """The system's trust store, plus ``ca_bundle`` if the host names one."""
    context = ssl.create_default_context()
    if ca_bundle is not None:
        context.load_verify_locations(cafile=str(ca_bundle))
    return context


class RecordingFetcher:
    """Stores the recording a verified recording-status webhook announces."""

    def __init__(
        self, hook: TwilioWebhook, blobs: BlobStore, max_bytes: int, tls: ssl.SSLContext
    ) -> None:
        self._hook = hook
        self._ctx = hook.ctx
        self._scope = CallScope(hook.ctx, blobs)
        self._objects = CallObjects(self._scope)
        self._blobs = blobs
        self._max_bytes = max_bytes
        self._tls = tls

    async def handle(self) -> None:
        """Fetch and store the recording, unless it is not finished or already stored."""
        signed = self._hook.request
        if (signed.param("RecordingStatus") or "").lower() != "completed":
            return
        recording_sid = signed.param("RecordingSid") or ""
        call_sid = signed.param("CallSid") or ""
        if not (RECORDING_SID.fullmatch(recording_sid) and CALL_SID.fullmatch(call_sid)):
            raise InvalidInput("RecordingSid or CallSid is missing or malformed")
        url = self._download_url(signed.param("RecordingUrl") or "")
        call_id = await run_in_threadpool(self._known_call, call_sid, recording_sid)
        if call_id is not None:
            await self._store(call_id, recording_sid, url)

    def _download_url(self, recording_url: str) -> str:
        base = self._hook.settings.api_base.rstrip("/") + "/"
        if not recording_url.startswith(base) or any(c in recording_url for c in "?#"):
            raise InvalidInput("RecordingUrl is not under the configured api_base")
        return recording_url + ".wav"

    def _known_call(self, call_sid: str, recording_sid: str) -> str | None:
        """The call's id; None if this recording is stored already. NotFound if the
        call was never announced by a voice-status webhook; ConsentRefused (audited) if
        its consent refuses a recording: then nothing is fetched."""
        session = self._ctx.session
        try:
            if session.get(TwilioRecording, (self._ctx.tenant_id, recording_sid)) is not None:
                return None
            call = VoiceStatusService(self._ctx).find(call_sid)
            if call is None:
                raise NotFound("no call with that CallSid")
            self._scope.check_recordable(call)
            return call.id
        finally:
            session.rollback()

    async def _store(self, call_id: str, recording_sid: str, url: str) -> None:
        async with self._download(url) as chunks:
            head = await read_head(chunks, SNIFF_BYTES)
            media_type = sniff_audio(head)
            if media_type is None:
                raise UpstreamFailed("the recording fetched is not WAV, MP3 or Ogg audio")
            target = ObjectTarget(
                self._ctx.tenant_id,
                call_id,
                RECORDING_ORIGINAL,
                media_type,
                self._max_bytes,
                AuditAction.RECORDING_UPLOAD,
            )
            stored, data_key = await stream_object(self._objects, self._blobs, target, head, chunks)
        await run_in_threadpool(self._make_visible, target, recording_sid, stored, data_key)

    def _make_visible(
        self, target: ObjectTarget, recording_sid: str, stored: StoredObject, data_key: DataKey
    ) -> None:
        """The recording becomes the call's, with its RecordingSid, in one commit; a
        concurrent delivery that stored it first wins (this blob is deleted)."""
        self._ctx.session.add(
            TwilioRecording(
                tenant_id=self._ctx.tenant_id,
                recording_sid=recording_sid,
                call_id=target.call_id,
                object_id=stored.id,
            )
        )
        try:
            make_visible(self._objects, self._blobs, target, stored, data_key)
        except IntegrityError:
            self._ctx.session.rollback()

    @asynccontextmanager
    async def _download(self, url: str) -> AsyncIterator[AsyncIterator[bytes]]:
        """The recording's bytes as they arrive; UpstreamFailed for any failure to
        fetch them (the message names no URL: it holds account and call ids)."""
        auth = (self._hook.settings.account_sid, self._hook.auth_token)
        try:
            async with (
                httpx.AsyncClient(verify=self._tls, timeout=DOWNLOAD_TIMEOUT) as client,
                client.stream("GET", url, auth=auth) as response,
            ):
                if response.status_code != 200:
                    raise UpstreamFailed(f"Twilio answered {response.status_code}")
                yield _guarded(response.aiter_bytes())
        except httpx.HTTPError:
            raise UpstreamFailed("the recording could not be fetched from Twilio") from None


async def _guarded(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Chunks whose network failures surface as UpstreamFailed wherever they are read."""
    try:
        async for chunk in chunks:
            yield chunk
    except httpx.HTTPError:
        raise UpstreamFailed("the recording download was cut off") from None
