"""Opening an initialised vault from a command: a session (whose audit events are
signed and chained like the server's) and the keyring, or a session factory and the
root key, on the vault's database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from callvault.audit.runtime import AuditRuntime
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.crypto.keyring import Keyring
from callvault.db.base import create_db_engine, create_session_factory
from callvault.settings import Settings


@contextmanager
def open_keyring(settings: Settings) -> Iterator[tuple[Session, Keyring]]:
    with open_sessions(settings) as (sessions, root), sessions() as session:
        yield session, Keyring(session, root)


@contextmanager
def open_sessions(
    settings: Settings,
) -> Iterator[tuple[sessionmaker[Session], LocalKeyFileProvider]]:
    """A session factory on the vault's database (for work that opens several
    sessions, a sweep say) and the root key; the engine is disposed at the end."""
    engine = create_db_engine(settings.database_url)
    root = LocalKeyFileProvider(settings.root_key_path)
    info = AuditRuntime.for_settings(settings, root).session_info()
    try:
        yield create_session_factory(engine, info), root
    finally:
        engine.dispose()
