"""Tenant access policy (``policy:admin``): the IP allowlist for sessions and tokens,
and session limits that may only be tightened below 15 minutes idle, 8 hours in all.

New sessions take the limits at sign-in; live sessions are cut down to them at once,
so tightening the policy also shortens sessions already open.

``/api/v1/policy/redaction`` holds how transcripts are redacted at ingest (see
docs/transcripts.md). It is its own resource so that a PUT of the access policy can
never reset it, nor the other way round."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.service import Outcome, record_event
from callvault.authz.permissions import Permission
from callvault.calls.schemas import PHONE_DESCRIPTION, PHONE_PATTERN
from callvault.errors import InvalidInput
from callvault.identity.models import UserSession
from callvault.identity.policy.access import (
    MAX_ABSOLUTE_MINUTES,
    MAX_IDLE_MINUTES,
    AccessPolicy,
    RedactionOperator,
    RedactionPolicy,
    load_access_policy,
    load_redaction_policy,
    parse_networks,
    save_access_policy,
    save_redaction_policy,
)
from callvault.inputs import InputModel
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require

router = APIRouter(prefix="/api/v1/policy", tags=["policy"])


# An IPv4 or IPv6 address or CIDR network ("203.0.113.0/24", "2001:db8::/32").
Network = Annotated[str, Field(max_length=64, pattern=r"^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$")]


class PolicyBody(InputModel):
    """The policy, in and out. Parsed with ``model_validate_json``: unknown fields
    refused; the minute ranges are checked (tighten-only) by ``save_access_policy``."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    ip_allowlist: Annotated[list[Network], Field(max_length=200)]
    session_idle_minutes: Annotated[int, Field(ge=1, le=MAX_IDLE_MINUTES)]
    session_absolute_minutes: Annotated[int, Field(ge=1, le=MAX_ABSOLUTE_MINUTES)]


# No control characters: whitespace is collapsed before a name is stored, and a name
# must still be one afterwards.
ClinicName = Annotated[str, Field(min_length=2, max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")]
ClinicPhone = Annotated[
    str, Field(min_length=7, max_length=40, pattern=PHONE_PATTERN, description=PHONE_DESCRIPTION)
]


class RedactionPolicyBody(InputModel):
    """The redaction policy, in and out. A PUT replaces all of it: an omitted field
    takes its (safe) default. Clinic phones come back in E.164."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    keep_original_transcripts: bool = False
    redaction_operator: Literal["label", "token"] = "label"
    redact_medical: bool = False
    clinic_names: list[ClinicName] = Field(default_factory=list, max_length=20)
    clinic_phones: list[ClinicPhone] = Field(default_factory=list, max_length=20)


def _redaction_body(policy: RedactionPolicy) -> RedactionPolicyBody:
    return RedactionPolicyBody(
        keep_original_transcripts=policy.keep_original_transcripts,
        redaction_operator=policy.operator.value,
        redact_medical=policy.redact_medical,
        clinic_names=list(policy.clinic_names),
        clinic_phones=list(policy.clinic_phones),
    )


def _body(policy: AccessPolicy) -> PolicyBody:
    return PolicyBody(
        ip_allowlist=[str(n) for n in policy.networks],
        session_idle_minutes=policy.idle_minutes,
        session_absolute_minutes=policy.absolute_minutes,
    )


def _tighten_live_sessions(db: Session, tenant_id: str, policy: AccessPolicy) -> None:
    rows = db.execute(
        select(UserSession).where(
            UserSession.tenant_id == tenant_id, UserSession.revoked_at.is_(None)
        )
    ).scalars()
    for row in rows:
        row.idle_seconds = min(row.idle_seconds, policy.idle_minutes * 60)
        latest = row.created_at + timedelta(minutes=policy.absolute_minutes)
        row.expires_at = min(row.expires_at, latest)


def update_policy(ctx: RequestContext, body: PolicyBody) -> AccessPolicy:
    """Save the policy, refusing an allowlist that would shut out the very client
    setting it (the next request would be its last)."""
    networks = parse_networks(body.ip_allowlist)
    if networks and not AccessPolicy(networks).allows_ip(ctx.request.source_ip):
        raise InvalidInput("ip_allowlist must include the address this request comes from")
    tenant_id = ctx.principal.tenant_id
    policy = save_access_policy(
        ctx.session,
        tenant_id,
        ip_allowlist=body.ip_allowlist,
        idle_minutes=body.session_idle_minutes,
        absolute_minutes=body.session_absolute_minutes,
    )
    _tighten_live_sessions(ctx.session, tenant_id, policy)
    _audit_update(ctx)
    ctx.session.commit()
    return policy


def update_redaction_policy(ctx: RequestContext, body: RedactionPolicyBody) -> RedactionPolicy:
    wanted = RedactionPolicy(
        keep_original_transcripts=body.keep_original_transcripts,
        operator=RedactionOperator(body.redaction_operator),
        redact_medical=body.redact_medical,
        clinic_names=tuple(body.clinic_names),
        clinic_phones=tuple(body.clinic_phones),
    )
    policy = save_redaction_policy(ctx.session, ctx.principal.tenant_id, wanted)
    _audit_update(ctx)
    ctx.session.commit()
    return policy


def _audit_update(ctx: RequestContext) -> None:
    record_event(
        ctx.session,
        ctx.principal,
        AuditAction.POLICY_UPDATE,
        resource_type="tenant_policy",
        resource_id=ctx.principal.tenant_id,
        outcome=Outcome.ALLOWED,
        request=ctx.request,
    )


@router.get("", response_model=PolicyBody)
def get_policy(
    ctx: Annotated[RequestContext, Depends(require(Permission.POLICY_ADMIN))],
) -> PolicyBody:
    return _body(load_access_policy(ctx.session, ctx.principal.tenant_id))


@router.put("", response_model=PolicyBody)
def put_policy(
    ctx: Annotated[RequestContext, Depends(require(Permission.POLICY_ADMIN))],
    body: Annotated[PolicyBody, Depends(json_body(PolicyBody))],
) -> PolicyBody:
    return _body(update_policy(ctx, body))


@router.get("/redaction", response_model=RedactionPolicyBody)
def get_redaction_policy(
    ctx: Annotated[RequestContext, Depends(require(Permission.POLICY_ADMIN))],
) -> RedactionPolicyBody:
    return _redaction_body(load_redaction_policy(ctx.session, ctx.principal.tenant_id))


@router.put("/redaction", response_model=RedactionPolicyBody)
def put_redaction_policy(
    ctx: Annotated[RequestContext, Depends(require(Permission.POLICY_ADMIN))],
    body: Annotated[RedactionPolicyBody, Depends(json_body(RedactionPolicyBody))],
) -> RedactionPolicyBody:
    return _redaction_body(update_redaction_policy(ctx, body))
