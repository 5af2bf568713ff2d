"""The dashboard: CallVault in a browser, server-rendered (Jinja2), no build step.

Pages use the same services, permissions, session cookie, CSRF protection and audit
trail as the API; what a role may not see is never rendered (docs/dashboard.md).
"""
