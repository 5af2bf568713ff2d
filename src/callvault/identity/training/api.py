"""``/api/v1/training`` (``training:admin``): workforce training records and the
tenant's training policy. A user or record of another tenant is 404.

    GET    /api/v1/training                  every record of the tenant
    POST   /api/v1/training                  record a completed course (201)
    GET    /api/v1/training/users/{user_id}  one user's records
    DELETE /api/v1/training/records/{id}     remove a record entered in error (204)
    GET    /api/v1/training/policy           required or not, and the period in months
    PUT    /api/v1/training/policy           change them
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from callvault.authz.permissions import Permission
from callvault.identity.training.schemas import (
    TrainingCreated,
    TrainingIn,
    TrainingList,
    TrainingPolicyIn,
    TrainingPolicyOut,
)
from callvault.identity.training.service import TrainingService
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require
from callvault.web.openapi import NOT_FOUND
from callvault.web.params import ObjectId
from callvault.web.pools import PooledRoute
from callvault.web.responses import model_response

router = APIRouter(prefix="/api/v1/training", tags=["compliance"], route_class=PooledRoute)

TrainingAdmin = Annotated[RequestContext, Depends(require(Permission.TRAINING_ADMIN))]


@router.get("", response_model=TrainingList)
def list_training(ctx: TrainingAdmin) -> Response:
    return model_response(TrainingService(ctx).list_records())


@router.post("", status_code=201, response_model=TrainingCreated, responses=NOT_FOUND)
def record_training(
    ctx: TrainingAdmin, body: Annotated[TrainingIn, Depends(json_body(TrainingIn))]
) -> Response:
    """A completed course: it counts until completion plus the tenant's period, and a
    lapsed user's PHI permissions return with it."""
    return model_response(TrainingService(ctx).record(body), status_code=201)


@router.get("/policy", response_model=TrainingPolicyOut)
def get_training_policy(ctx: TrainingAdmin) -> Response:
    return model_response(TrainingService(ctx).policy())


@router.put("/policy", response_model=TrainingPolicyOut)
def set_training_policy(
    ctx: TrainingAdmin, body: Annotated[TrainingPolicyIn, Depends(json_body(TrainingPolicyIn))]
) -> Response:
    """``required: true`` suspends the PHI permissions of every user whose training has
    lapsed, from their next request."""
    return model_response(TrainingService(ctx).set_policy(body))


@router.get("/users/{user_id}", response_model=TrainingList, responses=NOT_FOUND)
def list_user_training(user_id: ObjectId, ctx: TrainingAdmin) -> Response:
    return model_response(TrainingService(ctx).list_records(user_id))


@router.delete("/records/{record_id}", status_code=204, responses=NOT_FOUND)
def remove_training(record_id: ObjectId, ctx: TrainingAdmin) -> Response:
    TrainingService(ctx).remove(record_id)
    return Response(status_code=204)
