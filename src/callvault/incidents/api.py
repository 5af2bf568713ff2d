"""``/api/v1/incidents`` (``incident:admin``): breach incidents, their scope from the
audit trail, the notices owed, the timeline and the evidence bundle. Thin routes; the
rules and their audit live in ``service.py``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from callvault.authz.permissions import Permission
from callvault.incidents.schemas import (
    AffectedCalls,
    EvidenceBundle,
    IncidentIn,
    IncidentList,
    IncidentOut,
    ScopeQueryIn,
    TimelineIn,
)
from callvault.incidents.service import IncidentService
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require
from callvault.web.openapi import CONFLICT, NOT_FOUND
from callvault.web.params import ObjectId
from callvault.web.pools import PooledRoute
from callvault.web.responses import model_response

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"], route_class=PooledRoute)

IncidentAdmin = Annotated[RequestContext, Depends(require(Permission.INCIDENT_ADMIN))]
# GETs that write: evidence signs a fresh tree head and appends to the timeline; the
# affected listing audits a refusal for want of call:read_phi.
IncidentWriter = Annotated[RequestContext, Depends(require(Permission.INCIDENT_ADMIN, writes=True))]
NO_STORE = {"Cache-Control": "no-store"}


def _service(ctx: RequestContext) -> IncidentService:
    return IncidentService(ctx)


@router.post("", status_code=201, response_model=IncidentOut)
def create_incident(
    ctx: IncidentAdmin, body: Annotated[IncidentIn, Depends(json_body(IncidentIn))]
) -> Response:
    """Record a possible breach; ``discovered_on`` starts the 60-day clock (422 if it is
    in the future)."""
    return model_response(_service(ctx).create(body), status_code=201)


@router.get("", response_model=IncidentList)
def list_incidents(ctx: IncidentAdmin) -> Response:
    return model_response(_service(ctx).list_incidents())


@router.get("/{incident_id}", response_model=IncidentOut, responses=NOT_FOUND)
def get_incident(incident_id: ObjectId, ctx: IncidentAdmin) -> Response:
    return model_response(_service(ctx).get(incident_id))


@router.post("/{incident_id}/scope", response_model=IncidentOut, responses=NOT_FOUND | CONFLICT)
def add_scope_query(
    incident_id: ObjectId,
    ctx: IncidentAdmin,
    body: Annotated[ScopeQueryIn, Depends(json_body(ScopeQueryIn))],
) -> Response:
    """Add a scope query (actor, network, window) and count the affected individuals
    of all the incident's queries, per State. Counts only: no numbers."""
    return model_response(_service(ctx).add_scope_query(incident_id, body))


@router.get("/{incident_id}/affected", response_model=AffectedCalls, responses=NOT_FOUND)
def list_affected_calls(incident_id: ObjectId, ctx: IncidentWriter) -> Response:
    """The affected calls with their caller numbers: needs ``call:read_phi`` as well."""
    return model_response(_service(ctx).affected(incident_id), headers=NO_STORE)


@router.get("/{incident_id}/evidence", response_model=EvidenceBundle, responses=NOT_FOUND)
def export_evidence(incident_id: ObjectId, ctx: IncidentWriter) -> Response:
    """The audit events of the scope, each with an inclusion proof in the signed tree
    head included (docs/incidents.md shows how to verify them)."""
    bundle = _service(ctx).evidence(incident_id)
    name = f"incident-{incident_id}-evidence.json"
    headers = NO_STORE | {"Content-Disposition": f'attachment; filename="{name}"'}
    return model_response(bundle, headers=headers)


@router.post("/{incident_id}/timeline", response_model=IncidentOut, responses=NOT_FOUND | CONFLICT)
def add_to_timeline(
    incident_id: ObjectId,
    ctx: IncidentAdmin,
    body: Annotated[TimelineIn, Depends(json_body(TimelineIn))],
) -> Response:
    """A note, or a notice recorded as sent: ``{"kind": "notice", "duty": "secretary",
    "sent_on": "YYYY-MM-DD"}`` (a media notice names its ``state``)."""
    return model_response(_service(ctx).add_to_timeline(incident_id, body))


@router.post("/{incident_id}/close", response_model=IncidentOut, responses=NOT_FOUND | CONFLICT)
def close_incident(incident_id: ObjectId, ctx: IncidentAdmin) -> Response:
    return model_response(_service(ctx).close(incident_id))
