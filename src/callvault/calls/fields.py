"""A call's PHI columns (caller number, caller name, notes): each field-encrypted under
the tenant key, its ciphertext bound to its tenant, row and column.

``CALL_FIELDS`` names them for re-wrapping when the tenant key rotates
(``callvault keys rotate``).
"""

from __future__ import annotations

from callvault.calls.models import Call
from callvault.calls.views import CallRecord
from callvault.crypto.keyring import Keyring
from callvault.crypto.rotation import FieldSpec


def field_ad(tenant_id: str, call_id: str, column: str) -> bytes:
    """Binds a field ciphertext to its tenant, row and column: moved, it fails to open."""
    return f"callvault/field/v1|{tenant_id}|calls|{column}|{call_id}".encode()


CALL_FIELDS = FieldSpec(Call, ("caller_number", "caller_name", "notes"), field_ad)


def encrypt_column(
    keyring: Keyring, tenant_id: str, call_id: str, column: str, value: str | None
) -> bytes | None:
    """``value`` as stored in the call's ``<column>_enc``; None stays None."""
    if value is None:
        return None
    return keyring.encrypt_field(tenant_id, value, field_ad(tenant_id, call_id, column))


def decrypt_column(keyring: Keyring, tenant_id: str, call: CallRecord, column: str) -> str | None:
    """The plaintext of the call's ``<column>_enc``; None if the column is empty."""
    ciphertext: bytes | None = getattr(call, f"{column}_enc")
    if ciphertext is None:
        return None
    return keyring.decrypt_field(tenant_id, ciphertext, field_ad(tenant_id, call.id, column))
