"""Telephony integrations: providers that tell CallVault about calls (Twilio webhooks).

Each provider keeps its settings per tenant (secrets encrypted with the tenant key),
authenticates its webhooks by signature rather than by a session, and feeds calls and
recordings through the normal call paths (``callvault.calls``).
"""
