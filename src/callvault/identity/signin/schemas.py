"""Bodies of the sign-in API. Inputs forbid unknown fields and are parsed with
``model_validate_json`` so a validation error names the field, never echoes a value."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from callvault.identity.passwords import MAX_LENGTH, MIN_LENGTH
from callvault.inputs import InputModel


class LoginIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=256)


class LoginOut(BaseModel):
    """``challenge`` goes back to ``/mfa``; ``csrf_token`` is the token the session
    will carry (send it as ``X-CSRF-Token`` on cookie-authenticated state changes).
    Until the user has confirmed an authenticator, the enrolment fields are set.
    ``password_change_required``: the password was a temporary one; the session this
    sign-in leads to may only change it (``POST /auth/password``), read
    ``/auth/session`` and log out."""

    mfa_required: bool = True
    challenge: str
    csrf_token: str
    enrolment_required: bool
    password_change_required: bool = False
    otpauth_uri: str | None = None
    qr_svg: str | None = None


class MfaIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    challenge: str = Field(min_length=1, max_length=128)
    code: str = Field(min_length=1, max_length=64)


class SessionOut(BaseModel):
    """A new session: the cookie carries its secret; this body carries the rest."""

    csrf_token: str
    expires_at: datetime
    idle_timeout_seconds: int
    recovery_codes: list[str] | None = None


class StepUpIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64)


class StepUpOut(BaseModel):
    csrf_token: str
    expires_at: datetime
    idle_timeout_seconds: int
    stepped_up_until: datetime


class WhoAmI(BaseModel):
    user_id: str
    email: str
    roles: list[str]
    tenant_id: str
    tenant: str
    expires_at: datetime
    idle_timeout_seconds: int
    stepped_up_until: datetime | None
    password_change_required: bool = False
    # Workforce training: whether the tenant suspends PHI permissions on a lapse, and the
    # days until this user's lapses (negative: lapsed; None: no training recorded).
    training_required: bool = False
    training_expires_in_days: int | None = None


class PasswordChangeIn(InputModel):
    """A password is taken exactly as typed (no stripping). ``new_password`` must also
    not be one of the 30,000 most common, nor use fewer than four different characters,
    nor be the current one: a 422 naming it says so."""

    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=MAX_LENGTH)
    new_password: str = Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH)
    code: str = Field(min_length=1, max_length=64)
