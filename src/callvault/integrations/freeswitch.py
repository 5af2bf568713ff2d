"""FreeSWITCH ``mod_json_cdr`` CDRs, read into calls.

The fields used, each from ``variables`` or else from the first ``callflow`` entry's
``caller_profile`` / ``times`` (``callflow`` is a list, or one object in older
FreeSWITCH): ``uuid``; ``caller_id_number``; ``destination_number``; the start and
end as epoch seconds (``start_epoch``, ``end_epoch``; ``times``' ``created_time`` and
``hangup_time`` are microseconds); ``billsec``; ``hangup_cause``; ``direction``.
``start_stamp`` is not used: it is the switch's local time with no zone. With
``encode-values`` on (FreeSWITCH's default) every value is URL-encoded: values are
decoded here either way. Recordings (``record_path`` and the like) name files on the
switch, which CallVault cannot fetch: they are uploaded separately (docs).

Every refusal names the field, never its value: the values hold phone numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from callvault.calls.schemas import CallCreate, Direction
from callvault.errors import InvalidInput
from callvault.phone import to_e164

# hangup_cause values of calls that were never answered, as CallVault dispositions.
UNANSWERED = {
    "USER_BUSY": "busy",
    "NO_ANSWER": "no_answer",
    "NO_USER_RESPONSE": "no_answer",
    "ORIGINATOR_CANCEL": "no_answer",
    "ALLOTTED_TIMEOUT": "no_answer",
    "CALL_REJECTED": "failed",
}
MAX_UUID = 100


class JsonCdr(BaseModel):
    """A ``mod_json_cdr`` CDR (``encode=false``), as described in the OpenAPI document:
    the parts read are ``variables`` and ``callflow``; everything else is ignored."""

    model_config = ConfigDict(extra="allow")

    variables: dict[str, Any] = Field(
        description="uuid, caller_id_number, destination_number, start_epoch, end_epoch,"
        " billsec, hangup_cause, direction (values may be URL-encoded)"
    )
    callflow: list[dict[str, Any]] | dict[str, Any] | None = Field(
        default=None, description="caller_profile and times fill in what variables lack"
    )


@dataclass(frozen=True)
class FreeswitchCall:
    uuid: str
    call: CallCreate


def read_json_cdr(body: bytes) -> FreeswitchCall:
    """The call a JSON CDR describes; ``InvalidInput`` (422) naming what is wrong."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidInput("the body is not JSON") from None
    if not isinstance(document, dict):
        raise InvalidInput("the body is not a JSON object")
    fields = _Fields(document)
    started = fields.epoch("start_epoch", "created_time")
    try:
        call = CallCreate(
            caller_number=to_e164(fields.text("caller_id_number"), "caller_id_number"),
            called_number=fields.number("destination_number"),
            tracking_number=fields.number("destination_number"),
            started_at=started,
            ended_at=fields.end(started),
            direction=fields.direction(),
            disposition=fields.disposition(),
        )
    except ValidationError:
        raise InvalidInput("the CDR's times or numbers do not make a call") from None
    uuid = fields.text("uuid")
    if len(uuid) > MAX_UUID:
        raise InvalidInput(f"uuid is over {MAX_UUID} characters")
    return FreeswitchCall(uuid, call)


class _Fields:
    """A CDR's values by name: ``variables`` first, then the first callflow entry."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._variables = _object(document.get("variables"))
        callflow = document.get("callflow")
        first = callflow[0] if isinstance(callflow, list) and callflow else callflow
        flow = _object(first)
        self._profile = _object(flow.get("caller_profile"))
        self._times = _object(flow.get("times"))
        self._channel = _object(document.get("channel_data"))

    def optional(self, name: str) -> str | None:
        for source in (self._variables, self._profile):
            value = source.get(name)
            if isinstance(value, str | int) and str(value).strip():
                return unquote(str(value)).strip()
        return None

    def text(self, name: str) -> str:
        value = self.optional(name)
        if value is None:
            raise InvalidInput(f"the CDR has no {name}")
        return value

    def number(self, name: str) -> str:
        return to_e164(self.text(name), name)

    def epoch(self, name: str, microseconds: str) -> datetime:
        value = self.optional(name)
        scale = 1
        if value is None or value == "0":
            value, scale = _text(self._times.get(microseconds)), 1_000_000
        if value is None or not value.isdigit() or value == "0":
            raise InvalidInput(f"the CDR has no {name} (epoch seconds)")
        return datetime.fromtimestamp(int(value) / scale, UTC)

    def end(self, started: datetime) -> datetime:
        try:
            return self.epoch("end_epoch", "hangup_time")
        except InvalidInput:
            return started + timedelta(seconds=self.seconds("duration"))

    def seconds(self, name: str) -> int:
        value = self.optional(name) or "0"
        if not value.isdigit():
            raise InvalidInput(f"{name} is not a whole number of seconds")
        return int(value)

    def direction(self) -> Direction:
        value = self.optional("direction") or _text(self._channel.get("direction"))
        return Direction.OUTBOUND if value == "outbound" else Direction.INBOUND

    def disposition(self) -> str:
        if self.seconds("billsec") > 0:
            return "answered"
        cause = (self.optional("hangup_cause") or "").upper()
        return UNANSWERED.get(cause, "failed")


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str | None:
    return unquote(str(value)).strip() if isinstance(value, str | int) else None
