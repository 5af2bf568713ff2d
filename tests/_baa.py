"""The covered-entity BAA every test tenant is made with, so its PHI ingest is open
(the gate's own tests, tests/compliance, make tenants without one)."""

from __future__ import annotations

from datetime import date

from callvault.compliance.schemas import BaaIn
from callvault.tenants.agreements import AgreementKind

CLINIC_BAA = BaaIn(
    kind=AgreementKind.COVERED_ENTITY,
    counterparty="Test clinic",
    effective_on=date(2020, 1, 1),
    document_sha256="ab" * 32,
)
