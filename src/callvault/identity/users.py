"""People: one account per e-mail, unique credentials, TOTP enrolment, roles."""

from __future__ import annotations

import re

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from callvault.crypto.keyring import Keyring
from callvault.db.base import new_id
from callvault.errors import Conflict, InvalidInput
from callvault.identity import totp
from callvault.identity.custom_roles import resolve_roles
from callvault.identity.models import User, UserRole

EMAIL_PATTERN = r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,63}$"
_EMAIL = re.compile(EMAIL_PATTERN)


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.fullmatch(email):
        raise InvalidInput("email is not an e-mail address")
    return email


def totp_ad(user: User) -> bytes:
    return f"callvault/field/v1|{user.tenant_id}|users|totp|{user.id}".encode()


def find_user_by_email(db: Session, email: str) -> User | None:
    return db.execute(select(User).where(User.email == email)).scalar_one_or_none()


def set_roles(db: Session, user: User, roles: list[str]) -> None:
    """Replace the user's roles; every name must be a built-in or the tenant's own role."""
    known = {r.name for r in resolve_roles(db, user.tenant_id, roles)}
    unknown = sorted(set(roles) - known)
    if unknown:
        raise InvalidInput(f"unknown role: {unknown[0]}")
    db.execute(delete(UserRole).where(UserRole.user_id == user.id))
    db.add_all(UserRole(user_id=user.id, role=name) for name in sorted(set(roles)))


def create_user(
    db: Session,
    keyring: Keyring,
    tenant_id: str,
    email: str,
    password_hash: str,
    roles: list[str],
) -> tuple[User, str]:
    """A new, not yet enrolled user and the ``otpauth://`` URI for their authenticator.
    ``password_hash`` is ``hash_password``'s, made before the caller's transaction began
    (argon2 inside it would hold SQLite's write lock), or ``unusable_password_hash()``."""
    email = normalise_email(email)
    if find_user_by_email(db, email) is not None:
        raise Conflict("a user with that e-mail exists")
    user = User(id=new_id(), tenant_id=tenant_id, email=email, password_hash=password_hash)
    secret = totp.new_secret()
    user.totp_secret_enc = keyring.encrypt_field(tenant_id, secret, totp_ad(user))
    db.add(user)
    db.flush()
    set_roles(db, user, roles)
    return user, totp.provisioning_uri(secret, email)


def totp_secret(keyring: Keyring, user: User) -> str:
    if user.totp_secret_enc is None:
        raise InvalidInput("the user has no authenticator enrolled")
    return keyring.decrypt_field(user.tenant_id, user.totp_secret_enc, totp_ad(user))


def user_roles(db: Session, user_id: str) -> list[str]:
    return list(db.execute(select(UserRole.role).where(UserRole.user_id == user_id)).scalars())


def count_users(db: Session, tenant_id: str) -> int:
    return db.execute(
        select(func.count()).select_from(User).where(User.tenant_id == tenant_id)
    ).scalar_one()
