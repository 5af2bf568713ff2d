"""SCIM 2.0 provisioning of users. (Being built.)"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/scim/v2", tags=["scim"])
