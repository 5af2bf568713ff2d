"""/admin/policy (``policy:admin``): the access policy (IP allowlist, session limits,
``AccessPolicyService``) and the redaction policy (``RedactionPolicyService``), each
its own form, checked by the same body models as ``PUT /api/v1/policy`` and
``PUT /api/v1/policy/redaction``, so that saving one never resets the other."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response

from callvault.authz.permissions import Permission
from callvault.dashboard.access import form, page, page_router
from callvault.dashboard.admin import (
    Fields,
    back,
    checked,
    checked_model,
    lines,
    page_of,
    text,
    whole_number,
)
from callvault.errors import InvalidInput
from callvault.identity.policy.access import MAX_ABSOLUTE_MINUTES, MAX_IDLE_MINUTES, AccessPolicy
from callvault.identity.policy.api import PolicyBody
from callvault.identity.policy.service import AccessPolicyService
from callvault.redaction.api import RedactionPolicyBody
from callvault.redaction.policy import RedactionPolicy, RedactionPolicyService
from callvault.web.context import RequestContext

router = page_router()

PolicyPage = Annotated[RequestContext, Depends(page(Permission.POLICY_ADMIN))]
PolicyForm = Annotated[RequestContext, Depends(form(Permission.POLICY_ADMIN))]

ACCESS_FIELDS = ("ip_allowlist", "session_idle_minutes", "session_absolute_minutes")


def _access_values(policy: AccessPolicy) -> dict[str, Any]:
    return {
        "ip_allowlist": [str(n) for n in policy.networks],
        "session_idle_minutes": policy.idle_minutes,
        "session_absolute_minutes": policy.absolute_minutes,
    }


def _redaction_values(policy: RedactionPolicy) -> dict[str, Any]:
    return {
        "keep_original_transcripts": policy.keep_original_transcripts,
        "redaction_operator": policy.operator.value,
        "redact_medical": policy.redact_medical,
        "clinic_names": list(policy.clinic_names),
        "clinic_phones": list(policy.clinic_phones),
    }


def _policy_page(
    request: Request,
    ctx: RequestContext,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    access: dict[str, Any] | None = None,
    redaction: dict[str, Any] | None = None,
) -> Response:
    return page_of(
        request,
        "admin_policy.html",
        ctx.principal,
        status=status,
        errors=errors,
        access=access or _access_values(AccessPolicyService(ctx).get()),
        redaction=redaction or _redaction_values(RedactionPolicyService(ctx).get()),
        max_idle=MAX_IDLE_MINUTES,
        max_absolute=MAX_ABSOLUTE_MINUTES,
        source_ip=ctx.request.source_ip,
    )


@router.get("/admin/policy")
def policy_page(request: Request, ctx: PolicyPage) -> Response:
    return _policy_page(request, ctx)


@router.post("/admin/policy/access")
def save_access_policy(request: Request, ctx: PolicyForm, fields: Fields) -> Response:
    data: dict[str, Any] = {
        "ip_allowlist": lines(fields, "ip_allowlist"),
        "session_idle_minutes": whole_number(text(fields, "session_idle_minutes")),
        "session_absolute_minutes": whole_number(text(fields, "session_absolute_minutes")),
    }
    body, errors = checked_model(PolicyBody, data)
    if body is None:
        return _policy_page(request, ctx, status=422, errors=errors, access=data)
    try:
        AccessPolicyService(ctx).replace(
            ip_allowlist=body.ip_allowlist,
            idle_minutes=body.session_idle_minutes,
            absolute_minutes=body.session_absolute_minutes,
        )
    except InvalidInput as exc:  # not a network; an allowlist that shuts this client out
        ctx.session.rollback()
        named = next((f for f in ACCESS_FIELDS if exc.detail.startswith(f)), "ip_allowlist")
        return _policy_page(request, ctx, status=422, errors={named: exc.detail}, access=data)
    return back("/admin/policy", "access-saved")


@router.post("/admin/policy/redaction")
def save_redaction_policy(request: Request, ctx: PolicyForm, fields: Fields) -> Response:
    data: dict[str, Any] = {
        "keep_original_transcripts": checked(fields, "keep_original_transcripts"),
        "redaction_operator": text(fields, "redaction_operator"),
        "redact_medical": checked(fields, "redact_medical"),
        "clinic_names": lines(fields, "clinic_names"),
        "clinic_phones": lines(fields, "clinic_phones"),
    }
    body, errors = checked_model(RedactionPolicyBody, data)
    if body is None:
        return _policy_page(request, ctx, status=422, errors=errors, redaction=data)
    try:
        RedactionPolicyService(ctx).replace(body.to_policy())
    except InvalidInput as exc:
        ctx.session.rollback()
        return _policy_page(
            request, ctx, status=422, errors={"clinic_phones": exc.detail}, redaction=data
        )
    return back("/admin/policy", "redaction-saved")
