"""Tests of callvault.alerts."""
