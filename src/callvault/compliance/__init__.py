"""Compliance as working features: the BAA registry and the PHI gate it opens
(``docs/compliance.md``). The agreements' table and the bare gate are in the core
(``callvault.tenants.agreements``); this package adds the audited refusal, the
registry's service, API, commands and the expiry reminder."""
