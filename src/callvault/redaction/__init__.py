"""PHI detection and redaction for transcripts. The engine is pure (no I/O in any of its
modules); ``policy`` stores a tenant's redaction policy and ``api`` serves it."""
