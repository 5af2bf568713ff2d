"""What every input must be, whatever the route: text without NUL characters.

PostgreSQL cannot hold a NUL in text and its driver refuses one in any query
parameter, so a NUL sent in a path, a query or a JSON body once came back as a 503
(or as "audit log unavailable", when the audit event named the value). Refusing it at
the edge makes it the 4xx it is, on SQLite and PostgreSQL alike.

- ``ObjectId`` and ``free_text_query`` (``callvault.web.params``, beside FastAPI) for
  path and query parameters: no control characters at all (none belongs in a URL),
  stated in the OpenAPI description;
- ``InputModel`` as the base of every request body model: no NUL in any string.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Self

from pydantic import AfterValidator, AwareDatetime, BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

# No C0 control character and no DEL.
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"


def _in_utc(value: datetime) -> datetime:
    # Stored in UTC: an instant that has none (year 1 east of Greenwich) is refused.
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time is out of range") from None


# A body's instant: with its offset, kept in UTC.
UtcInstant = Annotated[AwareDatetime, AfterValidator(_in_utc)]


class InputModel(BaseModel):
    """Base of request bodies, which are parsed with ``model_validate_json``: a body
    whose JSON holds a NUL (``\\u0000``) anywhere is refused before it is parsed. One
    scan of the bytes, so a transcript of half a million words costs nothing more."""

    @classmethod
    def model_validate_json(
        cls, json_data: str | bytes | bytearray, *args: Any, **kwargs: Any
    ) -> Self:
        raw = json_data.encode() if isinstance(json_data, str) else bytes(json_data)
        if holds_nul_escape(raw):
            error = PydanticCustomError("nul_character", "text must not contain NUL characters")
            raise ValidationError.from_exception_data(
                cls.__name__, [InitErrorDetails(type=error, loc=(), input=None)]
            )
        return super().model_validate_json(json_data, *args, **kwargs)


def holds_nul_escape(raw: bytes) -> bool:
    """Whether JSON text ``raw`` holds a ``\\u0000`` escape that is one (after an even
    number of backslashes, it is text). A raw NUL byte is no JSON: the parser refuses it."""
    at = raw.find(b"\\u0000")
    while at != -1:
        start = at
        while start > 0 and raw[start - 1] == ord("\\"):  # the backslashes before it
            start -= 1
        if (at - start) % 2 == 0:
            return True
        at = raw.find(b"\\u0000", at + 1)
    return False
