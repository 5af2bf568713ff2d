"""SCIM 2.0 provisioning of users by an identity provider (``/scim/v2``)."""
