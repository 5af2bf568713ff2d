"""Recording consent on the telephony ingest paths: a Twilio call's default, and a
recording refused (never fetched, never stored) by Twilio's webhook and by the
Asterisk import when the call has no consent for one."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from callvault.settings import Settings
from tests._phi import shows_a_number
from tests._vault import TokenFactory
from tests.calls.factories import wav_bytes
from tests.calls.test_consent import set_consent
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
from tests.integrations.test_asterisk_import import MASTER_CSV, counts, run_import
from tests.integrations.test_twilio_recordings import blob_files, serve

CALIFORNIA = "+13105550101"


def twilio_call(client: TestClient, vault: Settings, caller: str) -> tuple[str, str]:
    """``(CallSid, call id)`` of a call a voice-status webhook made."""
    sid = call_sid()
    params = voice_status(sid, "completed", CallDuration="5", From=caller)
    assert post_signed(client, "voice-status", params).status_code == 204
    call = next(c for c in _db.calls(vault) if c.external_id == sid)
    return sid, call.id


def consent_of(vault: Settings, call_id: str) -> str | None:
    return next(c.consent for c in _db.calls(vault) if c.id == call_id)


def test_a_configured_disclosure_makes_twilio_calls_announced(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    _, call_id = twilio_call(client, vault, CALIFORNIA)
    assert consent_of(vault, call_id) == "announced"


def test_without_a_disclosure_an_all_party_call_refuses_its_recording_unfetched(
    client: TestClient, vault: Settings, twilio: RecordingServer
) -> None:
    store_settings(vault, api_base=twilio.base_url, disclosure=None)
    sid, call_id = twilio_call(client, vault, CALIFORNIA)
    assert consent_of(vault, call_id) == "required"
    recording = recording_sid()
    serve(twilio, recording, wav_bytes(0.5))
    before = blob_files(vault)

    answer = post_signed(client, "recording-status", recording_status(twilio, sid, recording))

    assert answer.status_code == 409, answer.text
    assert answer.json()["type"].endswith("no-recording-consent")
    assert twilio.requests == []  # never fetched
    assert _db.objects_of(vault, call_id) == {} and blob_files(vault) == before
    assert _db.stored_recordings(vault) == [] and _db.jobs_of(vault, call_id) == []
    refusals = [e for e in _db.events(vault, "recording:upload") if e[1] == "denied"]
    assert [(e[2], e[3]) for e in refusals] == [(call_id, "consent required")]


def test_a_declined_twilio_call_refuses_its_recording(
    client: TestClient, vault: Settings, twilio: RecordingServer, auth: TokenFactory
) -> None:
    sid, call_id = twilio_call(client, vault, "+12025550101")
    assert set_consent(client, auth("integration"), call_id, "declined") == 204
    recording = recording_sid()
    serve(twilio, recording, wav_bytes(0.5))

    answer = post_signed(client, "recording-status", recording_status(twilio, sid, recording))

    assert answer.status_code == 409
    assert twilio.requests == [] and _db.objects_of(vault, call_id) == {}


def all_party_cdr(tmp_path: Path) -> tuple[Path, Path]:
    """A Master.csv of one call from a California number, and its MixMonitor file."""
    first_line = MASTER_CSV.read_text(encoding="utf-8").splitlines()[0]
    cdr = tmp_path / "Master.csv"
    cdr.write_text(first_line.replace("2025550147", "3105550101") + "\n", encoding="utf-8")
    folder = tmp_path / "monitor"
    folder.mkdir()
    (folder / "in-2025550111-20261201-100000-1764583200.1.wav").write_bytes(wav_bytes(0.2))
    return cdr, folder


def test_the_asterisk_import_refuses_the_recording_of_a_call_without_consent(
    vault: Settings, tmp_path: Path
) -> None:
    cdr, folder = all_party_cdr(tmp_path)

    code, out, err = run_import(vault, "--cdr", str(cdr), "--recordings", str(folder))

    assert code == 0, err
    assert out.strip().endswith("recordings attached 0")
    assert "line 1: recording not attached: this call needs recording consent" in err
    assert not shows_a_number(err)
    got = counts(vault)
    assert (got["calls"], got["recordings"], got["jobs"]) == (1, 0, 0)
    refusals = [e for e in _db.events(vault, "recording:upload") if e[1] == "denied"]
    assert [e[3] for e in refusals] == ["consent required"]


def test_an_asterisk_import_whose_pbx_plays_a_disclosure_attaches_the_recording(
    vault: Settings, tmp_path: Path
) -> None:
    cdr, folder = all_party_cdr(tmp_path)

    code, out, err = run_import(
        vault, "--cdr", str(cdr), "--recordings", str(folder), "--disclosure-played"
    )

    assert code == 0, err
    assert out.strip().endswith("recordings attached 1")
    assert [c.consent for c in _db.calls(vault)] == ["announced"]
