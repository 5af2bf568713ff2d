"""Sign-in: password, then TOTP; logout; step-up. (Being built.)"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
