"""Backups in the audit trail: creating or restoring one is an operator action on the
whole vault, so it is recorded in every tenant's log, naming the backup by its id."""

from __future__ import annotations

from sqlalchemy import select

from callvault.audit.actions import AuditAction
from callvault.cli.options import audit_cli_action
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from callvault.tenants.models import Tenant


def record_for_every_tenant(settings: Settings, action: AuditAction, backup_id: str) -> None:
    with open_keyring(settings) as (session, _):
        tenant_ids = list(session.execute(select(Tenant.id)).scalars())
        for tenant_id in tenant_ids:
            audit_cli_action(session, tenant_id, action, backup_id)
        session.commit()
