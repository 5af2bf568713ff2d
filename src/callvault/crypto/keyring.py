"""Tenant keys, data keys and field encryption.

Hierarchy: root key (a ``RootKeyProvider``) wraps versioned tenant keys; a tenant key
version wraps one DEK per object and (through a derived subkey) encrypts PHI columns.
Every ciphertext names the tenant key version that made it, so rotation only adds a
version and ``rewrap`` moves old ciphertexts forward without exposing them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import LargeBinary, String, bindparam, column, func, select, table
from sqlalchemy.orm import Session

from callvault.crypto import aead
from callvault.crypto.errors import KeyUnavailable
from callvault.crypto.keyprovider import RootKeyProvider
from callvault.crypto.models import DataKey, TenantKey
from callvault.db.base import new_id, utcnow

_DEK_WRAP = "dek-wrap"
_FIELD = "field"


# The tenant's wrapped blind-index key is a column of its ``tenants`` row (written by
# ``callvault.tenants`` with ``new_index_key``). It is named here as a bare table
# rather than through the ``Tenant`` model, so that crypto, which every capability
# uses, imports none of them.
_TENANTS = table("tenants", column("id", String), column("wrapped_index_key", LargeBinary))
_WRAPPED_INDEX_KEY = select(_TENANTS.c.wrapped_index_key).where(
    _TENANTS.c.id == bindparam("tenant_id")
)
# The tenant's newest key version, looked up once per request that encrypts.
_NEWEST_VERSION = select(func.max(TenantKey.version)).where(
    TenantKey.tenant_id == bindparam("tenant_id")
)


def _tenant_key_ad(tenant_id: str, version: int) -> bytes:
    return f"callvault/tenant-key/v1|{tenant_id}|{version}".encode()


def _index_key_ad(tenant_id: str) -> bytes:
    return f"callvault/index-key/v1|{tenant_id}".encode()


def _dek_ad(tenant_id: str, object_id: str, purpose: str) -> bytes:
    return f"callvault/dek/v1|{tenant_id}|{object_id}|{purpose}".encode()


@dataclass(frozen=True)
class UnwrappedDataKey:
    id: str
    dek: bytes

    def __repr__(self) -> str:
        return f"UnwrappedDataKey(id={self.id!r})"


class KeyCache:
    """Unwrapped tenant keys (and their derived subkeys) shared by the keyrings of one
    process, each kept at most ``max_age_s``: a server would otherwise read and unwrap
    the tenant key on every request. Stored key versions never change, so a cached key
    is never stale; the age only bounds how long key material outlives its use (as the
    caching of data keys in the AWS Encryption SDK does)."""

    def __init__(self, max_age_s: float = 300.0, max_entries: int = 1024) -> None:
        self._max_age_s = max_age_s
        self._max_entries = max_entries
        self._keys: dict[tuple[str, ...], tuple[bytes, float]] = {}

    def get(self, name: tuple[str, ...]) -> bytes | None:
        found = self._keys.get(name)
        if found is None or found[1] < time.monotonic():
            return None
        return found[0]

    def put(self, name: tuple[str, ...], key: bytes) -> None:
        if len(self._keys) >= self._max_entries:
            self._keys.clear()  # simpler than LRU, and a refill costs one read per tenant
        self._keys[name] = (key, time.monotonic() + self._max_age_s)


class Keyring:
    """Key operations for one database session. Unwrapped keys are cached for the life
    of this object (one request or one job), or in a shared ``KeyCache``."""

    def __init__(
        self, session: Session, root: RootKeyProvider, cache: KeyCache | None = None
    ) -> None:
        self._session = session
        self._root = root
        self._cache = cache or KeyCache()
        self._current: dict[str, int] = {}

    # -- tenant keys -------------------------------------------------------------

    def new_index_key(self, tenant_id: str) -> bytes:
        """A fresh wrapped blind-index key for a tenant being created."""
        return self._root.wrap(aead.generate_key(), _index_key_ad(tenant_id))

    def add_tenant_key_version(self, tenant_id: str) -> int:
        """Create the next tenant key version (version 1 for a new tenant)."""
        version = self._max_version(tenant_id) + 1
        key = aead.generate_key()
        self._session.add(
            TenantKey(
                tenant_id=tenant_id,
                version=version,
                root_key_id=self._root.key_id,
                wrapped_key=self._root.wrap(key, _tenant_key_ad(tenant_id, version)),
            )
        )
        self._session.flush()
        self._cache.put(("tenant", tenant_id, str(version)), key)
        self._current[tenant_id] = version
        return version

    def current_version(self, tenant_id: str) -> int:
        if tenant_id not in self._current:
            version = self._max_version(tenant_id)
            if version == 0:
                raise KeyUnavailable("the tenant has no key")
            self._current[tenant_id] = version
        return self._current[tenant_id]

    def _max_version(self, tenant_id: str) -> int:
        # Once per request that encrypts: built once, on the connection (no ORM hooks).
        values = {"tenant_id": tenant_id}
        return self._session.connection().execute(_NEWEST_VERSION, values).scalar() or 0

    def tenant_key(self, tenant_id: str, version: int) -> bytes:
        cached = self._cache.get(("tenant", tenant_id, str(version)))
        if cached is not None:
            return cached
        row = self._session.execute(
            select(TenantKey).where(TenantKey.tenant_id == tenant_id, TenantKey.version == version)
        ).scalar_one_or_none()
        if row is None:
            raise KeyError(version)
        key = self._root.unwrap(row.wrapped_key, _tenant_key_ad(tenant_id, version))
        self._cache.put(("tenant", tenant_id, str(version)), key)
        return key

    def _subkey(self, tenant_id: str, version: int, purpose: str) -> bytes:
        name = ("subkey", tenant_id, str(version), purpose)
        cached = self._cache.get(name)
        if cached is None:
            cached = aead.derive_subkey(self.tenant_key(tenant_id, version), purpose)
            self._cache.put(name, cached)
        return cached

    # -- data keys (one per object) ---------------------------------------------

    def new_data_key(
        self, tenant_id: str, object_id: str, purpose: str
    ) -> tuple[DataKey, UnwrappedDataKey]:
        """A fresh DEK for one object and its wrapped row. The row is not added to the
        session: an upload adds it only once its blob is durably stored."""
        version = self.current_version(tenant_id)
        dek = aead.generate_key()
        row = DataKey(
            id=new_id(),
            tenant_id=tenant_id,
            object_id=object_id,
            purpose=purpose,
            key_version=version,
            wrapped_dek=self._wrap_dek(tenant_id, version, object_id, purpose, dek),
        )
        return row, UnwrappedDataKey(id=row.id, dek=dek)

    def _wrap_dek(
        self, tenant_id: str, version: int, object_id: str, purpose: str, dek: bytes
    ) -> bytes:
        wrap_key = self._subkey(tenant_id, version, _DEK_WRAP)
        return aead.seal_versioned(wrap_key, version, dek, _dek_ad(tenant_id, object_id, purpose))

    def unwrap_data_key(self, row: DataKey) -> UnwrappedDataKey:
        if row.wrapped_dek is None:
            raise KeyUnavailable("the object's key was destroyed")
        dek = aead.open_versioned(
            lambda v: self._subkey(row.tenant_id, v, _DEK_WRAP),
            row.wrapped_dek,
            _dek_ad(row.tenant_id, row.object_id, row.purpose),
        )
        return UnwrappedDataKey(id=row.id, dek=dek)

    def shred_data_key(self, row: DataKey) -> None:
        """Crypto-shred: destroy the wrapped DEK. The caller commits and deletes the blob."""
        row.wrapped_dek = None
        row.destroyed_at = utcnow()

    def rewrap_data_key(self, row: DataKey) -> bool:
        """Move one DEK to the current tenant key version; False if nothing to do."""
        current = self.current_version(row.tenant_id)
        if row.wrapped_dek is None or row.key_version == current:
            return False
        dek = self.unwrap_data_key(row).dek
        row.wrapped_dek = self._wrap_dek(row.tenant_id, current, row.object_id, row.purpose, dek)
        row.key_version = current
        return True

    # -- fields and blind indexes -----------------------------------------------

    def encrypt_field(self, tenant_id: str, value: str, associated_data: bytes) -> bytes:
        version = self.current_version(tenant_id)
        key = self._subkey(tenant_id, version, _FIELD)
        return aead.seal_versioned(key, version, value.encode("utf-8"), associated_data)

    def decrypt_field(self, tenant_id: str, ciphertext: bytes, associated_data: bytes) -> str:
        plaintext = aead.open_versioned(
            lambda v: self._subkey(tenant_id, v, _FIELD), ciphertext, associated_data
        )
        return plaintext.decode("utf-8")

    def field_is_current(self, tenant_id: str, ciphertext: bytes) -> bool:
        return aead.versioned_key_version(ciphertext) == self.current_version(tenant_id)

    def blind_index(self, tenant_id: str, value: str) -> str:
        key = self._cache.get(("index", tenant_id))
        if key is None:
            wrapped = self._session.execute(
                _WRAPPED_INDEX_KEY, {"tenant_id": tenant_id}
            ).scalar_one_or_none()
            if wrapped is None:
                raise KeyUnavailable("unknown tenant")
            key = self._root.unwrap(wrapped, _index_key_ad(tenant_id))
            self._cache.put(("index", tenant_id), key)
        return aead.blind_index(key, value)
