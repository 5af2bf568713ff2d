"""Path and query parameters: no control characters at all (none belongs in a URL),
stated in the OpenAPI description (``callvault.inputs`` holds the rule, and the bodies').
Apart from ``callvault.inputs`` because it needs FastAPI, which the jobs process and
the CLI, importing every schema, would otherwise load for nothing."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query

from callvault.inputs import PRINTABLE

# An object's id in a path: any text names an object or is a 404, control characters
# excepted (a 422).
ObjectId = Annotated[str, Path(pattern=PRINTABLE)]


def free_text_query(max_length: int, description: str | None = None) -> Any:
    """``Query(...)`` for a free-text query parameter of at most ``max_length``."""
    return Query(max_length=max_length, pattern=PRINTABLE, description=description)
