"""Shreds made after a backup, made again in a vault restored from it.

A backup holds the wrapped data keys it held when it was made (``docs/backups.md``), so
a vault restored from a backup older than a shred could open the shredded object again.
The vault that did the shred remembers it: a destroyed key keeps its ``data_keys`` row
(``wrapped_dek`` NULL, ``destroyed_at`` set), and a call whose PHI fields were shredded
keeps ``phi_shredded_at``. That table is the shred ledger: it outlives the objects and
is never pruned. ``reapply_shreds`` reads it from the source vault (the live one, or the
newest backup restored beside it) and crypto-shreds, in the restored vault, every object
whose key the source destroyed and every call's PHI the source shredded, with one
deletion certificate (``backup:reshred``) each, in one transaction per tenant.

Calls the source removed whole (``call_metadata``) lose their objects and PHI this way
too; their rows, which hold no PHI, are left for the restored vault's own retention.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import RequestInfo
from callvault.authz.principal import system_principal
from callvault.blobs.factory import create_blob_store
from callvault.calls.models import Call, StoredObject
from callvault.cli.vault import open_sessions
from callvault.crypto.keyring import KeyCache, Keyring
from callvault.crypto.models import DataKey
from callvault.db.tenancy import all_tenants
from callvault.lifecycle.shredding import Shredder
from callvault.settings import Settings
from callvault.tenants.models import Tenant

RESHREDDER = "restore-reshred"
BASIS = "restore: shredded in the source vault after the backup"
_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class Ledger:
    """What the source vault destroyed: data key ids, and calls whose PHI was shredded."""

    key_ids: frozenset[str]
    phi_call_ids: frozenset[str]


def read_ledger(source: Settings) -> Ledger:
    with open_sessions(source) as (sessions, _), sessions() as session, all_tenants(session):
        keys = session.scalars(select(DataKey.id).where(DataKey.destroyed_at.is_not(None)))
        calls = session.scalars(select(Call.id).where(Call.phi_shredded_at.is_not(None)))
        return Ledger(frozenset(keys), frozenset(calls))


def reapply_shreds(target: Settings, ledger: Ledger) -> int:
    """Shred in ``target`` what ``ledger`` says was destroyed; how many pieces."""
    blobs = create_blob_store(target)
    done = 0
    with open_sessions(target) as (sessions, root):
        with sessions() as session, all_tenants(session):
            tenant_ids = list(session.scalars(select(Tenant.id).order_by(Tenant.id)))
        for tenant_id in tenant_ids:
            with sessions() as session:
                ctx = ServiceContext(
                    session=session,
                    principal=system_principal(tenant_id, RESHREDDER, []),
                    request=RequestInfo(user_agent="callvault-restore"),
                    keyring=Keyring(session, root, KeyCache()),
                )
                shredder = Shredder(ctx, blobs, AuditAction.BACKUP_RESHRED, BASIS)
                _shred_tenant(ctx, shredder, ledger)
                done += len(shredder.commit())
    return done


def _shred_tenant(ctx: ServiceContext, shredder: Shredder, ledger: Ledger) -> None:
    session = ctx.session
    for ids in _chunks(ledger.key_ids):
        shredder.shred_objects(
            session.scalars(select(StoredObject).where(StoredObject.data_key_id.in_(ids)))
        )
        # A key whose object row is already gone (an export's, say): destroy it alone.
        for key in _live_keys(session, ids):
            ctx.keyring.shred_data_key(key)
    for ids in _chunks(ledger.phi_call_ids):
        shredder.shred_phi(session.scalars(select(Call).where(Call.id.in_(ids))))


def _live_keys(session: Session, ids: list[str]) -> list[DataKey]:
    statement = select(DataKey).where(DataKey.id.in_(ids), DataKey.wrapped_dek.is_not(None))
    return list(session.scalars(statement))


def _chunks(ids: frozenset[str]) -> Iterator[list[str]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]
