"""Tenant key rotation: add a version, then a rewrap job moves every DEK and every
encrypted field to it. Old versions keep decrypting until the job is done, and the
job can be interrupted and run again (each batch commits on its own)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callvault.crypto.keyring import Keyring
from callvault.crypto.models import DataKey


@dataclass(frozen=True)
class FieldSpec:
    """Encrypted columns of one model; ``ad(tenant_id, row_id, column)`` is their AD."""

    model: Any
    columns: Sequence[str]
    ad: Callable[[str, str, str], bytes]


@dataclass(frozen=True)
class RewrapReport:
    data_keys: int
    fields: int


def rotate_tenant_key(session: Session, keyring: Keyring, tenant_id: str) -> int:
    version = keyring.add_tenant_key_version(tenant_id)
    session.commit()
    return version


def rewrap_tenant(
    session: Session,
    keyring: Keyring,
    tenant_id: str,
    fields: Sequence[FieldSpec],
    batch_size: int = 500,
) -> RewrapReport:
    data_keys = _rewrap_data_keys(session, keyring, tenant_id, batch_size)
    moved = sum(_rewrap_fields(session, keyring, tenant_id, spec, batch_size) for spec in fields)
    return RewrapReport(data_keys=data_keys, fields=moved)


def _rewrap_data_keys(session: Session, keyring: Keyring, tenant_id: str, batch: int) -> int:
    current = keyring.current_version(tenant_id)
    moved = 0
    while True:
        rows = (
            session.execute(
                select(DataKey)
                .where(
                    DataKey.tenant_id == tenant_id,
                    DataKey.key_version < current,
                    DataKey.wrapped_dek.is_not(None),
                )
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return moved
        moved += sum(keyring.rewrap_data_key(row) for row in rows)
        session.commit()


def _rewrap_fields(
    session: Session, keyring: Keyring, tenant_id: str, spec: FieldSpec, batch: int
) -> int:
    moved, last_id = 0, ""
    while True:
        rows = (
            session.execute(
                select(spec.model)
                .where(spec.model.tenant_id == tenant_id, spec.model.id > last_id)
                .order_by(spec.model.id)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return moved
        for row in rows:
            moved += _rewrap_row(keyring, tenant_id, spec, row)
        last_id = rows[-1].id
        session.commit()


def _rewrap_row(keyring: Keyring, tenant_id: str, spec: FieldSpec, row: Any) -> int:
    moved = 0
    for column in spec.columns:
        ciphertext = getattr(row, f"{column}_enc")
        if ciphertext is None or keyring.field_is_current(tenant_id, ciphertext):
            continue
        ad = spec.ad(tenant_id, row.id, column)
        plaintext = keyring.decrypt_field(tenant_id, ciphertext, ad)
        setattr(row, f"{column}_enc", keyring.encrypt_field(tenant_id, plaintext, ad))
        moved += 1
    return moved
