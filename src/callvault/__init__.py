"""CallVault: a HIPAA-grade call tracking and call recording vault."""

__version__ = "0.1.0"
