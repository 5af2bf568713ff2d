"""Users, roles and API tokens. (Being built.)"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["identity"])
