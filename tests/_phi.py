"""Does a text show one of the tests' caller numbers?

Every synthetic number in the tests is in the fictional 555-01XX range. Looking for a
bare "555" would also find it inside the random hex of an id or a digest (an erasure
certificate lists a dozen of them): a test that fails one run in ten for nothing.
"""

from __future__ import annotations

import re

# 555-0147, 555 0147, 5550147, +12025550147: seven digits, any separators between.
_FICTIONAL_SUBSCRIBER = re.compile(r"555[\s.)-]*01\d\d")


def shows_a_number(text: str) -> bool:
    return _FICTIONAL_SUBSCRIBER.search(text) is not None
