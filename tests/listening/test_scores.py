"""Scores and intervals: hand-computed cases and properties."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from symetrie.listening import scores


def test_nps_adjusted_wald_matches_the_published_example() -> None:
    # n = 100, 50 promoters, 30 passives, 20 detractors: 30 in [14.1, 44.2].
    score = scores.nps(50, 30, 20)
    assert score is not None
    assert score.n == 100
    assert score.value == 30.0
    assert (round(score.low, 1), round(score.high, 1)) == (14.1, 44.2)


def test_nps_by_hand_for_a_small_team() -> None:
    # 6 promoters, 2 passives, 2 detractors: NPS 40. n' = 13, p' = 6.75/13, d' = 2.75/13.
    score = scores.nps(6, 2, 2)
    assert score is not None
    p, d = 6.75 / 13, 2.75 / 13
    half = 1.959963984540054 * math.sqrt((p + d - (p - d) ** 2) / 13)
    assert score.value == 40.0
    assert math.isclose(score.low, 100 * (p - d - half))
    assert math.isclose(score.high, 100 * (p - d + half))
    assert (round(score.low, 1), round(score.high, 1)) == (-12.6, 74.1)


def test_nps_counts_split_at_seven_and_nine() -> None:
    assert scores.nps_counts([0, 6, 7, 8, 9, 10]) == (2, 2, 2)


def test_an_empty_group_has_no_score() -> None:
    assert scores.nps(0, 0, 0) is None
    assert scores.csat([]) is None
    assert scores.mean([]) is None


def test_csat_wilson_interval_by_hand() -> None:
    # 8 satisfied of 10: 80 %, Wilson [49.0, 94.3].
    score = scores.csat([5, 5, 5, 4, 4, 4, 4, 4, 2, 1])
    assert score is not None
    assert score.value == 80.0
    assert (round(score.low, 1), round(score.high, 1)) == (49.0, 94.3)


def test_ces_mean_and_normal_interval() -> None:
    score = scores.mean([1, 2, 3, 4, 5])
    assert score is not None
    assert score.value == 3.0
    half = 1.959963984540054 * math.sqrt(2.5 / 5)
    assert math.isclose(score.high - score.value, half)


def test_distribution_lists_every_value_of_the_scale() -> None:
    assert scores.distribution([1, 1, 5], 1, 5) == {"1": 2, "2": 0, "3": 0, "4": 0, "5": 1}


@given(st.integers(0, 300), st.integers(0, 300), st.integers(0, 300))
def test_nps_interval_holds_the_adjusted_centre_and_stays_in_range(p: int, a: int, d: int) -> None:
    score = scores.nps(p, a, d)
    if p + a + d == 0:
        assert score is None
        return
    assert score is not None
    n = p + a + d
    assert score.value == 100 * (p - d) / n
    centre = 100 * ((p + 0.75) - (d + 0.75)) / (n + 3)
    assert -100 <= score.low <= centre <= score.high <= 100
    # More answers of the same mix give a narrower interval.
    wider = scores.nps(p * 4, a * 4, d * 4)
    assert wider is not None
    assert wider.high - wider.low <= score.high - score.low + 1e-9


@given(st.integers(0, 500), st.integers(1, 500))
def test_wilson_interval_contains_the_proportion(successes: int, n: int) -> None:
    successes = min(successes, n)
    score = scores.wilson(successes, n)
    assert score is not None
    assert 0 <= score.low <= score.value <= score.high <= 100
