"""PHI detection and redaction for transcripts (pure: no I/O anywhere in this package)."""
