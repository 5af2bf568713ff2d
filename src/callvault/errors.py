"""The one error tree of CallVault.

    CallVaultError                 base; ``status`` and ``title`` drive the HTTP mapping
    ├── InvalidInput               400/422: the client sent something we cannot accept
    ├── NotAuthenticated           401: no or bad credentials
    ├── PermissionDenied           403: authenticated, but the role does not allow it
    │   └── StepUpRequired         403: allowed, but only after re-entering a TOTP code
    ├── NotFound                   404: absent, or belongs to another tenant (never say which)
    ├── Conflict                   409: the state of the resource forbids the change
    ├── Gone                       410: it existed, and is no more (a one-time download)
    ├── PayloadTooLarge            413: a body over the configured limit
    ├── UnsupportedMediaType       415: a body whose bytes are not an accepted format
    ├── RangeNotSatisfiable        416: a Range header outside the object
    ├── TooManyRequests            429: slow down (login throttling)
    ├── UpstreamFailed             502: a provider we fetch from failed (retry later)
    ├── ServiceUnavailable         503: a dependency we need (audit, keys, storage) failed
    │   └── AuditUnavailable       503: the audit event could not be written (fail closed)
    └── callvault.crypto.DecryptionFailed  (a ServiceUnavailable: stored data did not verify)

Messages are shown to clients and written to logs, so they never carry PHI:
name the field, never echo its value.
"""

from __future__ import annotations


class CallVaultError(Exception):
    status: int = 500
    title: str = "Internal error"
    # RFC 9457 ``type``: a URI naming the problem where clients must tell it apart from
    # others of its status (``no-active-baa`` among the 403s); otherwise about:blank.
    problem_type: str = "about:blank"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title


class InvalidInput(CallVaultError):
    status = 422
    title = "Invalid input"


class NotAuthenticated(CallVaultError):
    status = 401
    title = "Not authenticated"


class PermissionDenied(CallVaultError):
    status = 403
    title = "Permission denied"


class StepUpRequired(PermissionDenied):
    title = "Step-up authentication required"


class NotFound(CallVaultError):
    status = 404
    title = "Not found"


class Conflict(CallVaultError):
    status = 409
    title = "Conflict"


class Gone(CallVaultError):
    status = 410
    title = "Gone"


class PayloadTooLarge(CallVaultError):
    status = 413
    title = "Payload too large"


class UnsupportedMediaType(CallVaultError):
    status = 415
    title = "Unsupported media type"


class RangeNotSatisfiable(CallVaultError):
    status = 416
    title = "Range not satisfiable"

    def __init__(self, detail: str | None = None, *, size: int = 0) -> None:
        super().__init__(detail)
        self.size = size


class TooManyRequests(CallVaultError):
    """``retry_after``: whole seconds, sent as the ``Retry-After`` header."""

    status = 429
    title = "Too many requests"

    def __init__(self, detail: str | None = None, *, retry_after: int = 1) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)


class UpstreamFailed(CallVaultError):
    """A provider we fetch from (a Twilio recording URL) failed; the sender may retry."""

    status = 502
    title = "Bad gateway"


class ServiceUnavailable(CallVaultError):
    status = 503
    title = "Service unavailable"


class AuditUnavailable(ServiceUnavailable):
    """Nothing is answered that cannot be audited (as Vault's blocked audit devices)."""

    title = "Audit log unavailable"
