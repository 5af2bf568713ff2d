"""Administration of a tenant's users, custom roles and API tokens, and an admin's
resets of another person's credentials (``/api/v1/users``, ``/roles``, ``/tokens``)."""
