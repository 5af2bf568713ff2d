"""Pages as HTML responses: one Jinja2 environment, the page headers, the navigation."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from callvault.authz.permissions import Permission
from callvault.authz.principal import Principal
from callvault.db.base import utcnow
from callvault.identity.training.rules import WARNING_DAYS, days_left

# No inline script or style anywhere, and nothing from another origin. ``data:`` images
# are the enrolment QR code; ``media-src 'self'`` the recording player.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
PAGE_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-store"}

CSRF_COOKIE = "callvault_csrf"  # the session's CSRF token, for the forms of its pages
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str
    permission: Permission


# Later capabilities add their entries here, each behind the permission its page needs.
NAVIGATION: tuple[NavItem, ...] = (
    NavItem("/calls", "Calls", Permission.CALL_READ),
    NavItem("/reports", "Reports", Permission.REPORT_READ),
    NavItem("/audit", "Audit", Permission.AUDIT_READ),
    NavItem("/alerts", "Alerts", Permission.AUDIT_READ),
    NavItem("/retention", "Retention", Permission.RETENTION_ADMIN),
    NavItem("/holds", "Legal holds", Permission.HOLD_ADMIN),
    NavItem("/exports", "Exports", Permission.EXPORT_CREATE),
    NavItem("/exports/queue", "Export approvals", Permission.EXPORT_APPROVE),
    NavItem("/incidents", "Incidents", Permission.INCIDENT_ADMIN),
    NavItem("/baas", "BAAs", Permission.BAA_ADMIN),
    NavItem("/admin/users", "Administration", Permission.USER_ADMIN),
    # After Administration: an admin's first page (``/``) stays the user list.
    NavItem("/compliance", "Compliance", Permission.COMPLIANCE_READ),
    NavItem("/tracking", "Tracking", Permission.TRACKING_ADMIN),
    NavItem("/integrations", "Integrations", Permission.INTEGRATION_ADMIN),
    NavItem("/admin/elevations", "Break-glass requests", Permission.ELEVATION_APPROVE),
    NavItem("/account/break-glass", "Request access", Permission.ELEVATION_REQUEST),
    NavItem("/account/password", "Password", Permission.SESSION_SELF),
)


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("callvault.dashboard", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def training_notice(principal: Principal | None) -> str | None:
    """The banner of a person whose training has lapsed or lapses within the window."""
    if principal is None or principal.actor_type != "user":
        return None
    if principal.training_suspended:
        return (
            "Your workforce training has lapsed: access to patient information is suspended"
            " until a new completion is recorded. Ask your compliance officer."
        )
    left = days_left(principal.training_due, utcnow().date())
    if left is not None and 0 <= left <= WARNING_DAYS:
        return f"Your workforce training lapses in {left} day(s): renew it to keep access."
    return None


def render(
    request: Request,
    template: str,
    *,
    principal: Principal | None = None,
    status: int = 200,
    **values: Any,
) -> HTMLResponse:
    """``template`` rendered for ``principal`` (None on the signed-out pages)."""
    nav = [item for item in NAVIGATION if principal is not None and principal.may(item.permission)]
    html = (
        environment()
        .get_template(template)
        .render(
            principal=principal,
            nav=nav,
            training_notice=training_notice(principal),
            path=request.url.path,
            csrf_token=request.cookies.get(CSRF_COOKIE, ""),
            status=status,
            **values,
        )
    )
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)
