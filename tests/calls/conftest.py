"""The calls tests use the shared vault fixtures of ``tests/_vault.py``."""

from tests._vault import TENANT_A, TENANT_B, TokenFactory

__all__ = ["TENANT_A", "TENANT_B", "TokenFactory"]
