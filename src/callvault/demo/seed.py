"""The demo: a data directory with a tenant and a few synthetic calls with recordings.

Everything here is synthetic (555-01xx numbers, invented names, sine-tone audio).
"""

from __future__ import annotations

import io
import json
import math
import secrets
import struct
import wave
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import RequestInfo
from callvault.authz.principal import system_principal
from callvault.blobs.factory import create_blob_store
from callvault.calls.models import Call
from callvault.calls.objects import RECORDING
from callvault.calls.schemas import CallCreate, Direction
from callvault.calls.service import CallService
from callvault.calls.uploads import ObjectTarget, store_object
from callvault.cli.vault import open_keyring
from callvault.crypto.keyring import Keyring
from callvault.identity.tokens import create_token
from callvault.identity.users import create_user, find_user_by_email
from callvault.instance import initialise
from callvault.settings import Settings
from callvault.tenants.service import get_tenant

DEMO_TENANT = "demo"
DEMO_USER_EMAIL = "supervisor@demo.callvault.example"
DEMO_USER_ROLE = "supervisor"
SAMPLE_RATE = 8000


@dataclass(frozen=True)
class DemoUser:
    """The demo sign-in. Password and URI are only known on the run that created the
    user (only a hash and an encrypted seed are stored); later runs leave them None."""

    email: str
    password: str | None = field(default=None, repr=False)
    otpauth_uri: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class DemoSummary:
    calls: int
    recordings: int
    token: str = field(repr=False)
    user_email: str = DEMO_USER_EMAIL
    user_password: str | None = field(default=None, repr=False)
    otpauth_uri: str | None = field(default=None, repr=False)


def tone_wav(seconds: float, frequency: float, sample_rate: int = SAMPLE_RATE) -> bytes:
    """A mono 16-bit PCM WAV of a quiet sine tone."""
    frames = int(seconds * sample_rate)
    samples = (
        int(8000 * math.sin(2 * math.pi * frequency * n / sample_rate)) for n in range(frames)
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return buffer.getvalue()


def demo_calls() -> list[dict[str, Any]]:
    text = resources.files("callvault.demo").joinpath("calls.json").read_text("utf-8")
    calls: list[dict[str, Any]] = json.loads(text)
    return calls


def seed_demo(settings: Settings) -> DemoSummary:
    initialise(settings, DEMO_TENANT)
    blobs = create_blob_store(settings)
    with open_keyring(settings) as (session, keyring):
        tenant_id = get_tenant(session, DEMO_TENANT).id
        existing = session.execute(
            select(func.count()).select_from(Call).where(Call.tenant_id == tenant_id)
        ).scalar_one()
        token = create_token(session, tenant_id, "integration", name="demo ingest")
        user = ensure_demo_user(session, keyring, tenant_id)
        session.commit()
        if existing:
            return _summary(existing, 0, token, user)
        principal = system_principal(tenant_id, "demo-seed", ["integration"])
        service = CallService(ServiceContext(session, principal, RequestInfo(), keyring), blobs)
        base = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
        for spec in demo_calls():
            call_id = service.create(_call_create(spec, base))
            target = ObjectTarget(
                tenant_id,
                call_id,
                RECORDING,
                "audio/wav",
                settings.max_recording_bytes,
                AuditAction.RECORDING_UPLOAD,
            )
            audio = tone_wav(spec["seconds"], spec["tone_hz"])
            store_object(service.objects, blobs, target, [audio])
        count = len(demo_calls())
    return _summary(count, count, token, user)


def ensure_demo_user(session: Session, keyring: Keyring, tenant_id: str) -> DemoUser:
    """A supervisor who signs in with a password and TOTP; never a fixed, guessable
    password (no default accounts): a fresh random one, shown once."""
    if find_user_by_email(session, DEMO_USER_EMAIL) is not None:
        return DemoUser(DEMO_USER_EMAIL)
    password = secrets.token_urlsafe(18)  # 24 characters, 144 bits
    _, uri = create_user(session, keyring, tenant_id, DEMO_USER_EMAIL, password, [DEMO_USER_ROLE])
    return DemoUser(DEMO_USER_EMAIL, password, uri)


def _summary(calls: int, recordings: int, token: str, user: DemoUser) -> DemoSummary:
    return DemoSummary(
        calls=calls,
        recordings=recordings,
        token=token,
        user_email=user.email,
        user_password=user.password,
        otpauth_uri=user.otpauth_uri,
    )


def _call_create(spec: dict[str, Any], base: datetime) -> CallCreate:
    started = base + timedelta(minutes=spec["minute_offset"])
    return CallCreate(
        caller_number=spec["caller_number"],
        called_number=spec["called_number"],
        tracking_number=spec["tracking_number"],
        started_at=started,
        ended_at=started + timedelta(seconds=spec["seconds"]),
        direction=Direction(spec["direction"]),
        caller_name=spec["caller_name"],
        agent=spec["agent"],
        campaign=spec["campaign"],
        disposition=spec["disposition"],
        notes=spec["notes"],
    )
