"""Who is calling a Twilio webhook: the tenant named in the path, proven by the
signature its auth token makes (``callvault.integrations.signature``).

No session or API token is involved, so the routes are public (``PUBLIC_PATHS``); a
request is only served once its signature checks out. Refusals are audited in the
tenant (as the ``webhook:twilio`` system actor) and nothing else is written:

    unknown tenant                    404, not audited (there is no tenant to audit in)
    tenant without Twilio settings    404, ``webhook:reject`` "not configured"
    missing or wrong signature        403, ``webhook:reject`` "bad signature"
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import Outcome, RequestInfo
from callvault.authz.principal import system_principal
from callvault.crypto.keyring import Keyring
from callvault.errors import InvalidInput, NotFound, PermissionDenied
from callvault.integrations.models import TwilioSettings
from callvault.integrations.settings_service import auth_token, find_settings
from callvault.integrations.signature import signature_valid
from callvault.tenants.service import get_tenant

WEBHOOK_ACTOR = "webhook:twilio"


@dataclass(frozen=True)
class SignedRequest:
    """What the signature covers (the URL as Twilio requested it, the POST
    parameters) and the signature sent."""

    url: str
    params: list[tuple[str, str]]
    signature: str | None

    def param(self, name: str) -> str | None:
        return next((value for key, value in self.params if key == name), None)


@dataclass(frozen=True)
class TwilioWebhook:
    """A verified webhook: the tenant's context (as the webhook actor), its Twilio
    settings and auth token, and the request's parameters."""

    ctx: ServiceContext
    settings: TwilioSettings
    auth_token: str
    request: SignedRequest


def authenticate_webhook(
    session: Session, keyring: Keyring, tenant_name: str, signed: SignedRequest, info: RequestInfo
) -> TwilioWebhook:
    """The verified webhook, or NotFound / PermissionDenied (audited, committed).
    Ends its read transaction either way, so no lock is held past this."""
    try:
        tenant_id = get_tenant(session, tenant_name).id
    except (InvalidInput, NotFound):
        session.rollback()
        raise NotFound("no such webhook") from None
    ctx = ServiceContext(session, system_principal(tenant_id, WEBHOOK_ACTOR, []), info, keyring)
    row = find_settings(session, tenant_id)
    if row is None:
        _reject(ctx, "not configured")
        raise NotFound("no such webhook")
    token = auth_token(keyring, row)
    if not signature_valid(token, signed.url, signed.params, signed.signature):
        _reject(ctx, "bad signature")
        raise PermissionDenied("the request signature does not verify")
    session.expunge(row)  # kept readable after the transaction ends
    session.rollback()
    return TwilioWebhook(ctx, row, token, signed)


def _reject(ctx: ServiceContext, reason: str) -> None:
    ctx.audit_refusal(AuditAction.WEBHOOK_REJECT, "twilio", outcome=Outcome.DENIED, reason=reason)
