"""What the administration and account pages share: reading a form, checking it with
the API's own body model, the notice a redirect carries back, and the section menu.

Every page calls the same service as its API route, behind the same permission
(``page(...)`` for a GET, ``form(...)`` for a POST); the modules are ``admin_users``,
``admin_roles`` (roles and tokens), ``admin_policy``, ``admin_elevations`` and
``account``. A form POSTs, then redirects (303) back with a ``?notice=`` key, which
names one of the fixed messages below (nothing a visitor sends is ever echoed). A form
with invalid input is shown again with each field's message, status 422.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from callvault.authz.permissions import Permission
from callvault.authz.principal import Principal
from callvault.dashboard.access import MAX_FORM_BYTES
from callvault.dashboard.rendering import NavItem, render
from callvault.db.base import utcnow
from callvault.errors import CallVaultError, InvalidInput

Model = TypeVar("Model", bound=BaseModel)

# ``?notice=<key>`` -> what the page says after a form did its work.
NOTICES = {
    "user-created": "The user was created. They enrol their authenticator at first sign-in.",
    "user-deactivated": "The user was deactivated and their sessions ended.",
    "user-activated": "The user was activated again.",
    "user-unlocked": "The user was unlocked.",
    "roles-saved": "The roles were saved.",
    "mfa-reset": "The authenticator was reset: the next sign-in enrols a new one.",
    "role-created": "The role was created.",
    "role-saved": "The role was saved.",
    "role-deleted": "The role was deleted.",
    "token-revoked": "The token was revoked.",
    "access-saved": "The access policy was saved.",
    "redaction-saved": "The redaction policy was saved.",
    "elevation-requested": "Your request was sent: someone who approves requests decides it.",
    "elevation-approved": "The request was approved.",
    "elevation-denied": "The request was denied.",
    "password-changed": "Your password was changed. Your other sessions ended.",
    "stepped-up": "Code accepted: for the next few minutes you may make protected changes.",
}


# The administration pages' own menu, each entry behind the permission its page needs.
SECTIONS: tuple[NavItem, ...] = (
    NavItem("/admin/users", "Users", Permission.USER_ADMIN),
    NavItem("/admin/roles", "Roles", Permission.USER_ADMIN),
    NavItem("/admin/tokens", "API tokens", Permission.TOKEN_ADMIN),
    NavItem("/admin/policy", "Policy", Permission.POLICY_ADMIN),
    NavItem("/admin/elevations", "Break-glass requests", Permission.ELEVATION_APPROVE),
)


async def form_fields(request: Request) -> FormData:
    """The form the page's ``form(...)`` dependency read (Starlette keeps it)."""
    fields = await request.form(max_files=0, max_fields=200, max_part_size=MAX_FORM_BYTES)
    for value in fields.values():
        if isinstance(value, str) and "\x00" in value:
            raise InvalidInput("text must not contain NUL characters")
    return fields


Fields = Annotated[FormData, Depends(form_fields)]


def text(fields: FormData, name: str) -> str:
    value = fields.get(name)
    return value if isinstance(value, str) else ""


def lines(fields: FormData, name: str) -> list[str]:
    """A textarea, one value a line (blank lines left out)."""
    return [line.strip() for line in text(fields, name).splitlines() if line.strip()]


def choices(fields: FormData, name: str) -> list[str]:
    """The checked boxes (or chosen options) named ``name``."""
    return [v for v in fields.getlist(name) if isinstance(v, str)]


def checked(fields: FormData, name: str) -> bool:
    return name in fields


def whole_number(value: str) -> int | str:
    """The number typed, or the text itself (so the model names the field's rule)."""
    value = value.strip()
    return int(value) if value.isdecimal() and len(value) <= 9 else value


def checked_model(
    model: type[Model], data: Mapping[str, Any]
) -> tuple[Model | None, dict[str, str]]:
    """``data`` checked by the API's body model, parsed as the API parses its JSON
    body: the body, or each field's message."""
    try:
        return model.model_validate_json(json.dumps(dict(data))), {}
    except ValidationError as exc:
        return None, field_messages(exc)


def field_messages(exc: ValidationError) -> dict[str, str]:
    found: dict[str, str] = {}
    for error in exc.errors(include_input=False, include_url=False):
        loc = error.get("loc", ())
        name = str(loc[0]) if loc else "form"
        message = str(error.get("msg", "is not valid"))
        if len(loc) > 1 and isinstance(loc[1], int):
            message = f"line {loc[1] + 1}: {message}"
        found.setdefault(name, message)
    return found


def error_fields(exc: CallVaultError, default: str) -> dict[str, str]:
    """A service's refusal as field messages: the fields it names, else ``default``."""
    named = getattr(exc, "errors", None)
    if named:
        return {str(e["field"]).split(".")[-1]: str(e["message"]) for e in named}
    return {default: exc.detail}


def back(path: str, notice: str) -> Response:
    """The POST is done: back to ``path`` (a page of ours), saying so."""
    if notice not in NOTICES:
        raise ValueError(f"unknown notice {notice!r}")
    return RedirectResponse(f"{quote(path, safe='/')}?notice={notice}", status_code=303)


def page_of(
    request: Request,
    template: str,
    principal: Principal,
    *,
    status: int = 200,
    errors: Mapping[str, str] | None = None,
    **values: Any,
) -> Response:
    """An administration or account page, with its notice, menu and field messages."""
    notice = NOTICES.get(request.query_params.get("notice", ""))
    sections = [s for s in SECTIONS if principal.may(s.permission)]
    return render(
        request,
        template,
        principal=principal,
        status=status,
        notice=notice,
        sections=sections,
        errors=dict(errors or {}),
        now=utcnow(),
        **values,
    )
