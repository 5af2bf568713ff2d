"""Signing in and a person's own credentials: password and TOTP steps, the throttle,
log out, step-up and password change (``/api/v1/auth``)."""
