"""A tenant's Twilio settings: read (never the token) and replace, both audited.

The auth token is encrypted with the tenant key, its ciphertext bound to the tenant
(``token_ad``): copied to another tenant's row, it fails to open.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.compliance.gate import require_agreement
from callvault.crypto.keyring import Keyring
from callvault.db.base import utcnow
from callvault.errors import InvalidInput, NotFound
from callvault.integrations.models import TwilioSettings
from callvault.integrations.schemas import TwilioSettingsIn, TwilioSettingsOut
from callvault.phone import to_e164
from callvault.tenants.agreements import AgreementKind


def token_ad(tenant_id: str) -> bytes:
    return f"callvault/field/v1|{tenant_id}|twilio_settings|auth_token".encode()


def find_settings(session: Session, tenant_id: str) -> TwilioSettings | None:
    return session.get(TwilioSettings, tenant_id)


def auth_token(keyring: Keyring, row: TwilioSettings) -> str:
    return keyring.decrypt_field(row.tenant_id, row.auth_token_enc, token_ad(row.tenant_id))


def settings_out(row: TwilioSettings) -> TwilioSettingsOut:
    return TwilioSettingsOut(
        account_sid=row.account_sid,
        auth_token_set=bool(row.auth_token_enc),
        api_base=row.api_base,
        disclosure=row.disclosure,
        forward_to=row.forward_to,
    )


class TwilioSettingsService:
    """The principal's tenant's Twilio settings."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._session = ctx.session
        self._tenant_id = ctx.tenant_id

    def get(self) -> TwilioSettingsOut:
        row = find_settings(self._session, self._tenant_id)
        if row is None:
            raise NotFound("Twilio is not configured for this tenant")
        out = settings_out(row)
        self._ctx.audit_read(AuditAction.INTEGRATION_READ, "twilio")
        return out

    def put(self, data: TwilioSettingsIn) -> TwilioSettingsOut:
        """Replace the settings; audited and committed together. Twilio carries the
        calls and holds their recordings: NoActiveBaa (audited) without an active
        telephony BAA, and nothing is stored."""
        require_agreement(self._ctx, AgreementKind.TELEPHONY)
        row = find_settings(self._session, self._tenant_id)
        if row is None and data.auth_token is None:
            raise InvalidInput("auth_token is required the first time")
        # Encrypted before the row is touched: the key lookup would autoflush a half-set row.
        token_enc = None if data.auth_token is None else self._encrypt(data.auth_token)
        if row is None:
            row = TwilioSettings(tenant_id=self._tenant_id)
        if token_enc is not None:
            row.auth_token_enc = token_enc
        row.account_sid = data.account_sid
        row.api_base = data.api_base
        row.disclosure = data.disclosure
        row.forward_to = None if data.forward_to is None else to_e164(data.forward_to, "forward_to")
        row.updated_at = utcnow()
        self._session.add(row)
        self._session.flush()
        self._ctx.audit(AuditAction.INTEGRATION_UPDATE, "twilio")
        out = settings_out(row)
        self._session.commit()
        return out

    def _encrypt(self, token: str) -> bytes:
        return self._ctx.keyring.encrypt_field(self._tenant_id, token, token_ad(self._tenant_id))
