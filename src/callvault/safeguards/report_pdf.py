"""The risk analysis report as PDF (reportlab platypus): title, generated-at, tenant, a
table per Security Rule standard, the findings with recommended actions, and an
appendix of audit statistics."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from callvault.safeguards.report import RiskReport, StandardTable

# The dashboard's badge colours (dashboard.css), so both renderings read alike.
STATUS_COLOURS = {
    "pass": colors.HexColor("#1e6b34"),
    "warn": colors.HexColor("#7a4b00"),
    "fail": colors.HexColor("#a4161a"),
    "info": colors.HexColor("#57606a"),
}
TABLE_STYLE = TableStyle(
    [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f6f8fa")),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#d0d7de")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)
COLUMN_WIDTHS = [0.7 * inch, 1.2 * inch, 3.4 * inch, 1.6 * inch]


def render_pdf(report: RiskReport) -> bytes:
    styles = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=styles["BodyText"], fontSize=8.5, leading=10.5)
    out = BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=LETTER,
        title=f"Risk analysis report: {report.tenant}",
        author="CallVault",
        leftMargin=0.75 * inch,
        rightMargin=0.75 * inch,
    )
    story: list[Any] = [
        Paragraph("Risk analysis report", styles["Title"]),
        _text(f"Tenant: {report.tenant}", styles["Normal"]),
        _text(f"Generated at: {report.generated_label}", styles["Normal"]),
        _text(
            f"Overall status: {report.overall.value.upper()}."
            " 45 CFR 164.308(a)(1)(ii)(A), from the live checks, the configuration"
            " and the audit statistics.",
            styles["Normal"],
        ),
    ]
    for table in report.standards:
        story += _standard(table, styles, cell)
    story += _findings(report, styles)
    story += _configuration(report, styles, cell)
    story += _statistics(report, styles, cell)
    document.build(story)
    return out.getvalue()


def _text(value: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (reportlab reads markup: the text is escaped)."""
    return Paragraph(escape(value), style)


def _standard(table: StandardTable, styles: Any, cell: ParagraphStyle) -> list[Any]:
    rows: list[list[Any]] = [["Status", "Check", "Evidence", "Section (45 CFR)"]]
    for row in table.rows:
        colour = STATUS_COLOURS[row.status].hexval()[2:]
        status = Paragraph(f'<font color="#{colour}"><b>{row.status.upper()}</b></font>', cell)
        texts = (row.name, row.evidence, row.section)
        rows.append([status, *(_text(value, cell) for value in texts)])
    if not table.rows:
        rows.append(["", "", _text("no live check serves this standard", cell), ""])
    grid = Table(rows, colWidths=COLUMN_WIDTHS, repeatRows=1)
    grid.setStyle(TABLE_STYLE)
    heading = f"{table.standard} {table.title}"
    return [Spacer(1, 10), _text(heading, styles["Heading2"]), grid]


def _findings(report: RiskReport, styles: Any) -> list[Any]:
    story: list[Any] = [Spacer(1, 10), Paragraph("Findings", styles["Heading2"])]
    if not report.findings:
        story.append(Paragraph("No check warns or fails.", styles["Normal"]))
    for finding in report.findings:
        story.append(
            _text(
                f"{finding.status.upper()} {finding.name} ({finding.section}):"
                f" {finding.evidence}. Recommended action: {finding.action}",
                styles["Normal"],
            )
        )
    return story


def _configuration(report: RiskReport, styles: Any, cell: ParagraphStyle) -> list[Any]:
    rows = [[_text(label, cell), _text(value, cell)] for label, value in report.configuration]
    grid = Table(rows, colWidths=[1.5 * inch, 5.4 * inch])
    grid.setStyle(TABLE_STYLE)
    return [Spacer(1, 10), Paragraph("Configuration", styles["Heading2"]), grid]


def _statistics(report: RiskReport, styles: Any, cell: ParagraphStyle) -> list[Any]:
    stats = report.statistics
    story: list[Any] = [
        Spacer(1, 10),
        Paragraph("Appendix: audit statistics", styles["Heading2"]),
        _text(stats.range_reference, styles["Normal"]),
        _text(
            f"Last verification: {stats.verified_label}",
            styles["Normal"],
        ),
    ]
    windows = stats.windows
    header = ["", *(f"last {w.days} days" for w in windows)]
    rows: list[list[Any]] = [header]
    for label, values in stats.table_rows():
        rows.append([_text(label, cell), *(str(v) for v in values)])
    grid = Table(rows, colWidths=[3.1 * inch] + [1.9 * inch] * len(windows), repeatRows=1)
    grid.setStyle(TABLE_STYLE)
    story.append(grid)
    return story
