"""The risk analysis report made into a document (PDF or HTML), its making audited
with the document's SHA-256, so a copy handed to an auditor can be matched to the
event that produced it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.safeguards.report import build_risk_report
from callvault.safeguards.report_html import render_html
from callvault.settings import Settings


class ReportFormat(StrEnum):
    PDF = "pdf"
    HTML = "html"


MEDIA_TYPES = {ReportFormat.PDF: "application/pdf", ReportFormat.HTML: "text/html; charset=utf-8"}


@dataclass(frozen=True)
class RiskDocument:
    content: bytes
    media_type: str
    filename: str
    sha256: str


def risk_report_document(
    ctx: ServiceContext, settings: Settings, report_format: ReportFormat
) -> RiskDocument:
    report = build_risk_report(ctx, settings)
    if report_format is ReportFormat.PDF:
        # Imported here: reportlab costs every process ~0.05 s to import, for a rare report.
        from callvault.safeguards.report_pdf import render_pdf

        content = render_pdf(report)
    else:
        content = render_html(report)
    digest = hashlib.sha256(content).hexdigest()
    ctx.audit_read(AuditAction.COMPLIANCE_REPORT_CREATE, digest)
    day = report.generated_at.date().isoformat()
    return RiskDocument(
        content=content,
        media_type=MEDIA_TYPES[report_format],
        filename=f"risk-analysis-{day}.{report_format.value}",
        sha256=digest,
    )
