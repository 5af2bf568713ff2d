"""A tenant's redaction policy: how its transcripts are redacted at ingest
(``callvault.calls.transcripts``), kept on the tenant's ``tenant_policies`` row.

The detection engine takes the policy as a value; this module is where the value is
loaded, validated and stored, and where a policy admin's change of it is audited."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.phone import to_e164
from callvault.tenants.models import TenantPolicy


class RedactionOperator(StrEnum):
    LABEL = "label"  # "[NAME]"
    # "[NAME-7f3a]": the same value, the same token, within a tenant
    TOKEN = "token"  # noqa: S105  # an operator name, not a secret


@dataclass(frozen=True)
class RedactionPolicy:
    """How a tenant's transcripts are redacted. The defaults are the safe ones."""

    keep_original_transcripts: bool = False
    operator: RedactionOperator = RedactionOperator.LABEL
    redact_medical: bool = False
    clinic_names: tuple[str, ...] = ()
    clinic_phones: tuple[str, ...] = ()  # E.164


def load_redaction_policy(session: Session, tenant_id: str) -> RedactionPolicy:
    row = session.get(TenantPolicy, tenant_id)
    if row is None:
        return RedactionPolicy()
    return RedactionPolicy(
        keep_original_transcripts=row.keep_original_transcripts,
        # An unknown stored operator falls back to the one that shows nothing of the value.
        operator=RedactionOperator(row.redaction_operator)
        if row.redaction_operator in tuple(RedactionOperator)
        else RedactionOperator.LABEL,
        redact_medical=row.redact_medical,
        clinic_names=tuple(json.loads(row.clinic_names or "[]")),
        clinic_phones=tuple(json.loads(row.clinic_phones or "[]")),
    )


def save_redaction_policy(
    session: Session, tenant_id: str, policy: RedactionPolicy
) -> RedactionPolicy:
    """Store ``policy`` with its clinic phones in E.164 (InvalidInput names the field)."""
    phones = tuple(dict.fromkeys(to_e164(p, "clinic_phones") for p in policy.clinic_phones))
    names = tuple(dict.fromkeys(" ".join(n.split()) for n in policy.clinic_names))
    row = session.get(TenantPolicy, tenant_id) or TenantPolicy(tenant_id=tenant_id)
    row.keep_original_transcripts = policy.keep_original_transcripts
    row.redaction_operator = policy.operator.value
    row.redact_medical = policy.redact_medical
    row.clinic_names = json.dumps(list(names))
    row.clinic_phones = json.dumps(list(phones))
    session.add(row)
    return RedactionPolicy(
        policy.keep_original_transcripts, policy.operator, policy.redact_medical, names, phones
    )


class RedactionPolicyService:
    """The redaction policy of the principal's tenant, read and replaced by a policy
    admin; a replacement is audited and committed before it is returned."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def get(self) -> RedactionPolicy:
        return load_redaction_policy(self._ctx.session, self._ctx.principal.tenant_id)

    def replace(self, wanted: RedactionPolicy) -> RedactionPolicy:
        tenant_id = self._ctx.principal.tenant_id
        policy = save_redaction_policy(self._ctx.session, tenant_id, wanted)
        self._ctx.audit(AuditAction.POLICY_UPDATE, tenant_id)
        self._ctx.session.commit()
        return policy
