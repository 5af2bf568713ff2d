"""Imports every capability's models so ``Base.metadata`` knows the whole schema."""

from callvault.alerts.models import Alert, AlertCursor, AlertSettings, KnownNetwork
from callvault.audit.models import AuditEvent, AuditLog, AuditNode, AuditSigningKey, AuditTreeHead
from callvault.calls.models import Call, PlaybackLink, StoredObject
from callvault.crypto.models import DataKey, TenantKey
from callvault.db.base import Base
from callvault.identity.models import (
    ApiToken,
)
from callvault.identity.training.models import TrainingPolicy, TrainingRecord
from callvault.incidents.models import Incident, IncidentScopeQuery, IncidentTimelineEntry
from callvault.integrations.models import TwilioRecording, TwilioSettings
from callvault.integrations.pbx_models import PbxImport
from callvault.jobs.models import RecordingJob
from callvault.lifecycle.exports_models import Export
from callvault.lifecycle.models import LegalHold, RetentionChange, RetentionPolicy
from callvault.tenants.agreements import BusinessAssociateAgreement
from callvault.tenants.models import Tenant
from callvault.tracking.conversion_models import ConversionDestination, ConversionSend
from callvault.tracking.dni_models import DniSession, DniSettings
from callvault.tracking.models import Campaign, TrackingNumber

__all__ = [
    "Alert",
    "AlertCursor",
    "AlertSettings",
    "ApiToken",
    "AuditEvent",
    "AuditLog",
    "AuditNode",
    "AuditSigningKey",
    "AuditTreeHead",
    "Base",
    "BusinessAssociateAgreement",
    "Call",
    "Campaign",
    "ConversionDestination",
    "ConversionSend",
    "DataKey",
    "DniSession",
    "DniSettings",
    "Export",
    "Incident",
    "IncidentScopeQuery",
    "IncidentTimelineEntry",
    "KnownNetwork",
    "LegalHold",
    "PbxImport",
    "PlaybackLink",
    "RecordingJob",
    "RetentionChange",
    "RetentionPolicy",
    "StoredObject",
    "Tenant",
    "TenantKey",
    "TrackingNumber",
    "TrainingPolicy",
    "TrainingRecord",
    "TwilioRecording",
    "TwilioSettings",
]
