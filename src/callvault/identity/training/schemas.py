"""Request and response bodies of ``/api/v1/training``. A course name is the title of
a workforce course (not PHI); a record names its user by id."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from callvault.identity.training.rules import MAX_PERIOD_MONTHS
from callvault.inputs import PRINTABLE, InputModel


class TrainingIn(InputModel):
    """A completed course; it counts until completion plus the tenant's period."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    user_id: Annotated[str, Field(min_length=1, max_length=32, pattern=PRINTABLE)]
    course: Annotated[str, Field(min_length=1, max_length=200, pattern=PRINTABLE)]
    completed_on: date


class TrainingOut(BaseModel):
    id: str
    user_id: str
    course: str
    completed_on: date
    expires_on: date
    recorded_by: str


class TrainingList(BaseModel):
    records: list[TrainingOut]


class TrainingCreated(BaseModel):
    id: str
    expires_on: date


class TrainingPolicyIn(InputModel):
    """``required``: suspend the PHI permissions of users whose training has lapsed."""

    model_config = ConfigDict(extra="forbid", strict=True)

    required: bool
    period_months: Annotated[int, Field(ge=1, le=MAX_PERIOD_MONTHS)]


class TrainingPolicyOut(BaseModel):
    required: bool
    period_months: int
