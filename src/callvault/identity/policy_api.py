"""Tenant access policy: IP allowlists, session limits. (Being built.)"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/policy", tags=["policy"])
