"""A vault whose schema stops at an older migration: for testing an upgrade on data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from callvault.cli.vault import open_keyring
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.db.base import create_db_engine
from callvault.db.migrate import upgrade
from callvault.instance import create_tenant, ensure_data_dir
from callvault.settings import Settings, load_settings


@contextmanager
def vault_at(
    tmp_path: Path, database_url: str, revision: str
) -> Iterator[tuple[Settings, Engine, str]]:
    """Settings, an engine and the id of one tenant ("clinic-old"), made with the schema
    migrated up to ``revision`` only."""
    settings = load_settings(tmp_path / "data", database_url, environ={})
    ensure_data_dir(settings)
    LocalKeyFileProvider.create(settings.root_key_path)
    engine = create_db_engine(settings.database_url)
    try:
        upgrade(engine, revision)
        with open_keyring(settings) as (session, keyring):
            tenant = create_tenant(session, keyring, "clinic-old").id
            session.commit()
        yield settings, engine, tenant
    finally:
        engine.dispose()
