"""The alerts pages: the raised alerts (``audit:read``, listed through ``AlertService``
and so audited as ``alert:list``, as the API's list is) and the tenant's alert settings
(``alert:admin``), a form whose POST goes through the same validation and service as
``PUT /api/v1/alerts/settings``."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from callvault.alerts.rules import WEEKDAYS, Rule
from callvault.alerts.schemas import SettingsIn, SettingsOut
from callvault.alerts.service import AlertService
from callvault.authz.permissions import Permission
from callvault.dashboard.access import form, page, page_router
from callvault.dashboard.rendering import render
from callvault.errors import InvalidInput
from callvault.web.context import RequestContext
from callvault.web.params import free_text_query

router = page_router()

PAGE_SIZE = 50

RULE_LABELS: dict[Rule, tuple[str, str]] = {
    Rule.MASS_ACCESS: ("Mass access", "many PHI reads by one actor within a minute"),
    Rule.OFF_HOURS: ("Off hours", "a PHI read outside the working hours"),
    Rule.NEW_NETWORK: ("New network", "a sign-in from a network the user never used"),
    Rule.DENIED_BURST: ("Denied burst", "many refused requests by one actor within a minute"),
    Rule.SAME_SURNAME: ("Same surname", "a user reading a call from a caller of their surname"),
}
DAY_LABELS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FIELD_LABELS = {
    "mass_access_threshold": "Mass access threshold",
    "denied_burst_threshold": "Denied burst threshold",
    "timezone": "Time zone",
    "work_days": "Working days",
    "work_start": "Working hours start",
    "work_end": "Working hours end",
    "disabled_rules": "Rules",
    "webhook_url": "Webhook URL",
    "rotate_webhook_secret": "New webhook secret",
}


@router.get("/alerts")
def alerts_page(
    request: Request,
    ctx: Annotated[RequestContext, Depends(page(Permission.AUDIT_READ))],
    rule: Annotated[str | None, free_text_query(32)] = None,
    cursor: Annotated[str | None, free_text_query(200)] = None,
) -> Response:
    chosen: Rule | None = None
    if rule:
        try:
            chosen = Rule(rule)
        except ValueError:
            raise InvalidInput("rule must be one of " + ", ".join(r.value for r in Rule)) from None
    found = AlertService(ctx).list_alerts(chosen, None, PAGE_SIZE, cursor or None)
    query = {"rule": chosen.value} if chosen else {}
    return render(
        request,
        "alerts.html",
        principal=ctx.principal,
        alerts=found.items,
        rule=chosen.value if chosen else "",
        rules=RULE_LABELS,
        next_url=("/alerts?" + urlencode({**query, "cursor": found.next_cursor}))
        if found.next_cursor
        else None,
        first_url=("/alerts?" + urlencode(query)) if cursor else None,
        may_configure=ctx.principal.may(Permission.ALERT_ADMIN),
    )


def _form_values(settings: SettingsOut) -> dict[str, Any]:
    return {
        "mass_access_threshold": str(settings.mass_access_threshold),
        "denied_burst_threshold": str(settings.denied_burst_threshold),
        "timezone": settings.timezone,
        "work_days": [d.value for d in settings.work_days],
        "work_start": settings.work_start,
        "work_end": settings.work_end,
        "enabled_rules": [r.value for r in Rule if r not in settings.disabled_rules],
        "webhook_url": settings.webhook_url or "",
        "rotate_webhook_secret": False,
    }


def _settings_page(
    request: Request,
    ctx: RequestContext,
    values: dict[str, Any],
    settings: SettingsOut,
    *,
    status: int = 200,
    errors: list[str] | None = None,
    notice: str | None = None,
    new_secret: str | None = None,
) -> Response:
    return render(
        request,
        "alert_settings.html",
        principal=ctx.principal,
        status=status,
        values=values,
        secret_set=settings.webhook_secret_set,
        errors=errors or [],
        notice=notice,
        new_secret=new_secret,
        rules=RULE_LABELS,
        days=list(zip((d.value for d in WEEKDAYS), DAY_LABELS, strict=True)),
    )


AlertAdminPage = Annotated[RequestContext, Depends(page(Permission.ALERT_ADMIN))]
AlertAdminForm = Annotated[RequestContext, Depends(form(Permission.ALERT_ADMIN))]
Short = Annotated[str, Form(max_length=64)]


@router.get("/alerts/settings")
def alert_settings_page(request: Request, ctx: AlertAdminPage) -> Response:
    settings = AlertService(ctx).get_settings()
    notice = "The alert settings were saved." if request.query_params.get("saved") else None
    return _settings_page(request, ctx, _form_values(settings), settings, notice=notice)


@router.post("/alerts/settings")
def save_alert_settings(
    request: Request,
    ctx: AlertAdminForm,
    mass_access_threshold: Short = "",
    denied_burst_threshold: Short = "",
    timezone: Short = "",
    work_start: Short = "",
    work_end: Short = "",
    work_days: Annotated[list[str] | None, Form(max_length=16)] = None,
    enabled_rules: Annotated[list[str] | None, Form(max_length=32)] = None,
    webhook_url: Annotated[str, Form(max_length=2048)] = "",
    rotate_webhook_secret: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    values: dict[str, Any] = {
        "mass_access_threshold": mass_access_threshold.strip(),
        "denied_burst_threshold": denied_burst_threshold.strip(),
        "timezone": timezone.strip(),
        "work_days": work_days or [],
        "work_start": work_start.strip(),
        "work_end": work_end.strip(),
        "enabled_rules": enabled_rules or [],
        "webhook_url": webhook_url.strip(),
        "rotate_webhook_secret": bool(rotate_webhook_secret),
    }
    service = AlertService(ctx)
    errors: list[str] = []
    body = _settings_in(values, errors)
    saved: SettingsOut | None = None
    if body is not None:
        try:
            saved = service.put_settings(body)
        except InvalidInput as exc:
            ctx.session.rollback()
            errors.append(exc.detail or "the settings are not valid")
    if saved is None:
        current = service.get_settings()
        return _settings_page(request, ctx, values, current, status=422, errors=errors)
    if saved.webhook_secret:  # shown once, on this page, never in a redirect
        return _settings_page(
            request,
            ctx,
            _form_values(saved),
            saved,
            notice="The alert settings were saved.",
            new_secret=saved.webhook_secret,
        )
    return RedirectResponse("/alerts/settings?saved=1", status_code=303)


def _settings_in(values: dict[str, Any], errors: list[str]) -> SettingsIn | None:
    """The form as the API's body, validated as the API validates it; messages in
    ``errors`` (naming the fields by their labels) when it is not valid."""
    raw: dict[str, Any] = {
        "timezone": values["timezone"],
        "work_days": values["work_days"],
        "work_start": values["work_start"],
        "work_end": values["work_end"],
        "disabled_rules": [r.value for r in Rule if r.value not in values["enabled_rules"]],
        "webhook_url": values["webhook_url"] or None,
        "rotate_webhook_secret": values["rotate_webhook_secret"],
    }
    for name in ("mass_access_threshold", "denied_burst_threshold"):
        text = values[name]
        if text.isdigit() and len(text) <= 9:
            raw[name] = int(text)
        else:
            errors.append(f"{FIELD_LABELS[name]}: enter a whole number from 1 to 1,000,000")
    unknown = [r for r in values["enabled_rules"] if r not in {x.value for x in Rule}]
    if unknown:
        errors.append("Rules: unknown rule")
    if errors:
        return None
    try:
        return SettingsIn.model_validate_json(json.dumps(raw))
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            errors.append(f"{FIELD_LABELS.get(name, name)}: {_message(name, error['msg'])}")
        return None


def _message(name: str, fallback: str) -> str:
    return {
        "mass_access_threshold": "enter a whole number from 1 to 1,000,000",
        "denied_burst_threshold": "enter a whole number from 1 to 1,000,000",
        "timezone": "enter a time zone name such as UTC or America/Chicago",
        "work_days": "choose at least one day",
        "work_start": "enter a time as HH:MM (00:00 to 23:59)",
        "work_end": "enter a time as HH:MM (00:01 to 24:00)",
        "webhook_url": "enter an https:// address",
    }.get(name, fallback)
