"""Anomaly alerts over the audit trail: rules, the watcher that applies them, and the
webhook that delivers what they raise (see docs/alerts.md)."""
