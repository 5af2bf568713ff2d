"""People and sessions for the status and training tests: the identity fixtures."""

from tests.identity.conftest import make_user, signed_in

__all__ = ["make_user", "signed_in"]
