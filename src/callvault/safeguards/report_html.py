"""The risk analysis report as one self-contained HTML file: the dashboard's template
directory and stylesheet, read as package files (the dashboard's code stands above)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from jinja2 import Environment, PackageLoader, select_autoescape

from callvault.safeguards.report import RiskReport


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("callvault", "dashboard/templates"),
        autoescape=select_autoescape(default=True),
    )


@cache
def _stylesheet() -> str:
    return files("callvault").joinpath("dashboard/static/dashboard.css").read_text()


def render_html(report: RiskReport) -> bytes:
    template = _environment().get_template("risk_report.html")
    return template.render(report=report, stylesheet=_stylesheet()).encode()
