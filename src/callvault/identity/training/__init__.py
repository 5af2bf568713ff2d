"""Workforce training (HIPAA 164.308(a)(5)): who completed which course when, and until
when it counts. A tenant that requires training suspends the PHI permissions of a user
whose training has lapsed (``callvault.identity.authn``)."""
