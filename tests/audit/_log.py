"""Filling a tenant's audit log for tests, and reaching its rows behind the API's back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from sqlalchemy import Connection, create_engine, text

from callvault.audit.heads import sign_now
from callvault.audit.service import Outcome, RequestInfo, record_event
from callvault.authz.principal import system_principal
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from callvault.tenants.service import get_tenant


def tenant_id(settings: Settings, name: str) -> str:
    with open_keyring(settings) as (session, _):
        return get_tenant(session, name).id


def append(settings: Settings, tenant: str, count: int, *, sign_every: int = 0) -> None:
    """``count`` synthetic events; with ``sign_every``, a signed head after each that many,
    and no other: not even the one a vault copied from the run's template would be due by
    age (``audit_sign_every_seconds``)."""
    settings = replace(settings, audit_sign_every_seconds=10**9)
    with open_keyring(settings) as (session, _):
        principal = system_principal(get_tenant(session, tenant).id, "test-filler", [])
        for n in range(count):
            record_event(
                session,
                principal,
                "call:read",
                resource_type="call",
                resource_id=f"call-{n:04d}",
                outcome=Outcome.ALLOWED,
                request=RequestInfo(source_ip="192.0.2.7", request_id=f"req-{n}"),
            )
            if sign_every and (n + 1) % sign_every == 0:
                sign_now(session, principal.tenant_id)
            session.commit()


@contextmanager
def raw_database(settings: Settings) -> Iterator[Connection]:
    """A plain connection, as someone with database access but no root key has."""
    engine = create_engine(settings.database_url)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def execute(settings: Settings, sql: str, **params: object) -> None:
    with raw_database(settings) as db:
        db.execute(text(sql), params)
