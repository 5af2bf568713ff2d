"""The audit log's keys: a per-tenant secret (entry MACs, PHI term hashes) and the
Ed25519 key that signs tree heads, both wrapped by the root key.

They are apart from tenant keys on purpose: destroying a tenant's data keys must leave
its audit trail verifiable for the six years HIPAA asks (164.316(b)(2)(i)).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select
from sqlalchemy.orm import Session

from callvault.audit.models import AuditSigningKey
from callvault.crypto import aead
from callvault.crypto.keyprovider import RootKeyProvider
from callvault.db.base import new_id

TERM_PREFIX = "hmac-sha256:"
# The tenant's wrapped audit secret, or a function that reads it (only on a cache miss).
WrappedSecret = bytes | Callable[[], bytes]


def _secret_ad(tenant_id: str) -> bytes:
    return f"callvault/audit-secret/v1|{tenant_id}".encode()


def _signing_ad(tenant_id: str, key_id: str) -> bytes:
    return f"callvault/audit-signing-key/v1|{tenant_id}|{key_id}".encode()


class AuditKeys:
    """Unwraps and caches, for the life of the process, each tenant's audit keys.

    One instance per session factory; sessions find it in ``session.info``."""

    def __init__(self, root: RootKeyProvider) -> None:
        self._root = root
        self._lock = threading.Lock()
        self._mac_keys: dict[str, tuple[bytes, bytes]] = {}
        self._signing: dict[str, tuple[str, Ed25519PrivateKey]] = {}

    def new_wrapped_secret(self, tenant_id: str) -> bytes:
        return self._root.wrap(aead.generate_key(), _secret_ad(tenant_id))

    def _subkeys(self, tenant_id: str, wrapped_secret: WrappedSecret) -> tuple[bytes, bytes]:
        cached = self._mac_keys.get(tenant_id)
        if cached is None:
            wrapped = wrapped_secret() if callable(wrapped_secret) else wrapped_secret
            secret = self._root.unwrap(wrapped, _secret_ad(tenant_id))
            cached = (
                aead.derive_subkey(secret, "audit-entry-mac"),
                aead.derive_subkey(secret, "audit-term-hash"),
            )
            with self._lock:
                self._mac_keys[tenant_id] = cached
        return cached

    def mac_key(self, tenant_id: str, wrapped_secret: WrappedSecret) -> bytes:
        return self._subkeys(tenant_id, wrapped_secret)[0]

    def term_hash(self, tenant_id: str, wrapped_secret: WrappedSecret, term: str) -> str:
        """The keyed hash under which a PHI value (a phone number, a name) may appear in
        the audit trail; the same value always gives the same hash within a tenant.
        ``wrapped_secret`` may be a function that reads it, called only on a cache miss."""
        key = self._subkeys(tenant_id, wrapped_secret)[1]
        return TERM_PREFIX + hmac.new(key, term.encode("utf-8"), hashlib.sha256).hexdigest()

    def signing_key(self, session: Session, tenant_id: str) -> tuple[str, Ed25519PrivateKey]:
        """The tenant's signing key, made (and added to ``session``) on first use."""
        cached = self._signing.get(tenant_id)
        if cached is not None:
            return cached
        row = session.execute(
            select(AuditSigningKey)
            .where(AuditSigningKey.tenant_id == tenant_id)
            .order_by(AuditSigningKey.created_at.desc())
            .limit(1)
        ).scalar_one_or_none()
        if row is None:
            row = self._new_signing_key(session, tenant_id)
            return row.id, self._load(row)  # cached only once its row is committed
        key = (row.id, self._load(row))
        with self._lock:
            self._signing[tenant_id] = key
        return key

    def _new_signing_key(self, session: Session, tenant_id: str) -> AuditSigningKey:
        private = Ed25519PrivateKey.generate()
        key_id = new_id()
        row = AuditSigningKey(
            id=key_id,
            tenant_id=tenant_id,
            public_key=private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
            wrapped_private_key=self._root.wrap(
                private.private_bytes_raw(), _signing_ad(tenant_id, key_id)
            ),
        )
        session.add(row)
        session.flush()
        return row

    def _load(self, row: AuditSigningKey) -> Ed25519PrivateKey:
        raw = self._root.unwrap(row.wrapped_private_key, _signing_ad(row.tenant_id, row.id))
        return Ed25519PrivateKey.from_private_bytes(raw)

    def check_signing_key(self, row: AuditSigningKey) -> bool:
        """True when the stored public key is the one the root-wrapped private key makes:
        a key swapped in the database alone cannot be unwrapped, so it fails here."""
        try:
            private = self._load(row)
        except Exception:
            return False
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return hmac.compare_digest(public, row.public_key)
