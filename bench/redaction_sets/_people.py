"""Names and places from Faker's locales (seeded): the only source of identities."""

from __future__ import annotations

import random
from collections.abc import Iterable

from faker import Faker

from ._build import nfc

# (locale, weight): 45 % US callers, the rest from other locales, as in issue 16's third family.
NAME_LOCALES = [
    ("en_US", 45), ("de_DE", 5), ("es_ES", 4), ("es_MX", 4), ("fr_FR", 4), ("pl_PL", 4),
    ("hu_HU", 4), ("vi_VN", 4), ("da_DK", 3), ("fi_FI", 3), ("pt_BR", 4), ("it_IT", 3),
    ("nl_NL", 3), ("tr_TR", 3), ("ja_JP", 3), ("en_IN", 3), ("sv_SE", 2), ("cs_CZ", 2),
]  # fmt: skip
# Japanese in romanized form (Faker's romanized providers).
ROMANIZED = {"ja_JP"}


def seeded_fakers(locales: Iterable[str], first_seed: int) -> dict[str, Faker]:
    """A Faker per locale, seeded ``first_seed``, ``first_seed + 1``, ... in the order
    given (a locale listed twice keeps the later seed)."""
    fakers: dict[str, Faker] = {}
    for i, loc in enumerate(locales):
        fakers[loc] = Faker(loc)
        fakers[loc].seed_instance(first_seed + i)
        _towns_in_a_fixed_order(fakers[loc])
    return fakers


def _towns_in_a_fixed_order(faker: Faker) -> None:
    """Faker's it_IT builds its town list from a set, so a seeded ``city()`` still
    changed with ``PYTHONHASHSEED``: sorted, the same seed gives the same towns."""
    for provider in faker.get_providers():
        if provider.__module__.startswith("faker.providers.address.it_IT"):
            provider.cities = sorted(provider.cities)  # type: ignore[attr-defined]


class People:
    def __init__(self, seed: int, locales: list[str] | None = None) -> None:
        self.rng = random.Random(seed)
        names = locales or [loc for loc, _ in NAME_LOCALES]
        self.fakers = seeded_fakers(sorted(set(names) | {"en_US"}), seed * 1000)

    def locale(self) -> str:
        locs = [loc for loc, _ in NAME_LOCALES]
        weights = [w for _, w in NAME_LOCALES]
        return self.rng.choices(locs, weights)[0]

    def first_last(self, loc: str | None = None) -> tuple[str, str]:
        loc = loc or self.locale()
        f = self.fakers[loc]
        if loc in ROMANIZED:
            return nfc(f.first_romanized_name()), nfc(f.last_romanized_name())
        first = nfc(f.first_name()).split()[0]
        last = nfc(f.last_name())
        return first, last

    def city(self, loc: str | None = None) -> str:
        loc = loc or self.rng.choice([x for x in self.fakers if x not in ROMANIZED])
        return nfc(self.fakers[loc].city())


def has_non_ascii(s: str) -> bool:
    return any(ord(c) > 127 for c in s)
