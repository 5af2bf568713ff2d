"""Every action the audit trail records, with the resource it names and what emits it.

``record_event`` and its siblings take an ``AuditAction`` (or, for an audited denial,
the ``Permission`` that was refused: a route's denial names what it asked for).
``docs/audit-actions.md`` is generated from this module (``callvault audit actions-doc``),
and a test fails when the file is not current; the alert rules and the SIEM docs refer
to these members, so a renamed action cannot silently escape them.

Longer than the 400-line guide on purpose: it is one table, a row per action, and
splitting it by capability would give the generated document and the alert rules
several places to look instead of one.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    resource_type: str
    emitted_by: str

    def __new__(cls, value: str, resource_type: str, emitted_by: str) -> AuditAction:
        member = str.__new__(cls, value)
        member._value_ = value
        member.resource_type = resource_type
        member.emitted_by = emitted_by
        return member

    # -- calls, recordings and transcripts (PHI) -------------------------------------------
    CALL_CREATE = (
        "call:create",
        "call",
        "`POST /api/v1/calls`; the Twilio and FreeSWITCH webhooks; `callvault import asterisk`;"
        " the demo seed",
    )
    CALL_READ = "call:read", "call", "`GET /api/v1/calls/{id}`"
    CALL_SEARCH = "call:search", "call", "`GET /api/v1/calls`"
    RECORDING_UPLOAD = (
        "recording:upload",
        "call",
        "`PUT /api/v1/calls/{id}/recording`, the Twilio recording webhook, the Asterisk import"
        " (denied: the call's recording consent refuses it); the pipeline storing a scrub",
    )
    RECORDING_PLAY = (
        "recording:play",
        "call",
        "`GET /api/v1/calls/{id}/recording`; `GET /api/v1/playback/{token}` (each request)",
    )
    RECORDING_LINK_CREATE = (
        "recording:link_create",
        "call",
        "`POST /api/v1/calls/{id}/playback-links` (a short-lived playback URL)",
    )
    RECORDING_PLAY_UNREDACTED = (
        "recording:play_unredacted",
        "call",
        "`GET /api/v1/calls/{id}/recording/original`; the pipeline reading the original",
    )
    RECORDING_RERUN = (
        "recording:rerun",
        "call",
        "`POST /calls/{id}/rerun` (the dashboard: a failed recording job queued again)",
    )
    RECORDING_REVIEW_APPROVE = (
        "recording:review_approve",
        "call",
        "`POST /api/v1/calls/{id}/recording/review` (a call held for review made playable)",
    )
    CALL_UPDATE = (
        "call:update",
        "call",
        "a Twilio voice-status webhook that changed a call (duration, disposition)",
    )
    CALL_CONSENT_UPDATE = (
        "call:consent_update",
        "call",
        "`PUT /api/v1/calls/{id}/consent` (reason: the old and the new consent state)",
    )
    RECORDING_PAUSES_ADD = (
        "recording:pauses_add",
        "call",
        "`POST /api/v1/calls/{id}/recording-pauses` (stretches the caller did not consent to)",
    )
    RECORDING_PAUSES_APPLY = (
        "recording:pauses_apply",
        "call",
        "the pipeline storing the original again with its paused stretches silenced",
    )
    TRANSCRIPT_UPLOAD = "transcript:upload", "call", "`PUT /api/v1/calls/{id}/transcript`"
    TRANSCRIPT_READ = "transcript:read", "call", "`GET /api/v1/calls/{id}/transcript`"
    TRANSCRIPT_READ_UNREDACTED = (
        "transcript:read_unredacted",
        "call",
        "`GET /api/v1/calls/{id}/transcript/original`",
    )
    OBJECT_SHRED = (
        "object:shred",
        "call",
        "a recording or transcript replaced or withdrawn (its key destroyed)",
    )

    # -- the audit trail itself ------------------------------------------------------------
    AUDIT_READ = "audit:read", "audit_log", "the `/api/v1/audit/*` reads (events, heads, proofs)"
    AUDIT_EXPORT = "audit:export", "audit_log", "`callvault audit export` and `forward-syslog`"

    # -- sign-in and a person's own credentials --------------------------------------------
    AUTH_LOGIN = "auth:login", "user", "`POST /api/v1/auth/login` (the password step)"
    AUTH_MFA = "auth:mfa", "user", "`POST /api/v1/auth/mfa` (a session starts)"
    AUTH_RECOVERY_CODE = (
        "auth:recovery_code",
        "user",
        "`POST /api/v1/auth/mfa` with a recovery code",
    )
    AUTH_ENROL = "auth:enrol", "user", "`POST /api/v1/auth/mfa` completing a first TOTP enrolment"
    AUTH_LOCKOUT = "auth:lockout", "user", "a failed sign-in that locks the account"
    AUTH_LOGOUT = "auth:logout", "user", "`POST /api/v1/auth/logout`"
    AUTH_STEP_UP = "auth:step_up", "user", "`POST /api/v1/auth/step-up`"
    AUTH_PASSWORD_CHANGE = (
        "auth:password_change",  # an action name, not a secret
        "user",
        "`POST /api/v1/auth/password`",
    )

    # -- administration --------------------------------------------------------------------
    USER_CREATE = "user:create", "user", "`POST /api/v1/users`; `callvault user create`"
    USER_READ = "user:read", "user", "`GET /api/v1/users/{id}` of a user not found"
    USER_ACTIVATE = "user:activate", "user", "`PATCH /api/v1/users/{id}`"
    USER_DEACTIVATE = "user:deactivate", "user", "`PATCH /api/v1/users/{id}`; SCIM"
    USER_UNLOCK = "user:unlock", "user", "`PATCH /api/v1/users/{id}`"
    USER_PASSWORD_RESET = (
        "user:password_reset",  # an action name, not a secret
        "user",
        "`POST /api/v1/users/{id}/password-reset`",
    )
    USER_MFA_RESET = "user:mfa_reset", "user", "`POST /api/v1/users/{id}/mfa-reset`"
    ROLE_ASSIGN = "role:assign", "user", "`POST /api/v1/users`, `PUT /api/v1/users/{id}/roles`"
    ROLE_CREATE = "role:create", "role", "`POST /api/v1/roles`"
    ROLE_UPDATE = "role:update", "role", "`PUT /api/v1/roles/{name}`"
    ROLE_DELETE = "role:delete", "role", "`DELETE /api/v1/roles/{name}`"
    TOKEN_CREATE = "token:create", "token", "`POST /api/v1/tokens`; `callvault token create`"
    TOKEN_REVOKE = "token:revoke", "token", "`DELETE /api/v1/tokens/{id}`"
    KEY_ROTATE = "key:rotate", "tenant_key", "`callvault keys rotate`"
    BACKUP_CREATE = (
        "backup:create",
        "backup",
        "`callvault backup create` (in the vault backed up, before its snapshot)",
    )
    BACKUP_RESTORE = (
        "backup:restore",
        "backup",
        "`callvault backup restore` (in the restored vault, once it verifies)",
    )
    POLICY_UPDATE = (
        "policy:update",
        "tenant_policy",
        "`PUT /api/v1/policy`, `PUT /api/v1/policy/redaction`",
    )
    ALERT_LIST = "alert:list", "alert", "`GET /api/v1/alerts`"
    ALERT_SETTINGS_UPDATE = (
        "alert:settings_update",
        "alert_settings",
        "`PUT /api/v1/alerts/settings`",
    )

    # -- telephony integrations ------------------------------------------------------------
    INTEGRATION_READ = (
        "integration:read",
        "integration_settings",
        "`GET /api/v1/integrations/twilio`",
    )
    INTEGRATION_UPDATE = (
        "integration:update",
        "integration_settings",
        "`PUT /api/v1/integrations/twilio`; `callvault integrations twilio set`",
    )
    WEBHOOK_REJECT = (
        "webhook:reject",
        "webhook",
        "a `/webhooks/twilio/{tenant}/...` request refused: bad signature or not configured",
    )

    # -- SCIM provisioning -----------------------------------------------------------------
    USER_PROVISION = "user:provision", "user", "SCIM `POST /scim/v2/Users`"
    USER_REACTIVATE = "user:reactivate", "user", "SCIM `PATCH /scim/v2/Users/{id}`"
    USER_UPDATE = "user:update", "user", "SCIM `PATCH /scim/v2/Users/{id}`"
    USER_DELETE = "user:delete", "user", "SCIM `DELETE /scim/v2/Users/{id}`"

    # -- break-glass -----------------------------------------------------------------------
    ELEVATION_REQUEST = "elevation:request", "elevation", "`POST /api/v1/elevations`"
    ELEVATION_APPROVE = "elevation:approve", "elevation", "`POST /api/v1/elevations/{id}/approve`"
    ELEVATION_DENY = "elevation:deny", "elevation", "`POST /api/v1/elevations/{id}/deny`"
    ELEVATION_USE = "elevation:use", "elevation", "a request allowed only by an elevation"

    # -- lifecycle: retention, legal holds, right of access and erasure ---------------------
    RETENTION_READ = "retention:read", "retention_policy", "`GET /api/v1/retention`"
    RETENTION_SET = (
        "retention:set",
        "retention_policy",
        "`PUT /api/v1/retention` (applied at once); `callvault retention set`",
    )
    RETENTION_CHANGE_REQUEST = (
        "retention:change_request",
        "retention_change",
        "`PUT /api/v1/retention` that shortens a period (waits for a second person)",
    )
    RETENTION_CHANGE_APPROVE = (
        "retention:change_approve",
        "retention_change",
        "`POST /api/v1/retention/changes/{id}/approve` (the shortened policy applies)",
    )
    RETENTION_SHRED = (
        "retention:shred",
        "call",
        "the retention sweep: one deletion certificate (in `reason`) per object destroyed",
    )
    RETENTION_SWEEP = (
        "retention:sweep",
        "tenant",
        "the retention sweep of one tenant, when done (counts in `reason`)",
    )
    MANUAL_SHRED = (
        "call:shred",
        "call",
        "`POST /api/v1/calls/{id}/shred`: one deletion certificate per object destroyed",
    )
    HOLD_CREATE = "hold:create", "legal_hold", "`POST /api/v1/holds`"
    HOLD_RELEASE = "hold:release", "legal_hold", "`POST /api/v1/holds/{id}/release`"
    HOLD_LIST = "hold:list", "legal_hold", "`GET /api/v1/holds`, `GET /api/v1/holds/{id}`"
    HOLD_EXPORT = (
        "hold:export",
        "legal_hold",
        "`GET /api/v1/holds/export` (holds and held calls, for counsel)",
    )
    ACCESS_EXPORT = (
        "access:export",
        "call",
        "a caller's records exported on request (45 CFR 164.524), one per call",
    )
    ERASURE_SHRED = (
        "erasure:shred",
        "call",
        "a caller's records erased on request: one deletion certificate per object",
    )

    # -- approved bulk exports (two people, built by the jobs process, one download) ------
    EXPORT_REQUEST = "export:request", "export", "`POST /api/v1/exports`; the Exports page"
    EXPORT_LIST = "export:list", "export", "`GET /api/v1/exports`; the Exports page"
    EXPORT_APPROVE = (
        "export:approve",
        "export",
        "`POST /api/v1/exports/{id}/approve` (refused when the requester approves: `denied`)",
    )
    EXPORT_REJECT = "export:reject", "export", "`POST /api/v1/exports/{id}/reject`"
    EXPORT_BUILD = (
        "export:build",
        "export",
        "the jobs process sealing an approved export (its size and SHA-256 in `reason`)",
    )
    EXPORT_LINK_CREATE = (
        "export:link_create",
        "export",
        "`POST /api/v1/exports/{id}/link` (a one-time download link for the requester)",
    )
    EXPORT_DOWNLOAD = (
        "export:download",
        "export",
        "`GET /api/v1/exports/download/{token}` (refusals: unknown, expired or used link)",
    )
    EXPORT_CALL = (
        "export:call",
        "call",
        "one per call in an export, when it is downloaded (the export's id in `reason`)",
    )
    EXPORT_SHRED = (
        "export:shred",
        "export",
        "an export's sealed file destroyed: after its download, or when it expires unused",
    )

    # -- breach incidents (45 CFR 164.400-414) -----------------------------------------------
    INCIDENT_CREATE = "incident:create", "incident", "`POST /api/v1/incidents`; the Incidents page"
    INCIDENT_LIST = (
        "incident:list",
        "incident",
        "`GET /api/v1/incidents`, `GET /api/v1/incidents/{id}`",
    )
    INCIDENT_SCOPE = (
        "incident:scope",
        "incident",
        "`POST /api/v1/incidents/{id}/scope` (the audit trail searched, caller numbers"
        " decrypted to count states; counts in `reason`)",
    )
    INCIDENT_AFFECTED_LIST = (
        "incident:affected_list",
        "incident",
        "`GET /api/v1/incidents/{id}/affected` (the affected calls and their numbers,"
        " hashed in `hashed_terms`)",
    )
    INCIDENT_EVIDENCE = (
        "incident:evidence",
        "incident",
        "`GET /api/v1/incidents/{id}/evidence` (the audit slice with proofs)",
    )
    INCIDENT_TIMELINE = (
        "incident:timeline",
        "incident",
        "`POST /api/v1/incidents/{id}/timeline` (a note, or a notice recorded as sent)",
    )
    INCIDENT_CLOSE = "incident:close", "incident", "`POST /api/v1/incidents/{id}/close`"

    # -- call tracking: campaigns, tracking numbers, attribution ----------------------------
    TRACKING_CAMPAIGN_CREATE = (
        "tracking:campaign_create",
        "campaign",
        "`POST /api/v1/campaigns`; the Tracking page",
    )
    TRACKING_CAMPAIGN_UPDATE = (
        "tracking:campaign_update",
        "campaign",
        "`PATCH /api/v1/campaigns/{id}` (renamed, re-sourced, archived or restored)",
    )
    TRACKING_LIST = (
        "tracking:list",
        "campaign",
        "`GET /api/v1/campaigns`, `GET /api/v1/campaigns/{id}`, `GET /api/v1/tracking-numbers`",
    )
    TRACKING_NUMBER_CREATE = (
        "tracking:number_create",
        "tracking_number",
        "`POST /api/v1/tracking-numbers`; the Tracking page",
    )
    TRACKING_NUMBER_DELETE = (
        "tracking:number_delete",
        "tracking_number",
        "`DELETE /api/v1/tracking-numbers/{id}`",
    )
    TRACKING_DNI_SETTINGS_READ = (
        "tracking:dni_settings_read",
        "dni_settings",
        "`GET /api/v1/dni/settings`; the Tracking page (the tenant's id as the object)",
    )
    TRACKING_DNI_SETTINGS_UPDATE = (
        "tracking:dni_settings_update",
        "dni_settings",
        "`PUT /api/v1/dni/settings`; the Tracking page (allowed origins, session TTL)",
    )
    CONVERSION_DESTINATION_CREATE = (
        "conversion:destination_create",
        "conversion_destination",
        "`POST /api/v1/conversions/destinations`; the Conversions page (never the secret)",
    )
    CONVERSION_DESTINATION_DELETE = (
        "conversion:destination_delete",
        "conversion_destination",
        "`DELETE /api/v1/conversions/destinations/{id}`",
    )
    CONVERSION_DESTINATION_LIST = (
        "conversion:destination_list",
        "conversion_destination",
        "`GET /api/v1/conversions/destinations` (the tenant's id as the object)",
    )
    CONVERSION_PREVIEW = (
        "conversion:preview",
        "conversion_destination",
        "`POST /api/v1/conversions/destinations/{id}/preview`: a dry run, nothing sent",
    )
    CONVERSION_SEND = (
        "conversion:send",
        "conversion_payload",
        "`POST /api/v1/conversions/destinations/{id}/send`, `GET .../export.csv`: one event"
        " per payload sent or downloaded, the payload's SHA-256 (hex) as the object, never"
        " the payload; outcome `error` for a payload the destination did not accept",
    )
    REPORT_READ = (
        "report:read",
        "report",
        "`GET /api/v1/reports/attribution` (JSON or CSV); the Reports page",
    )

    # -- business associate agreements and the PHI gate --------------------------------------
    BAA_CREATE = (
        "baa:create",
        "baa",
        "`POST /api/v1/baas`; `callvault baa add`; `callvault init` / `tenant create` with"
        " `--baa-*`; the BAAs page",
    )
    BAA_UPDATE = "baa:update", "baa", "`PATCH /api/v1/baas/{id}`"
    BAA_ACTIVATE = (
        "baa:activate",
        "baa",
        "`POST /api/v1/baas/{id}/activate`; `callvault baa activate`; the BAAs page",
    )
    BAA_TERMINATE = (
        "baa:terminate",
        "baa",
        "`POST /api/v1/baas/{id}/terminate`; `callvault baa terminate`; the BAAs page",
    )
    BAA_LIST = "baa:list", "baa", "`GET /api/v1/baas`, `GET /api/v1/baas/{id}`; the BAAs page"
    BAA_GATE_REFUSE = (
        "baa:gate_refuse",
        "baa",
        "PHI refused for want of an active BAA (the kind needed is the resource id): an"
        " ingest path, or an integration that would send PHI out",
    )

    # -- live compliance status and workforce training -------------------------------------
    COMPLIANCE_STATUS_READ = (
        "compliance:status_read",
        "compliance_status",
        "`GET /api/v1/compliance/status`; `callvault compliance status`; the Compliance page"
        " (with the training records it shows)",
    )
    COMPLIANCE_REPORT_CREATE = (
        "compliance:report_create",
        "compliance_report",
        "`GET /api/v1/compliance/report`; `callvault compliance report`; the Compliance page's"
        " download (the resource id is the SHA-256 of the document made)",
    )
    TRAINING_CREATE = (
        "training:create",
        "training_record",
        "`POST /api/v1/training`; the Compliance page (a completed course recorded)",
    )
    TRAINING_DELETE = (
        "training:delete",
        "training_record",
        "`DELETE /api/v1/training/records/{id}` (a record entered in error removed)",
    )
    TRAINING_LIST = (
        "training:list",
        "training_record",
        "`GET /api/v1/training`, `GET /api/v1/training/users/{id}`; the Compliance page",
    )
    TRAINING_POLICY_UPDATE = (
        "training:policy_update",
        "tenant",
        "`PUT /api/v1/training/policy` (training required or not, the period in months)",
    )
    TRAINING_LAPSED_DENY = (
        "training:lapsed_deny",
        "route",
        "a PHI request refused because the user's workforce training has lapsed (the route"
        " is the resource id)",
    )
    BACKUP_RESHRED = (
        "backup:reshred",
        "call",
        "`callvault retention reapply-shreds`: in a vault restored from a backup, one deletion"
        " certificate per object the source vault shredded after the backup was made",
    )


# The actions that disclose a call's PHI to their actor: what a breach's scope is made of
# (``callvault.incidents``). A search is not among them (its events name no call), nor
# is making a playback link (playing it is recorded as ``recording:play``).
PHI_ACCESS_ACTIONS = frozenset(
    {
        AuditAction.CALL_READ,
        AuditAction.RECORDING_PLAY,
        AuditAction.RECORDING_PLAY_UNREDACTED,
        AuditAction.TRANSCRIPT_READ,
        AuditAction.TRANSCRIPT_READ_UNREDACTED,
        AuditAction.ACCESS_EXPORT,
        AuditAction.EXPORT_CALL,
    }
)

# Recorded with the refused ``Permission`` as the action, ``outcome=denied``.
DENIAL_RESOURCE_TYPE = "route"
