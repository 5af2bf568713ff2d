"""Routes that answer in HTML (the dashboard's pages): their errors are pages too.

A page's route is a ``PageRoute``; the problem handlers (``web/problems.py``) hand its
errors to the renderer the app put in ``app.state.page_errors``, so a signed-out
visitor is sent to the sign-in page and a refused one sees a 403 page, not JSON.
"""

from __future__ import annotations

from typing import Protocol

from fastapi import Request, Response

from callvault.web.pools import PooledRoute


class PageRoute(PooledRoute):
    """A route whose answers, errors included, are HTML pages."""


class PageErrors(Protocol):
    """``error`` is the exception when it was one of ours (a step-up asked for, say)."""

    def __call__(
        self,
        request: Request,
        status: int,
        title: str,
        detail: str | None,
        error: Exception | None = None,
    ) -> Response: ...


def page_errors(request: Request) -> PageErrors | None:
    """The app's page error renderer when ``request`` is for a page, else None."""
    if not isinstance(request.scope.get("route"), PageRoute):
        return None
    renderer: PageErrors | None = getattr(request.app.state, "page_errors", None)
    return renderer
