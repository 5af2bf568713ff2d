"""The kinds of data a retention policy governs, and what each one is in storage.

Retention counts from the call (``calls.started_at``): a recording made of a call is as
old as the call, whenever it was uploaded.
"""

from __future__ import annotations

from enum import StrEnum

from callvault.calls.objects import RECORDING, RECORDING_ORIGINAL, TRANSCRIPT, TRANSCRIPT_ORIGINAL


class DataType(StrEnum):
    RECORDING_ORIGINAL = "recording_original"
    RECORDING_SCRUBBED = "recording_scrubbed"
    TRANSCRIPT_ORIGINAL = "transcript_original"
    TRANSCRIPT_REDACTED = "transcript_redacted"
    CALL_PHI = "call_phi"  # caller number, caller name, notes
    CALL_METADATA = "call_metadata"  # the call row without PHI: kept for attribution
    EXPORT = "export"  # exports, once they exist


# The stored object kind (``callvault.calls.objects``) each blob data type is.
OBJECT_KINDS: dict[DataType, str] = {
    DataType.RECORDING_ORIGINAL: RECORDING_ORIGINAL,
    DataType.RECORDING_SCRUBBED: RECORDING,
    DataType.TRANSCRIPT_ORIGINAL: TRANSCRIPT_ORIGINAL,
    DataType.TRANSCRIPT_REDACTED: TRANSCRIPT,
}

# A period in days, or None: keep.
Periods = dict[DataType, int | None]

# What a tenant keeps until it says otherwise: everything. Deleting patient data is a
# decision a compliance officer makes on purpose, never a default that surprises one.
DEFAULT_PERIODS: Periods = {data_type: None for data_type in DataType}

# Longest period a policy may state (100 years): beyond it, say "keep".
MAX_DAYS = 36_500


def parse_data_type(value: str) -> DataType | None:
    try:
        return DataType(value)
    except ValueError:
        return None
