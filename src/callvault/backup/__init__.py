"""Encrypted backups of a whole vault (docs/backups.md): ``create``, ``verify``,
``restore`` and ``prune``, driven by ``callvault backup ...`` (``cli.py``).

A backup file (``archive.py``) holds a consistent database snapshot, the local blobs,
the audit checkpoints and the TLS material, as one stream sealed under a fresh backup
key that the vault's root key wraps. The root key itself is never in a backup.
"""
