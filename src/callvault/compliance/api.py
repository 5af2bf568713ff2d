"""``/api/v1/baas`` (``baa:admin``): the tenant's business associate agreements.

    GET   /api/v1/baas                   list (``?status=``, ``?kind=``)
    POST  /api/v1/baas                   record a draft (201)
    GET   /api/v1/baas/{id}              one
    PATCH /api/v1/baas/{id}              change a draft's terms (an active one: reminder_days)
    POST  /api/v1/baas/{id}/activate     draft → active (422 without document_sha256)
    POST  /api/v1/baas/{id}/terminate    active → terminated

Status changes are actions (POST), not fields a PATCH sets: each has its own rule,
its own audit event and its own 409. Thin routes; the rules are in ``service.py``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from callvault.authz.permissions import Permission
from callvault.compliance.schemas import (
    BaaChange,
    BaaCreated,
    BaaIn,
    BaaList,
    BaaOut,
    StatusFilter,
)
from callvault.compliance.service import BaaService
from callvault.tenants.agreements import AgreementKind
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require
from callvault.web.openapi import CONFLICT, NOT_FOUND
from callvault.web.params import ObjectId
from callvault.web.pools import PooledRoute
from callvault.web.responses import model_response

router = APIRouter(prefix="/api/v1/baas", tags=["compliance"], route_class=PooledRoute)

BaaAdmin = Annotated[RequestContext, Depends(require(Permission.BAA_ADMIN))]


@router.get("", response_model=BaaList)
def list_baas(
    ctx: BaaAdmin, status: StatusFilter = StatusFilter.ALL, kind: AgreementKind | None = None
) -> Response:
    """The covered-entity agreements first; ``in_force`` says which open the gate today."""
    return model_response(BaaService(ctx).list_agreements(status, kind))


@router.post("", status_code=201, response_model=BaaCreated)
def create_baa(ctx: BaaAdmin, body: Annotated[BaaIn, Depends(json_body(BaaIn))]) -> Response:
    """Record an agreement as a draft: it opens nothing until activated."""
    return model_response(BaaCreated(id=BaaService(ctx).create(body)), status_code=201)


@router.get("/{baa_id}", response_model=BaaOut, responses=NOT_FOUND)
def get_baa(baa_id: ObjectId, ctx: BaaAdmin) -> Response:
    return model_response(BaaService(ctx).get(baa_id))


@router.patch("/{baa_id}", response_model=BaaOut, responses=NOT_FOUND | CONFLICT)
def change_baa(
    baa_id: ObjectId, ctx: BaaAdmin, body: Annotated[BaaChange, Depends(json_body(BaaChange))]
) -> Response:
    """Change a draft's terms; an active or terminated agreement only ``reminder_days``
    (409 otherwise: record the new agreement instead)."""
    return model_response(BaaService(ctx).change(baa_id, body))


@router.post("/{baa_id}/activate", response_model=BaaOut, responses=NOT_FOUND | CONFLICT)
def activate_baa(baa_id: ObjectId, ctx: BaaAdmin) -> Response:
    """Draft → active: 422 without ``document_sha256``, 409 unless it is a draft."""
    return model_response(BaaService(ctx).activate(baa_id))


@router.post("/{baa_id}/terminate", response_model=BaaOut, responses=NOT_FOUND | CONFLICT)
def terminate_baa(baa_id: ObjectId, ctx: BaaAdmin) -> Response:
    """Active → terminated: what it opened closes at once. 409 unless it is active."""
    return model_response(BaaService(ctx).terminate(baa_id))
