"""Permissions are data: ``resource:action`` strings; anything not listed is denied."""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    CALL_CREATE = "call:create"
    CALL_READ = "call:read"
    CALL_READ_PHI = "call:read_phi"
    RECORDING_PLAY = "recording:play"
    RECORDING_UPLOAD = "recording:upload"
    TRANSCRIPT_READ = "transcript:read"
    TRANSCRIPT_UPLOAD = "transcript:upload"
