"""Tenant scoping in one place: a session scoped to a tenant sees only that tenant's rows.

Every ORM statement run in a scoped session (SELECTs, lazy loads, ``Session.get``, ORM
UPDATEs and DELETEs) gets ``tenant_id = <scope>`` added on every tenant-owned model it
touches (a mapped class with a ``tenant_id`` column), through SQLAlchemy's
``with_loader_criteria`` from a ``do_orm_execute`` hook. A query that forgets its own
``tenant_id`` filter therefore still cannot reach another tenant's rows.

Sessions that must see every tenant (jobs that sweep all tenants, sign-in before the
tenant is known) say so with ``all_tenants(session)``. A session made ``strict``
(``create_session_factory(..., tenant_scope_required=True)``, as the web app's are)
refuses a query on a tenant-owned model while it has neither a scope nor that marker.

Core statements run on ``session.connection()`` (the hot read paths in
``calls.views`` and ``identity``'s authentication) bypass the ORM, and with it this
hook: those keep their explicit ``tenant_id`` bind parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import event
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, registry, with_loader_criteria
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.util import find_tables

TENANT_SCOPE_KEY = "callvault.tenant_scope"
ALL_TENANTS_KEY = "callvault.all_tenants"
SCOPE_REQUIRED_KEY = "callvault.tenant_scope_required"


class TenantScopeMissing(RuntimeError):
    """A strict session queried a tenant-owned model without a tenant scope: a bug in
    CallVault, never the client's doing (it becomes a 500 and is logged)."""


def scope_to_tenant(session: Session, tenant_id: str) -> None:
    """From now on ``session`` sees only ``tenant_id``'s rows. A session is scoped once:
    rescoping to another tenant is refused, since its identity map may hold the first
    tenant's objects."""
    current = session.info.get(TENANT_SCOPE_KEY)
    if current is not None and current != tenant_id:
        raise TenantScopeMissing("a session scoped to one tenant cannot serve another")
    session.info[TENANT_SCOPE_KEY] = tenant_id


def tenant_scope(session: Session) -> str | None:
    scope: str | None = session.info.get(TENANT_SCOPE_KEY)
    return scope


@contextmanager
def all_tenants(session: Session) -> Iterator[Session]:
    """The explicit way to query across tenants (on an unscoped session)."""
    if tenant_scope(session) is not None:
        raise TenantScopeMissing("a tenant-scoped session cannot query across tenants")
    previous = session.info.get(ALL_TENANTS_KEY, False)
    session.info[ALL_TENANTS_KEY] = True
    try:
        yield session
    finally:
        session.info[ALL_TENANTS_KEY] = previous


def install_tenant_scoping(models: registry) -> None:
    """Scope every ORM statement of a scoped session (``callvault.db.base`` calls this
    once, with the registry every model is mapped in)."""

    @event.listens_for(Session, "do_orm_execute")
    def _apply_tenant_scope(state: ORMExecuteState) -> None:
        if state.is_select or state.is_update or state.is_delete:
            _apply(state, models)


def _apply(state: ORMExecuteState, models: registry) -> None:
    info = state.session.info
    tenant_id = info.get(TENANT_SCOPE_KEY)
    must_scope = info.get(SCOPE_REQUIRED_KEY) and not info.get(ALL_TENANTS_KEY)
    if tenant_id is None and not must_scope:
        return  # an unscoped session that may see every tenant: nothing to add or check
    touched = _touched(state, models)
    if not touched:
        return
    if tenant_id is None:
        names = ", ".join(sorted(cls.__name__ for cls in touched))
        raise TenantScopeMissing(f"query on {names} in a session with no tenant scope")
    state.statement = state.statement.options(
        *(
            with_loader_criteria(
                owned_class, owned_class.tenant_id == tenant_id, include_aliases=True
            )
            for owned_class in touched
        )
    )


def _touched(state: ORMExecuteState, models: registry) -> list[type[Any]]:
    """The tenant-owned models (a ``tenant_id`` column; ``Tenant`` itself has none) whose
    tables the statement reads or writes anywhere: in its entities, joins, subqueries or
    ``select_from`` (``state.all_mappers`` names only the entities)."""
    statement = cast(ClauseElement, state.statement)
    owned = tenant_owned(models)
    tables = find_tables(statement, include_joins=True, include_aliases=True, include_crud=True)
    return list({owned[table]: None for table in tables if table in owned})


# The tenant-owned models by table, per registry: made again when a model is mapped
# after it was made (models are mapped as their modules are imported).
_owned_by_table: dict[int, dict[Any, type[Any]]] = {}


def tenant_owned(models: registry) -> dict[Any, type[Any]]:
    """The registry's tenant-owned models (a ``tenant_id`` column) by their table."""
    owned = _owned_by_table.get(id(models))
    if owned is None:
        owned = {m.local_table: m.class_ for m in models.mappers if "tenant_id" in m.columns}
        _owned_by_table[id(models)] = owned
    return owned


@event.listens_for(Mapper, "after_mapper_constructed")
def _forget_tenant_owned(mapper: Mapper[Any], class_: type[Any]) -> None:
    _owned_by_table.clear()
