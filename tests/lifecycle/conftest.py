"""People with roles and signed-in sessions, as in the identity tests."""

from tests.identity.conftest import make_user, signed_in  # noqa: F401  # fixtures
