"""Recording-status: CallVault fetches the WAV from a local HTTPS server standing in
for Twilio (basic auth checked, TLS verified against a test CA) and stores it through
the normal recording path, which queues the scrubbing pipeline."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from callvault.calls.objects import RECORDING_ORIGINAL
from callvault.settings import Settings
from tests.calls.factories import wav_bytes
from tests.integrations import _db
from tests.integrations._recording_server import RecordingServer
from tests.integrations.conftest import (
    call_sid,
    post_signed,
    recording_sid,
    recording_status,
    store_settings,
    voice_status,
)

API_PATH = "/2010-04-01/Accounts/{account}/Recordings/{sid}.wav"


def announced_call(client: TestClient, vault: Settings) -> tuple[str, str]:
    """A call made by a voice-status webhook: ``(CallSid, call id)``."""
    sid = call_sid()
    assert (
        post_signed(
            client, "voice-status", voice_status(sid, "completed", CallDuration="1")
        ).status_code
        == 204
    )
    call = next(c for c in _db.calls(vault) if c.external_id == sid)
    return sid, call.id


def serve(server: RecordingServer, recording: str, audio: bytes) -> str:
    path = f"{server.base_url}/2010-04-01/Accounts/{server.username}/Recordings/{recording}.wav"
    server.recordings[path.removeprefix(server.base_url)] = audio
    return path.removeprefix(server.base_url)


def blob_files(vault: Settings) -> list[Path]:
    return sorted(p for p in vault.blob_dir.rglob("*") if p.is_file())


def test_end_to_end_the_call_gets_its_recording_and_a_job(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    sid, call_id = announced_call(client, vault)
    recording = recording_sid()
    path = serve(twilio, recording, wav_bytes(1.0))
    answer = post_signed(client, "recording-status", recording_status(twilio, sid, recording))
    assert answer.status_code == 204, answer.text
    assert twilio.requests == [path] and twilio.refused == 0  # basic auth accepted
    stored = _db.objects_of(vault, call_id)
    assert set(stored) == {RECORDING_ORIGINAL}
    assert stored[RECORDING_ORIGINAL].media_type == "audio/wav"
    assert stored[RECORDING_ORIGINAL].plaintext_size == len(wav_bytes(1.0))
    assert _db.jobs_of(vault, call_id) == ["pending"]
    assert _db.stored_recordings(vault) == [recording]
    # The same recording announced again: not fetched again, nothing changes.
    events = _db.event_count(vault)
    again = post_signed(client, "recording-status", recording_status(twilio, sid, recording))
    assert again.status_code == 204 and twilio.requests == [path]
    assert _db.event_count(vault) == events and _db.jobs_of(vault, call_id) == ["pending"]


def test_a_failed_download_is_502_and_stores_nothing(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    sid, call_id = announced_call(client, vault)
    recording = recording_sid()
    serve(twilio, recording, wav_bytes(0.5))
    before = blob_files(vault)
    for status in (500, 404):
        twilio.fail_with = status
        answer = post_signed(client, "recording-status", recording_status(twilio, sid, recording))
        assert answer.status_code == 502, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
    assert _db.objects_of(vault, call_id) == {} and _db.stored_recordings(vault) == []
    assert _db.jobs_of(vault, call_id) == [] and blob_files(vault) == before
    # Twilio retries once the server is back: then it is stored.
    twilio.fail_with = None
    answer = post_signed(client, "recording-status", recording_status(twilio, sid, recording))
    assert answer.status_code == 204 and set(_db.objects_of(vault, call_id)) == {RECORDING_ORIGINAL}


def test_wrong_credentials_at_twilio_are_502(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    sid, call_id = announced_call(client, vault)
    recording = recording_sid()
    serve(twilio, recording, wav_bytes(0.5))
    twilio.password = "what-twilio-really-wants-0000"
    answer = post_signed(client, "recording-status", recording_status(twilio, sid, recording))
    assert answer.status_code == 502 and twilio.refused == 1
    assert _db.objects_of(vault, call_id) == {}


def test_an_untrusted_certificate_is_refused(
    client: TestClient, vault: Settings, recording_server: RecordingServer
) -> None:
    """Without the test CA the app trusts only the system's CAs: the fetch fails."""
    from dataclasses import replace

    from callvault.web.app import create_app

    store_settings(vault, api_base=recording_server.base_url)
    with TestClient(create_app(replace(vault, twilio_ca_bundle=None))) as plain:
        sid, call_id = announced_call(plain, vault)
        recording = recording_sid()
        serve(recording_server, recording, wav_bytes(0.5))
        answer = post_signed(
            plain, "recording-status", recording_status(recording_server, sid, recording)
        )
    assert answer.status_code == 502
    assert recording_server.requests == [] and _db.objects_of(vault, call_id) == {}


def test_a_recording_url_elsewhere_is_never_fetched(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    sid, call_id = announced_call(client, vault)
    recording = recording_sid()
    for url in (
        "https://evil.example.test/2010-04-01/Recordings/" + recording,
        twilio.base_url + ".evil.example.test/x",
        twilio.base_url + "/Recordings/" + recording + "?x=1",
    ):
        params = recording_status(twilio, sid, recording, RecordingUrl=url)
        assert post_signed(client, "recording-status", params).status_code == 422, url
    assert twilio.requests == [] and _db.objects_of(vault, call_id) == {}


def test_unknown_call_and_unfinished_recordings(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    recording = recording_sid()
    serve(twilio, recording, wav_bytes(0.5))
    unknown = post_signed(
        client, "recording-status", recording_status(twilio, call_sid(), recording)
    )
    assert unknown.status_code == 404
    sid, call_id = announced_call(client, vault)
    params = recording_status(twilio, sid, recording, RecordingStatus="in-progress")
    assert post_signed(client, "recording-status", params).status_code == 204
    assert twilio.requests == [] and _db.objects_of(vault, call_id) == {}


def test_a_forged_recording_status_fetches_nothing(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    sid, call_id = announced_call(client, vault)
    recording = recording_sid()
    serve(twilio, recording, wav_bytes(0.5))
    params = recording_status(twilio, sid, recording)
    answer = post_signed(client, "recording-status", params, token="forged-token-000000000")
    assert answer.status_code == 403 and twilio.requests == []
    assert _db.objects_of(vault, call_id) == {}


def test_a_body_that_is_not_audio_is_502(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    sid, call_id = announced_call(client, vault)
    recording = recording_sid()
    serve(twilio, recording, b"<html>not audio</html>" * 10)
    answer = post_signed(client, "recording-status", recording_status(twilio, sid, recording))
    assert answer.status_code == 502 and _db.objects_of(vault, call_id) == {}
