"""``/api/v1/policy/redaction`` (``policy:admin``): how the tenant's transcripts are
redacted at ingest (see docs/transcripts.md).

It is a resource of its own beside the access policy (``/api/v1/policy``, in
``callvault.identity.policy``), so that a PUT of either can never reset the other."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import ConfigDict, Field

from callvault.authz.permissions import Permission
from callvault.inputs import InputModel
from callvault.phone import PHONE_DESCRIPTION, PHONE_PATTERN
from callvault.redaction.policy import RedactionOperator, RedactionPolicy, RedactionPolicyService
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require
from callvault.web.pools import PooledRoute

router = APIRouter(prefix="/api/v1/policy", tags=["policy"], route_class=PooledRoute)

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

    def to_policy(self) -> RedactionPolicy:
        return RedactionPolicy(
            keep_original_transcripts=self.keep_original_transcripts,
            operator=RedactionOperator(self.redaction_operator),
            redact_medical=self.redact_medical,
            clinic_names=tuple(self.clinic_names),
            clinic_phones=tuple(self.clinic_phones),
        )


def _body(policy: RedactionPolicy) -> RedactionPolicyBody:
    return RedactionPolicyBody(
        keep_original_transcripts=policy.keep_original_transcripts,
        redaction_operator=policy.operator.value,
        redact_medical=policy.redact_medical,
        clinic_names=list(policy.clinic_names),
        clinic_phones=list(policy.clinic_phones),
    )


def _service(ctx: RequestContext) -> RedactionPolicyService:
    return RedactionPolicyService(ctx)


@router.get("/redaction", response_model=RedactionPolicyBody)
def get_redaction_policy(
    ctx: Annotated[RequestContext, Depends(require(Permission.POLICY_ADMIN))],
) -> RedactionPolicyBody:
    return _body(_service(ctx).get())


@router.put("/redaction", response_model=RedactionPolicyBody)
def put_redaction_policy(
    ctx: Annotated[RequestContext, Depends(require(Permission.POLICY_ADMIN))],
    body: Annotated[RedactionPolicyBody, Depends(json_body(RedactionPolicyBody))],
) -> RedactionPolicyBody:
    return _body(_service(ctx).replace(body.to_policy()))
