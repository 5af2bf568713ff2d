"""Who may see a page, and what happens when they may not.

``page(Permission.X)`` is ``require(Permission.X)`` for a page: the same gate, session
cookie and audit trail. ``form(Permission.X)`` is the same for a form's POST, whose CSRF
token comes as the form field ``csrf_token`` (a form cannot set a header). Errors become
pages (``page_errors``): a visitor without a session is sent to sign in, a refused one
gets a 403 page that says why, never a blank one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.routing import Match

from callvault.authz.permissions import Permission
from callvault.dashboard.rendering import CSRF_FIELD, render
from callvault.errors import StepUpRequired
from callvault.web.context import FORM_CSRF, PERMISSION_ATTRIBUTE, RequestContext, authorized
from callvault.web.pages import PageRoute

MAX_FORM_BYTES = 64 * 1024


def page_router(**kwargs: object) -> APIRouter:
    """A router for pages: kept out of the API description, errors answered as pages."""
    return APIRouter(route_class=PageRoute, include_in_schema=False, **kwargs)  # type: ignore[arg-type]


def page(
    permission: Permission, *, writes: bool | None = None
) -> Callable[..., AsyncIterator[RequestContext]]:
    """``writes=True`` for a page whose read writes too (as ``require``'s)."""

    async def dependency(request: Request) -> AsyncIterator[RequestContext]:
        async with authorized(request, permission, writes) as ctx:
            yield ctx

    setattr(dependency, PERMISSION_ATTRIBUTE, permission)
    return dependency


def form(permission: Permission) -> Callable[..., AsyncIterator[RequestContext]]:
    async def dependency(request: Request) -> AsyncIterator[RequestContext]:
        fields = await request.form(max_files=0, max_fields=200, max_part_size=MAX_FORM_BYTES)
        token = fields.get(CSRF_FIELD)
        setattr(request.state, FORM_CSRF, token if isinstance(token, str) else None)
        async with authorized(request, permission) as ctx:
            yield ctx

    setattr(dependency, PERMISSION_ATTRIBUTE, permission)
    return dependency


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path on this site, else ``default``: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def render_error(
    request: Request,
    status: int,
    title: str,
    detail: str | None,
    error: Exception | None = None,
) -> Response:
    """The app's ``page_errors``: sign-in for 401, else a page naming the problem."""
    if status == 401:
        next_path = quote(request.url.path, safe="/")
        return RedirectResponse(f"/signin?next={next_path}", status_code=303)
    # Allowed, but only after re-entering a TOTP code (dashboard/account.py): ask for
    # one, then come back to this page (for a form's POST, the page the form is on).
    if isinstance(error, StepUpRequired):
        back = request.url.path if request.method == "GET" else _form_page(request)
        next_path = quote(back, safe="/")
        return RedirectResponse(f"/account/step-up?next={next_path}", status_code=303)
    return render(request, "error.html", status=status, title=title, detail=detail)


def _form_page(request: Request) -> str:
    """The page a form was posted from: a form posts to its page's path, or to
    ``<page>/<action>`` (the server sends no ``Referer``: ``no-referrer``)."""
    path = request.url.path
    for candidate in (path, path.rsplit("/", 1)[0]):
        scope = {**request.scope, "method": "GET", "path": candidate}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            return candidate
    return "/"
