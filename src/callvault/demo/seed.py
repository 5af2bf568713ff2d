"""The demo: a data directory with a tenant, a few synthetic spoken calls, one sign-in
per role, and an alert to look at.

Everything here is synthetic (555-01xx numbers, invented names, speech made by
espeak-ng). The recordings and their word-timed transcripts are generated once by
``scripts/make_demo_audio.py`` from the scripts in ``calls.json`` and shipped as
package data; nothing is generated when the demo runs.

``seed_demo`` ingests them as an integration would (call, transcript, recording), and
plays one user doing what a user does: the agent Casey Testpatient looks up Avery
Testpatient's call, a read the same-surname alert rule exists to catch.
``process_demo`` then runs the background jobs once, as ``callvault jobs run --once``
does: the recording pipeline (one call has no transcript and goes through the offline
transcriber; the others are redacted from their own) and the alert watcher.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callvault.alerts.models import Alert
from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import RequestInfo
from callvault.authz.principal import Principal, system_principal
from callvault.authz.roles import get_role, policy_for
from callvault.blobs.factory import create_blob_store
from callvault.blobs.interface import BlobStore
from callvault.calls.models import Call
from callvault.calls.objects import RECORDING
from callvault.calls.schemas import CallCreate, Direction, TranscriptIn
from callvault.calls.service import CallService
from callvault.calls.transcripts import redact_transcript
from callvault.calls.uploads import ObjectTarget, store_object, store_transcript
from callvault.cli.vault import open_keyring
from callvault.compliance.schemas import BaaIn
from callvault.crypto.keyring import Keyring
from callvault.identity.models import User
from callvault.identity.passwords import hash_password
from callvault.identity.tokens import create_token
from callvault.identity.users import create_user, find_user_by_email
from callvault.instance import initialise
from callvault.jobs.models import JobState, RecordingJob
from callvault.pipeline.runner import JobResult
from callvault.settings import Settings
from callvault.tenants.agreements import AgreementKind
from callvault.tenants.service import get_tenant
from callvault.web.background import JobsLoop, run_jobs_once

DEMO_TENANT = "demo"
DEMO_USER_EMAIL = "supervisor@demo.callvault.example"
DEMO_USER_ROLE = "supervisor"
SAMPLE_RATE = 8000
DEMO_PACKAGE = "callvault.demo"


@dataclass(frozen=True)
class DemoAccount:
    """A demo sign-in to create: ``family_name`` feeds the same-surname alert rule."""

    role: str
    email: str
    family_name: str | None = None
    note: str | None = None


# One sign-in per built-in role a person holds (integration and scim are for services;
# the demo prints an integration token instead).
DEMO_ACCOUNTS = (
    DemoAccount(DEMO_USER_ROLE, DEMO_USER_EMAIL),
    DemoAccount("marketing", "marketing@demo.callvault.example"),
    DemoAccount("compliance_officer", "compliance@demo.callvault.example"),
    DemoAccount("admin", "admin@demo.callvault.example"),
    DemoAccount(
        "agent",
        "casey.testpatient@demo.callvault.example",
        family_name="Testpatient",
        note="looked up Avery Testpatient's call: the same-surname alert",
    ),
)
SNOOPER_EMAIL = DEMO_ACCOUNTS[-1].email
SNOOPED_AUDIO = "avery-reschedule"  # the call of the snooper's namesake
# The demo clinic's covered-entity BAA, so its PHI gate is open: a synthetic agreement,
# "signed" on a text that says so (its SHA-256 is what the registry keeps).
DEMO_BAA = BaaIn(
    kind=AgreementKind.COVERED_ENTITY,
    counterparty="Demo Clinic (synthetic)",
    effective_on=date(2026, 1, 1),
    document_sha256=hashlib.sha256(b"CallVault demo: a synthetic BAA, never signed").hexdigest(),
)


@dataclass(frozen=True)
class DemoUser:
    """A demo sign-in. Password and URI are only known on the run that created the
    user (only a hash and an encrypted seed are stored); later runs leave them None."""

    email: str
    role: str = DEMO_USER_ROLE
    password: str | None = field(default=None, repr=False)
    otpauth_uri: str | None = field(default=None, repr=False)
    note: str | None = None


@dataclass(frozen=True)
class DemoSummary:
    calls: int
    recordings: int
    token: str = field(repr=False)
    users: tuple[DemoUser, ...] = ()

    def user(self, role: str) -> DemoUser:
        return next(u for u in self.users if u.role == role)

    # The supervisor's sign-in, as the demo had only that one before.
    @property
    def user_email(self) -> str:
        return self.user(DEMO_USER_ROLE).email

    @property
    def user_password(self) -> str | None:
        return self.user(DEMO_USER_ROLE).password

    @property
    def otpauth_uri(self) -> str | None:
        return self.user(DEMO_USER_ROLE).otpauth_uri


@dataclass(frozen=True)
class DemoAlert:
    rule: str
    actor: str  # the user's e-mail, or the actor id of a non-user


@dataclass(frozen=True)
class DemoProcessing:
    """Where the demo tenant's recordings stand after ``process_demo``."""

    done: int
    total: int
    alerts: tuple[DemoAlert, ...]


def demo_calls() -> list[dict[str, Any]]:
    text = resources.files(DEMO_PACKAGE).joinpath("calls.json").read_text("utf-8")
    calls: list[dict[str, Any]] = json.loads(text)
    return calls


def demo_audio(spec: dict[str, Any]) -> bytes:
    """The call's shipped recording (8 kHz mono 16-bit WAV)."""
    return resources.files(DEMO_PACKAGE).joinpath(f"{spec['audio']}.wav").read_bytes()


def demo_transcript(spec: dict[str, Any]) -> TranscriptIn | None:
    """The call's shipped word-timed transcript; None for the call left to the
    offline transcriber."""
    if not spec["transcript"]:
        return None
    name = f"{spec['audio']}.transcript.json"
    text = resources.files(DEMO_PACKAGE).joinpath(name).read_text("utf-8")
    return TranscriptIn.model_validate_json(text)


def wav_seconds(audio: bytes) -> float:
    with wave.open(io.BytesIO(audio), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def seed_demo(settings: Settings) -> DemoSummary:
    """Idempotent: on a data directory that has the demo calls already, only a new
    ingest token is made (and any missing demo user)."""
    initialise(settings, DEMO_TENANT, DEMO_BAA)
    blobs = create_blob_store(settings)
    passwords = [new_demo_password() for _ in DEMO_ACCOUNTS]  # hashed outside the transaction
    with open_keyring(settings) as (session, keyring):
        tenant_id = get_tenant(session, DEMO_TENANT).id
        existing = session.execute(
            select(func.count()).select_from(Call).where(Call.tenant_id == tenant_id)
        ).scalar_one()
        token = create_token(session, tenant_id, "integration", name="demo ingest")
        users = tuple(
            ensure_demo_user(session, keyring, tenant_id, account, password)
            for account, password in zip(DEMO_ACCOUNTS, passwords, strict=True)
        )
        session.commit()
        if existing:
            return DemoSummary(existing, 0, token, users)
        principal = system_principal(tenant_id, "demo-seed", ["integration"])
        service = CallService(ServiceContext(session, principal, RequestInfo(), keyring), blobs)
        base = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
        ids = {}
        for spec in demo_calls():
            ids[spec["audio"]] = ingest_call(settings, service, blobs, tenant_id, spec, base)
        count = len(ids)
    look_up_namesake(settings, tenant_id, ids[SNOOPED_AUDIO])
    return DemoSummary(count, count, token, users)


def ingest_call(
    settings: Settings,
    service: CallService,
    blobs: BlobStore,
    tenant_id: str,
    spec: dict[str, Any],
    base: datetime,
) -> str:
    """What an integration does (``POST /calls``, ``PUT .../transcript``, ``PUT
    .../recording``), through the same services; the recording is queued for the
    pipeline."""
    audio = demo_audio(spec)
    call_id = service.create(_call_create(spec, base, wav_seconds(audio)))
    transcript = demo_transcript(spec)
    if transcript is not None:
        redacted = redact_transcript(transcript, service.redaction_setup(call_id, transcript))
        store_transcript(service.objects, blobs, tenant_id, call_id, redacted)
    target = ObjectTarget(
        tenant_id,
        call_id,
        RECORDING,
        "audio/wav",
        settings.max_recording_bytes,
        AuditAction.RECORDING_UPLOAD,
    )
    store_object(service.objects, blobs, target, [audio])
    return call_id


def look_up_namesake(settings: Settings, tenant_id: str, call_id: str) -> None:
    """The agent Casey Testpatient opens Avery Testpatient's call: an allowed read,
    audited like any other (with the caller's surname as a keyed hash), that the alert
    watcher will flag as a same-surname read."""
    blobs = create_blob_store(settings)
    with open_keyring(settings) as (session, keyring):
        user = find_user_by_email(session, SNOOPER_EMAIL)
        assert user is not None  # made by ensure_demo_user
        role = get_role("agent")
        assert role is not None
        principal = Principal(tenant_id, "user", user.id, ("agent",), policy_for([role]))
        request = RequestInfo(source_ip="127.0.0.1", user_agent="callvault-demo")
        CallService(ServiceContext(session, principal, request, keyring), blobs).get(call_id)


@dataclass(frozen=True)
class DemoPassword:
    plain: str
    hashed: str


def new_demo_password() -> DemoPassword:
    """Never a fixed, guessable password (no default accounts): a fresh random one,
    shown once."""
    plain = secrets.token_urlsafe(18)  # 24 characters, 144 bits
    return DemoPassword(plain, hash_password(plain))


def ensure_demo_user(
    session: Session,
    keyring: Keyring,
    tenant_id: str,
    account: DemoAccount,
    password: DemoPassword,
) -> DemoUser:
    """A user who signs in with ``password`` and TOTP, unless the account exists."""
    if find_user_by_email(session, account.email) is not None:
        return DemoUser(account.email, account.role, note=account.note)
    user, uri = create_user(
        session, keyring, tenant_id, account.email, password.hashed, [account.role]
    )
    user.family_name = account.family_name
    return DemoUser(account.email, account.role, password.plain, uri, account.note)


def process_demo(
    settings: Settings, on_result: Callable[[JobResult], None] | None = None
) -> DemoProcessing:
    """One round of the background jobs (``callvault jobs run --once``): the alert
    watcher and the recording pipeline; then the watcher once more, over the
    pipeline's own reads. Jobs that fail wait for their retry (the server's jobs
    process takes them up)."""
    loop = JobsLoop(settings, on_result=on_result)
    try:
        loop.run_once()
        run_jobs_once(loop.sessions, loop.every_tick)
        with loop.sessions() as session:
            return _processing(session)
    finally:
        loop.close()


def _processing(session: Session) -> DemoProcessing:
    tenant_id = get_tenant(session, DEMO_TENANT).id
    states = list(
        session.execute(
            select(RecordingJob.state).where(RecordingJob.tenant_id == tenant_id)
        ).scalars()
    )
    rows = session.execute(select(User.id, User.email).where(User.tenant_id == tenant_id))
    emails = {user_id: email for user_id, email in rows.all()}
    alerts = session.execute(
        select(Alert.rule, Alert.actor_type, Alert.actor_id)
        .where(Alert.tenant_id == tenant_id)
        .order_by(Alert.created_at)
    ).all()
    found = tuple(
        DemoAlert(rule, emails.get(actor_id, f"{actor_type}:{actor_id}"))
        for rule, actor_type, actor_id in alerts
    )
    done = sum(1 for s in states if s == JobState.DONE.value)
    return DemoProcessing(done, len(states), found)


def _call_create(spec: dict[str, Any], base: datetime, seconds: float) -> CallCreate:
    started = base + timedelta(minutes=spec["minute_offset"])
    return CallCreate(
        caller_number=spec["caller_number"],
        called_number=spec["called_number"],
        tracking_number=spec["tracking_number"],
        started_at=started,
        ended_at=started + timedelta(seconds=round(seconds)),
        direction=Direction(spec["direction"]),
        caller_name=spec["caller_name"],
        agent=spec["agent"],
        campaign=spec["campaign"],
        disposition=spec["disposition"],
        notes=spec["notes"],
    )
