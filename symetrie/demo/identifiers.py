"""Identifier values for the demo's customers, unique per type and already in normal form.

Numbers are unique by construction: each kind scrambles a counter with a bijection
(n ↦ n·a + b mod m, a coprime with m), so that they look random and never repeat; e-mail
addresses, built from names, are checked against the ones already given.
"""

from __future__ import annotations

import random

from symetrie.demo.names import EMAIL_DOMAINS, ascii_slug
from symetrie.demo.rhythm import Weighted


class Numbers:
    """Identifier values, unique by construction: a bijective scramble of a counter for
    numbers (they look random, never repeat), a set only for e-mails."""

    def __init__(self, rng: random.Random) -> None:
        self._salt = rng.randrange(10**7)
        self._counters = dict.fromkeys(("mobile", "landline", "card", "account", "contract",
                                        "app"), 0)  # fmt: skip
        self._emails: set[str] = set()
        self._domains = Weighted([d for d, _w in EMAIL_DOMAINS], [w for _d, w in EMAIL_DOMAINS])

    def _next(self, kind: str, space: int, multiplier: int) -> int:
        n = self._counters[kind]
        self._counters[kind] = n + 1
        # n ↦ (n·a + b) mod m is a bijection of [0, m) when a and m are coprime.
        return (n * multiplier + self._salt) % space

    def mobile(self) -> str:
        """A French mobile number in E.164: +336 and 8 digits, or +337 then 3 to 8 and 7."""
        v = self._next("mobile", 160_000_000, 48_271_957)  # 160 M = 2^11·5^7; a is coprime
        if v < 100_000_000:
            return f"+336{v:08d}"
        v -= 100_000_000
        return f"+337{3 + v // 10_000_000}{v % 10_000_000:07d}"

    def landline(self, area: str) -> str:
        v = self._next("landline", 100_000_000, 69_069_001)
        return f"+33{area}{v:08d}"

    def loyalty_card(self) -> str:
        """An EAN-13 in the in-store range (2…), with its check digit."""
        body = f"29{self._next('card', 10**10, 2_654_435_761):010d}"
        odd = sum(int(d) for d in body[0::2])
        even = sum(int(d) for d in body[1::2])
        return body + str((10 - (odd + 3 * even) % 10) % 10)

    def account(self) -> str:
        """An 11-digit account number, as in a French RIB."""
        return f"{self._next('account', 10**11, 40_503_151_797):011d}"

    def contract(self, prefix: str, year: int) -> str:
        return f"{prefix}{year}{self._next('contract', 10**7, 1_664_527):07d}"

    def app_id(self) -> str:
        """The mobile app's user id: ten letters and digits (Crockford base 32)."""
        v = self._next("app", 2**50, 0x9E3779B97F4A7C15 % 2**50)
        alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
        return "".join(alphabet[(v >> shift) & 31] for shift in range(45, -5, -5))

    def email(self, rng: random.Random, first: str, last: str, birth_year: int) -> str:
        f, last_part = ascii_slug(first, separator=""), ascii_slug(last, separator="")
        domain = self._domains.draw(rng)
        shape = rng.random()
        if shape < 0.5:
            local = f"{f}.{last_part}"
        elif shape < 0.65:
            local = f"{f}{last_part}"
        elif shape < 0.75:
            local = f"{f[0]}.{last_part}"
        elif shape < 0.85:
            local = f"{last_part}.{f}"
        else:
            local = f"{f}.{last_part}{birth_year % 100:02d}"
        candidate = f"{local}@{domain}"
        n = 1
        while candidate in self._emails:
            n += 1
            suffix = f"{birth_year % 100:02d}" if n == 2 else str(n + rng.randrange(90))
            candidate = f"{local}{suffix}@{domain}"
        self._emails.add(candidate)
        return candidate


# Contracts a customer may hold: (number prefix, weight).
CONTRACTS: tuple[tuple[str, int], ...] = (
    ("PI", 5),
    ("PC", 3),
    ("AH", 6),
    ("AA", 4),
    ("AV", 3),
    ("PV", 2),
)
# The first digit of a landline by region (01 Île-de-France, 04 south-east...).
LANDLINE_AREAS: dict[str, str] = {
    "IDF": "1", "HDF": "3", "GE": "3", "BFC": "3", "NOR": "2", "BRE": "2", "PDL": "2",
    "CVL": "2", "NAQ": "5", "OCC": "5", "ARA": "4", "PACA": "4",
}  # fmt: skip
