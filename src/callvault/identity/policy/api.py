"""``/api/v1/policy`` (``policy:admin``): the tenant's IP allowlist for sessions and
tokens, and session limits that may only be tightened below 15 minutes idle, 8 hours
in all (``callvault.identity.policy.service``).

How transcripts are redacted is its own resource, ``/api/v1/policy/redaction``
(``callvault.redaction.api``), so that a PUT of either can never reset the other."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import ConfigDict, Field

from callvault.authz.permissions import Permission
from callvault.identity.policy.access import MAX_ABSOLUTE_MINUTES, MAX_IDLE_MINUTES, AccessPolicy
from callvault.identity.policy.service import AccessPolicyService
from callvault.inputs import InputModel
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require
from callvault.web.pools import PooledRoute

router = APIRouter(prefix="/api/v1/policy", tags=["policy"], route_class=PooledRoute)


# An IPv4 or IPv6 address or CIDR network ("203.0.113.0/24", "2001:db8::/32").
Network = Annotated[str, Field(max_length=64, pattern=r"^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$")]


class PolicyBody(InputModel):
    """The policy, in and out. Parsed with ``model_validate_json``: unknown fields
    refused; the minute ranges are checked (tighten-only) by ``save_access_policy``."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    ip_allowlist: Annotated[list[Network], Field(max_length=200)]
    session_idle_minutes: Annotated[int, Field(ge=1, le=MAX_IDLE_MINUTES)]
    session_absolute_minutes: Annotated[int, Field(ge=1, le=MAX_ABSOLUTE_MINUTES)]


def _body(policy: AccessPolicy) -> PolicyBody:
    return PolicyBody(
        ip_allowlist=[str(n) for n in policy.networks],
        session_idle_minutes=policy.idle_minutes,
        session_absolute_minutes=policy.absolute_minutes,
    )


def _service(ctx: RequestContext) -> AccessPolicyService:
    return AccessPolicyService(ctx)


@router.get("", response_model=PolicyBody)
def get_policy(
    ctx: Annotated[RequestContext, Depends(require(Permission.POLICY_ADMIN))],
) -> PolicyBody:
    return _body(_service(ctx).get())


@router.put("", response_model=PolicyBody)
def put_policy(
    ctx: Annotated[RequestContext, Depends(require(Permission.POLICY_ADMIN))],
    body: Annotated[PolicyBody, Depends(json_body(PolicyBody))],
) -> PolicyBody:
    policy = _service(ctx).replace(
        ip_allowlist=body.ip_allowlist,
        idle_minutes=body.session_idle_minutes,
        absolute_minutes=body.session_absolute_minutes,
    )
    return _body(policy)
