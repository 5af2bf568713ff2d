"""Tenant access policy (``policy:admin``): the IP allowlist for sessions and tokens,
and session limits that may only be tightened below 15 minutes idle, 8 hours in all.

New sessions take the limits at sign-in; live sessions are cut down to them at once,
so tightening the policy also shortens sessions already open."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from callvault.audit.service import Outcome, record_event
from callvault.authz.permissions import Permission
from callvault.errors import InvalidInput
from callvault.identity.models import UserSession
from callvault.identity.tenant_policy import (
    AccessPolicy,
    load_access_policy,
    parse_networks,
    save_access_policy,
)
from callvault.web.bodies import parse_json_body
from callvault.web.context import RequestContext, require

router = APIRouter(prefix="/api/v1/policy", tags=["policy"])


class PolicyBody(BaseModel):
    """The policy, in and out. Parsed with ``model_validate_json``: unknown fields
    refused; the minute ranges are checked (tighten-only) by ``save_access_policy``."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    ip_allowlist: Annotated[list[Annotated[str, Field(max_length=64)]], Field(max_length=200)]
    session_idle_minutes: int
    session_absolute_minutes: int


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
    record_event(
        ctx.session,
        ctx.principal,
        "policy:update",
        resource_type="tenant_policy",
        resource_id=tenant_id,
        outcome=Outcome.ALLOWED,
        request=ctx.request,
    )
    ctx.session.commit()
    return policy


@router.get("", response_model=PolicyBody)
def get_policy(
    ctx: Annotated[RequestContext, Depends(require(Permission.POLICY_ADMIN))],
) -> PolicyBody:
    return _body(load_access_policy(ctx.session, ctx.principal.tenant_id))


@router.put("", response_model=PolicyBody)
async def put_policy(
    request: Request,
    ctx: Annotated[RequestContext, Depends(require(Permission.POLICY_ADMIN))],
) -> PolicyBody:
    body = await parse_json_body(request, PolicyBody)
    return _body(update_policy(ctx, body))
