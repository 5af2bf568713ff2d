"""Permissions are data: ``resource:action`` strings; anything not listed is denied."""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    ALERT_ADMIN = "alert:admin"
    AUDIT_READ = "audit:read"
    BAA_ADMIN = "baa:admin"
    CALL_CREATE = "call:create"
    CALL_READ = "call:read"
    CALL_READ_PHI = "call:read_phi"
    COMPLIANCE_READ = "compliance:read"
    ELEVATION_APPROVE = "elevation:approve"
    ELEVATION_REQUEST = "elevation:request"
    EXPORT_APPROVE = "export:approve"
    EXPORT_CREATE = "export:create"
    HOLD_ADMIN = "hold:admin"
    INCIDENT_ADMIN = "incident:admin"
    INTEGRATION_ADMIN = "integration:admin"
    KEY_ADMIN = "key:admin"
    METRICS_READ = "metrics:read"  # operational counters: no PHI, no tenant data
    POLICY_ADMIN = "policy:admin"
    RECORDING_PLAY = "recording:play"
    RECORDING_PLAY_UNREDACTED = "recording:play_unredacted"
    RECORDING_UPLOAD = "recording:upload"
    REPORT_READ = "report:read"
    RETENTION_ADMIN = "retention:admin"
    ROLE_ADMIN = "role:admin"
    SCIM_PROVISION = "scim:provision"
    SESSION_SELF = "session:self"
    TRACKING_ADMIN = "tracking:admin"
    TRAINING_ADMIN = "training:admin"
    TOKEN_ADMIN = "token:admin"  # noqa: S105  # a permission name, not a secret
    TRANSCRIPT_READ = "transcript:read"
    TRANSCRIPT_READ_UNREDACTED = "transcript:read_unredacted"
    TRANSCRIPT_UPLOAD = "transcript:upload"
    USER_ADMIN = "user:admin"


# Permissions that reach PHI: every role holding one must use MFA.
PHI_PERMISSIONS = frozenset(
    {
        Permission.CALL_READ_PHI,
        Permission.RECORDING_PLAY,
        Permission.RECORDING_PLAY_UNREDACTED,
        Permission.TRANSCRIPT_READ,
        Permission.TRANSCRIPT_READ_UNREDACTED,
        Permission.EXPORT_CREATE,
    }
)

# Actions that need a fresh TOTP code (step-up) on a session, not just a session.
STEP_UP_PERMISSIONS = frozenset(
    {Permission.EXPORT_CREATE, Permission.ROLE_ADMIN, Permission.KEY_ADMIN}
)


def parse_permission(value: str) -> Permission | None:
    try:
        return Permission(value)
    except ValueError:
        return None
