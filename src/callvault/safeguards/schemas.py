from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from callvault.safeguards.checks import Status


class CheckOut(BaseModel):
    name: str
    status: Status
    evidence: str
    section: str  # the HIPAA section (45 CFR) it serves


class StatusReport(BaseModel):
    status: Status  # the worst of the checks
    checked_at: datetime
    checks: list[CheckOut]
