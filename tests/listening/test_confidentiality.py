"""The confidentiality rule on families of groups: hand cases, then random trees and bands
checked by the adversary (pairwise differences and a rank test over the incidence matrix)."""

from __future__ import annotations

from collections.abc import Hashable

from hypothesis import given, settings
from hypothesis import strategies as st

from symetrie.listening.confidentiality import Reason, publish
from tests.listening.adversary import isolated_respondents, small_differences


def people(start: int, count: int) -> frozenset[Hashable]:
    return frozenset(range(start, start + count))


def test_a_group_under_k_is_hidden_and_says_so() -> None:
    publication = publish({"team": people(0, 4), "agency": people(0, 12)}, 5)
    assert publication.reason("team") is Reason.TOO_FEW
    assert publication.reason("agency") is Reason.VISIBLE


def test_a_parent_one_person_larger_than_its_visible_children_is_hidden() -> None:
    # Agency = team A (6) + team B (6) + the manager alone: showing all three gives the
    # manager's answer by subtraction.
    a, b = people(0, 6), people(6, 6)
    publication = publish({"agency": a | b | {99}, "A": a, "B": b}, 5)
    assert publication.reason("agency") is Reason.DIFFERENCING
    assert publication.visible("A") and publication.visible("B")


def test_a_parent_k_larger_than_its_child_stays_visible() -> None:
    a = people(0, 6)
    publication = publish({"agency": a | people(50, 5), "A": a}, 5)
    assert publication.visible("agency") and publication.visible("A")


def test_a_filter_that_leaves_out_one_person_is_hidden() -> None:
    everyone = people(0, 20)
    publication = publish({"all": everyone, "tenure<1y": everyone - {0}}, 5)
    assert publication.reason("tenure<1y") is Reason.DIFFERENCING
    assert publication.visible("all")


def test_siblings_are_suppressed_when_one_can_be_worked_out_from_the_rest() -> None:
    # Region = A + B + C; C is under k. Showing region, A and B would give C by subtraction.
    a, b, c = people(0, 7), people(7, 8), people(15, 2)
    publication = publish({"region": a | b | c, "A": a, "B": b, "C": c}, 5)
    assert publication.reason("C") is Reason.TOO_FEW
    visible = {key for key in ("region", "A", "B") if publication.visible(key)}
    assert len(visible) == 2
    assert "region" in visible or not small_differences([a | b | c, a, b], 5)


def test_identical_groups_are_not_a_difference() -> None:
    team = people(0, 8)
    publication = publish({"agency": team, "team": team}, 5)
    assert publication.visible("agency") and publication.visible("team")


@st.composite
def families(draw: st.DrawFn) -> tuple[dict[Hashable, frozenset[Hashable]], int]:
    """A random org tree (up to 14 units), people answering in its units with a band each, and
    the family one viewer at the root can reach: every unit's subtree, alone and by band."""
    k = draw(st.integers(3, 6))
    size = draw(st.integers(1, 14))
    parents = [None] + [draw(st.integers(0, i - 1)) for i in range(1, size)]
    answers = draw(st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, 2)), max_size=70))

    def subtree(unit: int) -> set[int]:
        found = {unit}
        for child, parent in enumerate(parents):
            if parent is not None and parent in found and child not in found:
                found |= subtree(child)
        return found

    groups: dict[Hashable, frozenset[Hashable]] = {}
    for unit in range(size):
        units = subtree(unit)
        members = [person for person, (where, _band) in enumerate(answers) if where in units]
        groups[(unit, None)] = frozenset(members)
        for band in range(3):
            groups[(unit, band)] = frozenset(p for p in members if answers[p][1] == band)
    return groups, k


@settings(max_examples=150, deadline=None)
@given(families())
def test_no_viewer_can_single_anyone_out(
    family: tuple[dict[Hashable, frozenset[Hashable]], int],
) -> None:
    groups, k = family
    publication = publish(groups, k)
    seen = [members for key, members in groups.items() if publication.visible(key)]
    assert all(len(members) >= k for members in seen)
    assert small_differences(seen, k) == []
    assert isolated_respondents(seen) == []


@settings(max_examples=60, deadline=None)
@given(families())
def test_what_is_hidden_is_hidden_for_a_reason(
    family: tuple[dict[Hashable, frozenset[Hashable]], int],
) -> None:
    groups, k = family
    publication = publish(groups, k)
    for key, members in groups.items():
        if len(members) < k:
            assert publication.reason(key) is Reason.TOO_FEW
        else:
            assert publication.reason(key) in (Reason.VISIBLE, Reason.DIFFERENCING)
