"""The demo: its shipped spoken calls, and what seeding and one round of the background
jobs make of them (every call done, PHI redacted and bleeped, keypad tones gone, an
alert raised). One demo vault for the module: the pipeline runs the offline
transcriber on one short call, which takes a few seconds."""

from __future__ import annotations

import io
import json
import re
import tomllib
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import RequestInfo
from callvault.authz.principal import system_principal
from callvault.blobs.factory import create_blob_store
from callvault.calls.models import Call
from callvault.calls.objects import RECORDING, TRANSCRIPT
from callvault.calls.service import CallService, SearchFilters
from callvault.cli.vault import open_keyring
from callvault.demo.seed import (
    DEMO_TENANT,
    DemoProcessing,
    DemoSummary,
    demo_audio,
    demo_calls,
    demo_transcript,
    process_demo,
    seed_demo,
)
from callvault.settings import Settings, load_settings
from callvault.tenants.service import get_tenant
from tests.audio import _synth

REPO = Path(__file__).resolve().parents[2]
AUDIO_BUDGET = 2 * 1024 * 1024
KEYED = "4427193#"  # what the keypad call keys in (calls.json)
PHI_RUN = re.compile(r"\[([^\]]+)\]")  # the script's bracketed stretches: the PHI


def phi_phrases(spec: dict[str, Any]) -> list[str]:
    return [m for _, text in spec["script"] for m in PHI_RUN.findall(text)]


# -- what is shipped ----------------------------------------------------------------


def test_the_demo_ships_short_spoken_calls_as_8khz_mono_wavs_within_budget() -> None:
    specs = demo_calls()
    assert 4 <= len(specs) <= 5
    total = 0
    for spec in specs:
        audio = demo_audio(spec)
        total += len(audio)
        with wave.open(io.BytesIO(audio), "rb") as wav:
            assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
            seconds = wav.getnframes() / wav.getframerate()
        assert 3.0 <= seconds <= 40.0, spec["audio"]  # speech, not a tone of a second
        transcript = demo_transcript(spec)
        if transcript is not None:
            assert transcript.words and transcript.words[-1].end <= seconds
        assert re.fullmatch(r"\+1 202-555-01\d\d", spec["caller_number"])
    assert total < AUDIO_BUDGET
    assert sum(1 for s in specs if not s["transcript"]) == 1  # the transcriber's one
    assert sum(1 for s in specs if any(k == "keypad" for k, _ in s["script"])) == 1
    package_data = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "demo/*.wav" in package_data["package-data"]["callvault"]  # installed, not only here


def test_the_keypad_call_really_has_keypad_tones() -> None:
    if not _synth.have_decoder():
        pytest.skip("multimon-ng and sox (Debian packages) are not installed")
    spec = next(s for s in demo_calls() if s["audio"] == "jordan-keypad")
    with resources.as_file(resources.files("callvault.demo") / f"{spec['audio']}.wav") as path:
        assert KEYED in _synth.multimon_digits(path)


# -- what the demo makes of them ------------------------------------------------------


@dataclass(frozen=True)
class Demo:
    settings: Settings
    summary: DemoSummary
    processing: DemoProcessing
    call_ids: dict[str, str]  # audio name -> call id


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    settings = load_settings(tmp_path_factory.mktemp("demo"), None, environ={})
    summary = seed_demo(settings)
    processing = process_demo(settings)
    names = {s["caller_name"]: s["audio"] for s in demo_calls()}
    with reader(settings) as calls:
        ids = {names[c.caller_name]: c.id for c in _all_calls(calls)}
    return Demo(settings, summary, processing, ids)


def _all_calls(calls: CallService) -> list[Any]:
    return list(calls.search(SearchFilters(limit=50)).items)


@contextmanager
def reader(settings: Settings) -> Iterator[CallService]:
    """A CallService as a supervisor (may read transcripts and recordings)."""
    with open_keyring(settings) as (session, keyring):
        tenant_id = get_tenant(session, DEMO_TENANT).id
        principal = system_principal(tenant_id, "demo-test", ["supervisor"])
        ctx = ServiceContext(session, principal, RequestInfo(), keyring)
        yield CallService(ctx, create_blob_store(settings))


def read_object(settings: Settings, call_id: str, kind: str, action: AuditAction) -> bytes:
    with reader(settings) as calls:
        opened = calls.open_object(call_id, kind, action)
        return b"".join(opened.blob.iter_plaintext())


def test_every_demo_call_is_processed_to_done(demo: Demo) -> None:
    assert demo.summary.calls == demo.summary.recordings == len(demo_calls())
    assert demo.processing.total == len(demo_calls())
    assert demo.processing.done == demo.processing.total


def test_the_stored_transcripts_hold_no_phi_in_clear_and_bleep_where_it_was_said(
    demo: Demo,
) -> None:
    for spec in demo_calls():
        call_id = demo.call_ids[spec["audio"]]
        stored = json.loads(
            read_object(demo.settings, call_id, TRANSCRIPT, AuditAction.TRANSCRIPT_READ)
        )
        if not spec["transcript"]:  # the offline transcriber made this one
            assert "redacted_time_ranges" in stored
            assert (spec["caller_name"] or "").lower() not in stored["text"].lower()
            continue
        text = stored["text"]
        for phrase in phi_phrases(spec):  # names, dates of birth, phone numbers, member ids
            assert phrase not in text, (spec["audio"], phrase)
        assert "[DATE]" in text
        assert "[MEMBER_ID]" in text or spec["audio"] == "jordan-keypad"  # keyed, not said
        # every PHI phrase's stretch of audio lies within a bleeped range
        ranges = stored["redacted_time_ranges"]
        for start, end in _phrase_times(spec):
            assert any(a <= start + 0.01 and end - 0.01 <= b for a, b in ranges), (start, end)


def _phrase_times(spec: dict[str, Any]) -> list[tuple[float, float]]:
    """Start and end of each PHI phrase in the shipped transcript's word times."""
    transcript = demo_transcript(spec)
    assert transcript is not None and transcript.words is not None
    words = [w.word for w in transcript.words]
    out = []
    for phrase in phi_phrases(spec):
        tokens = phrase.split()
        at = next(i for i in range(len(words)) if words[i : i + len(tokens)] == tokens)
        out.append((transcript.words[at].start, transcript.words[at + len(tokens) - 1].end))
    return out


def test_the_keypad_calls_scrubbed_recording_has_no_keypad_tones(
    demo: Demo, tmp_path: Path
) -> None:
    if not _synth.have_decoder():
        pytest.skip("multimon-ng and sox (Debian packages) are not installed")
    call_id = demo.call_ids["jordan-keypad"]
    scrubbed = read_object(demo.settings, call_id, RECORDING, AuditAction.RECORDING_PLAY)
    path = tmp_path / "scrubbed.wav"
    path.write_bytes(scrubbed)
    assert _synth.multimon_digits(path) == ""


def test_the_demo_raises_a_real_same_surname_alert(demo: Demo) -> None:
    raised = {(a.rule, a.actor) for a in demo.processing.alerts}
    assert ("same_surname", "casey.testpatient@demo.callvault.example") in raised


def test_the_demo_has_one_sign_in_per_role_each_with_a_password_and_enrolment_uri(
    demo: Demo,
) -> None:
    roles = [u.role for u in demo.summary.users]
    assert {"supervisor", "marketing", "compliance_officer", "admin"} <= set(roles)
    assert len(roles) == len(set(roles))
    for user in demo.summary.users:
        assert user.password and len(user.password) >= 20
        assert user.otpauth_uri and user.otpauth_uri.startswith("otpauth://totp/")
        assert user.password not in repr(demo.summary)


def test_seeding_again_adds_nothing(demo: Demo) -> None:
    again = seed_demo(demo.settings)
    assert again.calls == len(demo_calls()) and again.recordings == 0
    assert all(u.password is None and u.otpauth_uri is None for u in again.users)
    with open_keyring(demo.settings) as (session, _):
        count = session.execute(select(func.count()).select_from(Call)).scalar_one()
    assert count == len(demo_calls())
