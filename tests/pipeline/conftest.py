"""Pipeline tests: the shared vault fixtures, a runner on the same vault with an
injected transcriber and clock, and test recordings with keypad tones."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from callvault.settings import Settings
from tests._vault import TENANT_A, TENANT_B, TokenFactory
from tests.pipeline._helpers import Pipeline

__all__ = ["TENANT_A", "TENANT_B", "TokenFactory"]


@pytest.fixture
def pipeline(vault: Settings) -> Iterator[Pipeline]:
    """Jobs run when a test says so (``pipeline.run()``): the server's loop does not."""
    runner = Pipeline(vault)
    yield runner
    runner.close()
