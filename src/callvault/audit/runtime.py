"""What the audit log needs beyond a session: its keys, the signing policy and, while
the server runs, the group committer. Sessions carry it in ``session.info``."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

from callvault.audit.keys import AuditKeys
from callvault.crypto.keyprovider import RootKeyProvider
from callvault.errors import AuditUnavailable
from callvault.settings import Settings

SESSION_INFO_KEY = "callvault.audit"


class ReceiptLike(Protocol):
    def wait(self, timeout: float = ...) -> int:
        """Block until the event is durable; its sequence number."""
        ...

    async def wait_async(self, timeout: float = ...) -> int:
        """The same, on an event loop."""
        ...


class GroupCommitterLike(Protocol):
    def submit(
        self,
        tenant_id: str,
        event: Mapping[str, object],
        rows: Sequence[tuple[str, Mapping[str, object]]] = ...,
    ) -> ReceiptLike:
        """Queue ``event`` (and the new ``rows`` it records) for a shared durable commit,
        without waiting."""
        ...


@dataclass(frozen=True)
class SigningPolicy:
    sign_every_events: int = 1000
    sign_every_seconds: int = 60


@dataclass
class AuditRuntime:
    """What appending needs beyond the session: keys (unwrapped through the root key)
    and the signing policy. Sessions carry it in ``session.info``."""

    keys: AuditKeys
    policy: SigningPolicy = field(default_factory=SigningPolicy)
    # Set by the server while it runs (callvault.audit.groupcommit): reads share commits.
    committer: GroupCommitterLike | None = None

    @classmethod
    def for_settings(cls, settings: Settings, root: RootKeyProvider) -> AuditRuntime:
        policy = SigningPolicy(settings.audit_sign_every_events, settings.audit_sign_every_seconds)
        return cls(AuditKeys(root), policy)

    def session_info(self) -> dict[str, object]:
        return {SESSION_INFO_KEY: self}


def runtime(session: Session) -> AuditRuntime:
    found = session.info.get(SESSION_INFO_KEY)
    if not isinstance(found, AuditRuntime):
        raise AuditUnavailable("the audit log is not configured for this session")
    return found


def now_ms() -> int:
    return time.time_ns() // 1_000_000
