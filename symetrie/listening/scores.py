"""Scores and their 95 % intervals, one function per metric; pure arithmetic, no database.

- NPS / eNPS: % promoters (9–10) − % detractors (0–6), from −100 to 100. Interval: adjusted
  Wald (Rocks, 2016): n' = n + 3, promoters and detractors each + 3/4, variance of the
  difference of two multinomial proportions. n = 100, 50 promoters, 20 detractors: 30 in
  [14.1, 44.2].
- CSAT (and 1–5 agreement): % of 4s and 5s, Wilson interval.
- CES and other scales: the mean, with a normal interval on the sample's standard deviation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Score:
    n: int
    value: float
    low: float
    high: float


def nps_counts(values: Iterable[int]) -> tuple[int, int, int]:
    """(promoters, passives, detractors) of 0–10 answers."""
    promoters = passives = detractors = 0
    for value in values:
        if value >= 9:
            promoters += 1
        elif value >= 7:
            passives += 1
        else:
            detractors += 1
    return promoters, passives, detractors


def nps(promoters: int, passives: int, detractors: int) -> Score | None:
    n = promoters + passives + detractors
    if n == 0:
        return None
    value = 100 * (promoters - detractors) / n
    adjusted_n = n + 3
    p = (promoters + 0.75) / adjusted_n
    d = (detractors + 0.75) / adjusted_n
    centre = p - d
    half = Z95 * math.sqrt((p + d - centre**2) / adjusted_n)
    return Score(n, value, max(-100.0, 100 * (centre - half)), min(100.0, 100 * (centre + half)))


def wilson(successes: int, n: int) -> Score | None:
    """A proportion in percent with its Wilson interval."""
    if n == 0:
        return None
    p = successes / n
    z2 = Z95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # Rounding can leave a bound a hair inside p itself at p = 0 or 1.
    low = min(p, max(0.0, centre - half))
    high = max(p, min(1.0, centre + half))
    return Score(n, 100 * p, 100 * low, 100 * high)


def csat(values: Iterable[int]) -> Score | None:
    """% satisfied (4 or 5 on 1–5)."""
    values = list(values)
    return wilson(sum(1 for value in values if value >= 4), len(values))


def mean(values: Iterable[int]) -> Score | None:
    values = list(values)
    n = len(values)
    if n == 0:
        return None
    average = sum(values) / n
    if n == 1:
        return Score(1, average, average, average)
    variance = sum((value - average) ** 2 for value in values) / (n - 1)
    half = Z95 * math.sqrt(variance / n)
    return Score(n, average, average - half, average + half)


def distribution(values: Iterable[int], low: int, high: int) -> dict[str, int]:
    """Counts per value of the scale, every value present (zeros included)."""
    counts = dict.fromkeys(range(low, high + 1), 0)
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return {str(value): count for value, count in counts.items()}


def score_for(metric: str, values: list[int]) -> Score | None:
    if metric == "nps":
        return nps(*nps_counts(values))
    if metric == "csat":
        return csat(values)
    return mean(values)


def choice_counts(picks: Iterable[Iterable[str]], codes: Iterable[str]) -> Mapping[str, int]:
    counts = dict.fromkeys(codes, 0)
    for picked in picks:
        for code in picked:
            counts[code] = counts.get(code, 0) + 1
    return counts
