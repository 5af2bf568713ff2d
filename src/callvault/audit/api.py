"""Audit trail API (``audit:read``): search the events, fetch signed tree heads, and
get the inclusion and consistency proofs that let anyone check the log independently.

Thin routes: parse, call ``AuditReader``, return. Each read is itself audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from callvault.audit.query import (
    DEFAULT_PAGE,
    TERM_PATTERN,
    AuditReader,
    EventFilters,
)
from callvault.audit.schemas import ConsistencyOut, EventPage, InclusionOut, TreeHeadOut
from callvault.audit.service import Outcome
from callvault.authz.permissions import Permission
from callvault.web.context import RequestContext, require
from callvault.web.openapi import NOT_FOUND
from callvault.web.params import ObjectId, free_text_query
from callvault.web.pools import PooledRoute

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], route_class=PooledRoute)

AuditContext = Annotated[RequestContext, Depends(require(Permission.AUDIT_READ))]
# These may sign a fresh tree head for the answer: a write, rolled back with the answer
# if the read's own audit event cannot be recorded.
SigningContext = Annotated[RequestContext, Depends(require(Permission.AUDIT_READ, writes=True))]
TreeSize = Annotated[int | None, Query(description="A tree size (number of leaves)")]


def _reader(ctx: RequestContext) -> AuditReader:
    return AuditReader(ctx)


@router.get("/events", response_model=EventPage)
def list_events(
    ctx: AuditContext,
    actor: Annotated[str | None, free_text_query(64, "Actor id")] = None,
    action: Annotated[str | None, free_text_query(64)] = None,
    resource_type: Annotated[str | None, free_text_query(32)] = None,
    resource: Annotated[str | None, free_text_query(64, "Resource id")] = None,
    outcome: Outcome | None = None,
    since: Annotated[AwareDatetime | None, Query(description="Inclusive, ISO 8601")] = None,
    until: Annotated[AwareDatetime | None, Query(description="Exclusive, ISO 8601")] = None,
    term: Annotated[
        str | None,
        Query(pattern=TERM_PATTERN, description="An audit hash from `callvault audit hash`"),
    ] = None,
    cursor: Annotated[str | None, free_text_query(100)] = None,
    limit: Annotated[int, Query(ge=1, description="At most 1000; more is capped")] = DEFAULT_PAGE,
) -> EventPage:
    filters = EventFilters(
        actor, action, resource_type, resource, outcome, since, until, term, cursor, limit
    )
    return _reader(ctx).events(filters)


@router.get("/sth", response_model=TreeHeadOut, responses=NOT_FOUND)  # no head of that size
def get_tree_head(ctx: SigningContext, tree_size: TreeSize = None) -> TreeHeadOut:
    return _reader(ctx).tree_head(tree_size)


@router.get("/events/{seq}/proof", response_model=InclusionOut)
def get_inclusion_proof(
    seq: ObjectId, ctx: SigningContext, tree_size: TreeSize = None
) -> InclusionOut:
    # ``seq`` is text on purpose: a path that names no event is a 404, not a 422.
    return _reader(ctx).inclusion(seq, tree_size)


@router.get("/consistency", response_model=ConsistencyOut)
def get_consistency_proof(
    ctx: AuditContext, first: Annotated[int, Query(ge=1)], second: Annotated[int, Query(ge=1)]
) -> ConsistencyOut:
    return _reader(ctx).consistency(first, second)
