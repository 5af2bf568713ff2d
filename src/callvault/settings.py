"""Settings are built by ``load_settings()`` from flags and the environment; nothing is
read at import time.

Environment variables (a flag given on the command line wins):

- ``CALLVAULT_DATA_DIR``: the data directory (root key, TLS material, local blobs, SQLite).
- ``CALLVAULT_DATABASE_URL``: a PostgreSQL URL; default is SQLite inside the data directory.
- ``CALLVAULT_BLOB_STORE``: ``local`` (default) or ``s3``.
- ``CALLVAULT_S3_BUCKET``, ``CALLVAULT_S3_ENDPOINT_URL``, ``CALLVAULT_S3_REGION``: for ``s3``.
- ``CALLVAULT_MAX_RECORDING_BYTES``: upload limit for one recording (default 1 GiB).
- ``CALLVAULT_MAX_TRANSCRIPT_BYTES``: upload limit for one transcript (default 8 MiB).
- ``CALLVAULT_AUDIT_SIGN_EVERY_EVENTS``, ``CALLVAULT_AUDIT_SIGN_EVERY_SECONDS``: a signed
  audit tree head at least every N events or T seconds (defaults 1000 and 60).
- ``CALLVAULT_AUDIT_RETENTION_DAYS``: how long audit events are kept; at least 2192 days
  (six years, HIPAA 164.316(b)(2)(i)), which is also the default. Nothing shorter is
  accepted, and crypto-shredding data never touches the audit trail that describes it.
- ``CALLVAULT_TRANSCRIBER``: what transcribes recordings that arrive without a transcript
  (the recording pipeline): ``pocketsphinx`` (default, runs here, downloads nothing) or
  ``none`` (such recordings fail their job with ``TranscriberUnavailable``).
- ``CALLVAULT_AUDIT_WRITER``: where the server writes the audit events of PHI reads,
  which share durable commits: ``process`` (default, a child process on its own core)
  or ``thread`` (a thread of the server's process: one process fewer, and about four
  fifths of the audited reads per second in ``bench/audit.py``).
- Sign-in throttling (``callvault.identity.signin.throttle``; login, MFA, step-up and password
  change): every attempt is counted as a failure until it succeeds, per source address
  and per account (e-mail), with a burst and then one more every interval:
  ``CALLVAULT_SIGNIN_ADDRESS_BURST`` (default 40) and
  ``CALLVAULT_SIGNIN_ADDRESS_INTERVAL_SECONDS`` (default 15: four a minute);
  ``CALLVAULT_SIGNIN_ACCOUNT_BURST`` (default 20) and
  ``CALLVAULT_SIGNIN_ACCOUNT_INTERVAL_SECONDS`` (default 60). Past them: 429 with
  ``Retry-After``.
- Dynamic number insertion (``POST /dni/sessions``, public): visitor sessions started
  per source address, a burst and then one more every interval:
  ``CALLVAULT_DNI_ADDRESS_BURST`` (default 30) and
  ``CALLVAULT_DNI_ADDRESS_INTERVAL_SECONDS`` (default 2). Past them: 429 with
  ``Retry-After``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from callvault.errors import InvalidInput

DEFAULT_MAX_RECORDING_BYTES = 1024 * 1024 * 1024
DEFAULT_MAX_TRANSCRIPT_BYTES = 8 * 1024 * 1024
MIN_AUDIT_RETENTION_DAYS = 6 * 365 + 2  # six years, leap days included
TRANSCRIBERS = ("pocketsphinx", "none")  # callvault.transcription.factory knows each
AUDIT_WRITERS = ("process", "thread")


@dataclass(frozen=True)
class S3Settings:
    bucket: str
    endpoint_url: str | None = None
    region: str = "us-east-1"


@dataclass(frozen=True)
class SignInThrottleSettings:
    """Failed sign-in steps allowed at once (``*_burst``) and then one more per
    ``*_interval_seconds``. The defaults let thirty agents behind one NAT address sign
    in within a minute, typos and all (a success costs nothing), while a client
    spraying passwords from one address gets 40 tries, then four a minute."""

    address_burst: int = 40
    address_interval_seconds: int = 15
    account_burst: int = 20
    account_interval_seconds: int = 60


@dataclass(frozen=True)
class DniThrottleSettings:
    """Visitor sessions one address may start at once (``address_burst``), then one
    more per ``address_interval_seconds``: a clinic's waiting room behind one NAT
    address browsing its site passes, a script asking for the pool's numbers does not."""

    address_burst: int = 30
    address_interval_seconds: int = 2


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    blob_store: str = "local"
    s3: S3Settings | None = None
    max_recording_bytes: int = DEFAULT_MAX_RECORDING_BYTES
    max_transcript_bytes: int = DEFAULT_MAX_TRANSCRIPT_BYTES
    audit_sign_every_events: int = 1000
    audit_sign_every_seconds: int = 60
    audit_retention_days: int = MIN_AUDIT_RETENTION_DAYS
    transcriber: str = "pocketsphinx"
    audit_writer: str = "process"
    # Extra CA certificates trusted when fetching recordings from Twilio
    # (``CALLVAULT_TWILIO_CA_BUNDLE``): for a test server; None trusts the system's.
    twilio_ca_bundle: Path | None = None
    # The CA certificates trusted by conversion destinations' HTTPS posts
    # (``CALLVAULT_CONVERSIONS_CA_BUNDLE``): for a test receiver; None trusts the system's.
    conversions_ca_bundle: Path | None = None
    signin_throttle: SignInThrottleSettings = SignInThrottleSettings()
    dni_throttle: DniThrottleSettings = DniThrottleSettings()
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def root_key_path(self) -> Path:
        return self.data_dir / "root.key"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def audit_checkpoint_dir(self) -> Path:
        """The last audit tree head ``audit verify`` accepted, per tenant: kept outside
        the database, so cutting the log's tail together with its heads still shows."""
        return self.data_dir / "audit-checkpoints"

    @property
    def tls_dir(self) -> Path:
        return self.data_dir / "tls"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'callvault.db').resolve()}"


def _int_env(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number") from None
    if value <= 0:
        raise InvalidInput(f"{name} must be positive")
    return value


def load_settings(
    data_dir: Path | str | None = None,
    database_url: str | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    env = dict(os.environ if environ is None else environ)
    raw_dir = data_dir or env.get("CALLVAULT_DATA_DIR")
    if not raw_dir:
        raise InvalidInput("no data directory: pass --data-dir or set CALLVAULT_DATA_DIR")
    resolved = Path(raw_dir).expanduser().resolve()
    url = database_url or env.get("CALLVAULT_DATABASE_URL") or sqlite_url(resolved)
    url = normalise_database_url(url)
    blob_store = env.get("CALLVAULT_BLOB_STORE", "local")
    s3 = None
    if blob_store == "s3":
        bucket = env.get("CALLVAULT_S3_BUCKET")
        if not bucket:
            raise InvalidInput("CALLVAULT_BLOB_STORE=s3 needs CALLVAULT_S3_BUCKET")
        s3 = S3Settings(
            bucket=bucket,
            endpoint_url=env.get("CALLVAULT_S3_ENDPOINT_URL") or None,
            region=env.get("CALLVAULT_S3_REGION", "us-east-1"),
        )
    elif blob_store != "local":
        raise InvalidInput("CALLVAULT_BLOB_STORE must be 'local' or 's3'")
    return Settings(
        data_dir=resolved,
        database_url=url,
        blob_store=blob_store,
        s3=s3,
        max_recording_bytes=_int_env(
            env, "CALLVAULT_MAX_RECORDING_BYTES", DEFAULT_MAX_RECORDING_BYTES
        ),
        max_transcript_bytes=_int_env(
            env, "CALLVAULT_MAX_TRANSCRIPT_BYTES", DEFAULT_MAX_TRANSCRIPT_BYTES
        ),
        audit_sign_every_events=_int_env(env, "CALLVAULT_AUDIT_SIGN_EVERY_EVENTS", 1000),
        audit_sign_every_seconds=_int_env(env, "CALLVAULT_AUDIT_SIGN_EVERY_SECONDS", 60),
        audit_retention_days=_audit_retention_days(env),
        transcriber=_transcriber(env),
        audit_writer=_audit_writer(env),
        signin_throttle=_signin_throttle(env),
        dni_throttle=_dni_throttle(env),
        twilio_ca_bundle=Path(env["CALLVAULT_TWILIO_CA_BUNDLE"])
        if env.get("CALLVAULT_TWILIO_CA_BUNDLE")
        else None,
        conversions_ca_bundle=Path(env["CALLVAULT_CONVERSIONS_CA_BUNDLE"])
        if env.get("CALLVAULT_CONVERSIONS_CA_BUNDLE")
        else None,
    )


def _signin_throttle(env: dict[str, str]) -> SignInThrottleSettings:
    defaults = SignInThrottleSettings()
    return SignInThrottleSettings(
        address_burst=_int_env(env, "CALLVAULT_SIGNIN_ADDRESS_BURST", defaults.address_burst),
        address_interval_seconds=_int_env(
            env, "CALLVAULT_SIGNIN_ADDRESS_INTERVAL_SECONDS", defaults.address_interval_seconds
        ),
        account_burst=_int_env(env, "CALLVAULT_SIGNIN_ACCOUNT_BURST", defaults.account_burst),
        account_interval_seconds=_int_env(
            env, "CALLVAULT_SIGNIN_ACCOUNT_INTERVAL_SECONDS", defaults.account_interval_seconds
        ),
    )


def _dni_throttle(env: dict[str, str]) -> DniThrottleSettings:
    defaults = DniThrottleSettings()
    return DniThrottleSettings(
        address_burst=_int_env(env, "CALLVAULT_DNI_ADDRESS_BURST", defaults.address_burst),
        address_interval_seconds=_int_env(
            env, "CALLVAULT_DNI_ADDRESS_INTERVAL_SECONDS", defaults.address_interval_seconds
        ),
    )


def _transcriber(env: dict[str, str]) -> str:
    name = env.get("CALLVAULT_TRANSCRIBER") or "pocketsphinx"
    if name not in TRANSCRIBERS:
        raise InvalidInput("CALLVAULT_TRANSCRIBER must be 'pocketsphinx' or 'none'")
    return name


def _audit_writer(env: dict[str, str]) -> str:
    name = env.get("CALLVAULT_AUDIT_WRITER") or "process"
    if name not in AUDIT_WRITERS:
        raise InvalidInput("CALLVAULT_AUDIT_WRITER must be 'process' or 'thread'")
    return name


def _audit_retention_days(env: dict[str, str]) -> int:
    days = _int_env(env, "CALLVAULT_AUDIT_RETENTION_DAYS", MIN_AUDIT_RETENTION_DAYS)
    if days < MIN_AUDIT_RETENTION_DAYS:
        raise InvalidInput(
            f"CALLVAULT_AUDIT_RETENTION_DAYS must be at least {MIN_AUDIT_RETENTION_DAYS}"
            " (six years: HIPAA 164.316(b)(2)(i))"
        )
    return days


def normalise_database_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith(("postgresql+psycopg://", "sqlite:///")):
        return url
    raise InvalidInput("CALLVAULT_DATABASE_URL must be a postgresql:// URL")
