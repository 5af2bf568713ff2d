"""Breach incidents (45 CFR 164.400-414): the discovery date and its 60-day clock, the
scope computed from the audit trail, the notices owed, a timeline, and an evidence
bundle an outside party can verify. See docs/incidents.md."""
