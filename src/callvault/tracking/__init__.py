"""Call tracking: campaigns, the tracking numbers that attribute calls to them, and the
attribution report (PHI-free, with small-cell suppression). See ``docs/tracking.md``."""
