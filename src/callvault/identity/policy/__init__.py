"""The tenant's access policy: IP allowlist and session limits (``/api/v1/policy``)."""
