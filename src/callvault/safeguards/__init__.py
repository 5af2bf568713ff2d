"""The live compliance status (issue 19 part 2): each HIPAA safeguard checked from the
system as it is (rows, files, settings), never from a flag someone set.

It reads every capability (identity, backup, alerts, lifecycle, crypto, the audit
trail), so it stands above them in the layers, below the dashboard that shows it."""
