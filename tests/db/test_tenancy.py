"""A session scoped to a tenant cannot reach another tenant's rows, even through a
query that forgets its own ``tenant_id`` filter; a strict session refuses to query a
tenant-owned model before it is scoped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import String, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, registry, sessionmaker

from callvault.db.base import create_db_engine, create_session_factory
from callvault.db.tenancy import TenantScopeMissing, all_tenants, scope_to_tenant, tenant_owned
from callvault.identity.models import CustomRole
from callvault.settings import Settings
from callvault.tenants.models import Tenant
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A, TENANT_B


@pytest.fixture
def factories(vault: Settings) -> Iterator[tuple[sessionmaker[Session], sessionmaker[Session]]]:
    engine = create_db_engine(vault.database_url)
    try:
        yield (
            create_session_factory(engine),
            create_session_factory(engine, tenant_scope_required=True),
        )
    finally:
        engine.dispose()


@pytest.fixture
def tenants(factories: tuple[sessionmaker[Session], sessionmaker[Session]]) -> dict[str, str]:
    """Each tenant with one custom role named ``shared`` (a tenant-owned model)."""
    sessions, _ = factories
    with sessions() as session:
        ids = {name: get_tenant(session, name).id for name in (TENANT_A, TENANT_B)}
        session.add_all(CustomRole(tenant_id=ids[name], name="shared") for name in ids)
        session.commit()
    return ids


def _roles(session: Session) -> list[str]:
    # No tenant filter, on purpose: the scope must supply it.
    return list(session.scalars(select(CustomRole.tenant_id).where(CustomRole.name == "shared")))


def test_a_scoped_session_sees_only_its_tenants_rows(factories, tenants) -> None:
    sessions, _ = factories
    for name in (TENANT_A, TENANT_B, TENANT_A):  # the same cached statement, each scope
        with sessions() as session:
            scope_to_tenant(session, tenants[name])
            assert _roles(session) == [tenants[name]]
            assert session.scalar(select(func.count()).select_from(CustomRole)) == 1
            inner = select(CustomRole.tenant_id).subquery()
            assert list(session.scalars(select(inner.c.tenant_id))) == [tenants[name]]


def test_get_by_primary_key_does_not_cross_tenants(factories, tenants) -> None:
    sessions, _ = factories
    with sessions() as session:
        other = session.scalars(
            select(CustomRole.id).where(CustomRole.tenant_id == tenants[TENANT_B])
        ).one()
    with sessions() as session:
        scope_to_tenant(session, tenants[TENANT_A])
        assert session.get(CustomRole, other) is None


def test_updates_and_deletes_stay_in_the_scope(factories, tenants) -> None:
    sessions, _ = factories
    with sessions() as session:
        scope_to_tenant(session, tenants[TENANT_A])
        session.execute(update(CustomRole).values(allow='["call:read"]'))
        session.execute(delete(CustomRole).where(CustomRole.name == "shared"))
        session.commit()
    with sessions() as session:
        left = session.scalars(select(CustomRole).where(CustomRole.name == "shared")).all()
        assert [(r.tenant_id, r.allow) for r in left] == [(tenants[TENANT_B], "[]")]


def test_the_scope_reaches_joined_models(factories, tenants) -> None:
    sessions, _ = factories
    with sessions() as session:
        scope_to_tenant(session, tenants[TENANT_B])
        joined = session.scalars(
            select(Tenant.name).join(CustomRole, CustomRole.tenant_id == Tenant.id)
        ).all()
        assert joined == [TENANT_B]


def test_a_strict_session_refuses_an_unscoped_query(factories, tenants) -> None:
    _, strict = factories
    with strict() as session:
        with pytest.raises(TenantScopeMissing, match="CustomRole"):
            _roles(session)
        # Models that no tenant owns need no scope.
        assert session.scalar(select(func.count()).select_from(Tenant)) == 2
        with all_tenants(session):
            assert sorted(_roles(session)) == sorted(tenants.values())
        with pytest.raises(TenantScopeMissing):
            _roles(session)  # the marker ends with its block


def test_a_scoped_session_cannot_be_rescoped_nor_widened(factories, tenants) -> None:
    sessions, _ = factories
    with sessions() as session:
        scope_to_tenant(session, tenants[TENANT_A])
        scope_to_tenant(session, tenants[TENANT_A])  # the same scope again is fine
        with pytest.raises(TenantScopeMissing):
            scope_to_tenant(session, tenants[TENANT_B])
        with pytest.raises(TenantScopeMissing), all_tenants(session):
            pass


def test_a_model_mapped_after_the_first_query_is_scoped_too() -> None:
    # The tenant-owned tables are remembered per registry; mapping a model forgets them.
    models = registry()

    class EarlyNote:
        __tablename__ = "early_notes"
        id: Mapped[int] = mapped_column(primary_key=True)
        tenant_id: Mapped[str] = mapped_column(String(36))

    models.mapped(EarlyNote)
    assert set(tenant_owned(models).values()) == {EarlyNote}

    class LateNote:
        __tablename__ = "late_notes"
        id: Mapped[int] = mapped_column(primary_key=True)
        tenant_id: Mapped[str] = mapped_column(String(36))

    class Unowned:
        __tablename__ = "unowned"
        id: Mapped[int] = mapped_column(primary_key=True)

    models.mapped(LateNote)
    models.mapped(Unowned)
    assert set(tenant_owned(models).values()) == {EarlyNote, LateNote}
