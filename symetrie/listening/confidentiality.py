"""The confidentiality rule, in one place: which groups of answers a viewer may see.

A viewer can ask for many groups (a team, its agency, its region, each filtered by a band...);
each group is a set of respondents. Showing a group's figures shows sums over that set, and
anyone may add and subtract the figures they saw. So the rule is about the whole family of
groups one viewer can reach, not about one group at a time:

1. a group with fewer than k answers is hidden (primary suppression);
2. for any two visible groups X ⊂ Y, |Y \\ X| is 0 or at least k (no small difference);
3. no set of fewer than k respondents that all visible groups split alike (an *atom*) may be
   obtained by adding and subtracting visible groups: its indicator vector must not lie in the
   row space of the visible groups' incidence matrix (a rank test, done on the null space).

Where a rule fails, the smallest visible group involved is hidden too (complementary
suppression), and the checks run again until they all hold. For an org tree the atoms are the
"residuals" (a unit minus its visible sub-units), so rule 3 is exact there; with bands it is the
rank test the adversary tests also run.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

K = TypeVar("K", bound=Hashable)

_TOLERANCE = 1e-8


class Reason(enum.Enum):
    VISIBLE = "visible"
    TOO_FEW = "too_few"
    DIFFERENCING = "differencing"


@dataclass(frozen=True)
class Publication(Generic[K]):
    """The verdict on each group of a family."""

    reasons: Mapping[K, Reason]

    def visible(self, key: K) -> bool:
        return self.reasons.get(key) is Reason.VISIBLE

    def reason(self, key: K) -> Reason:
        return self.reasons.get(key, Reason.TOO_FEW)


def publish(groups: Mapping[K, frozenset[Hashable]], k: int) -> Publication[K]:
    """Decide which groups of one viewer's family may be shown, with threshold k."""
    reasons: dict[K, Reason] = {}
    visible: dict[K, frozenset[Hashable]] = {}
    for key, members in groups.items():
        if len(members) >= k:
            visible[key] = members
        else:
            reasons[key] = Reason.TOO_FEW
    # Identical groups (a team that is its agency's only member) say the same thing: check one.
    while True:
        to_hide = _pairwise_leaks(visible, k) or _rank_leaks(visible, k)
        if not to_hide:
            break
        for key in to_hide:
            del visible[key]
            reasons[key] = Reason.DIFFERENCING
    for key in visible:
        reasons[key] = Reason.VISIBLE
    return Publication(reasons)


def _size_order(item: tuple[Hashable, frozenset[Hashable]]) -> tuple[int, str]:
    return len(item[1]), repr(item[0])


def _pairwise_leaks(visible: Mapping[K, frozenset[Hashable]], k: int) -> list[K]:
    """Rule 2: for X ⊂ Y with 0 < |Y \\ X| < k, hide X (the finer group)."""
    ordered = sorted(visible.items(), key=_size_order)
    for i, (small_key, small) in enumerate(ordered):
        for _big_key, big in ordered[i + 1 :]:
            extra = len(big) - len(small)
            if extra >= k:
                break  # sorted by size: every later group is bigger still
            if extra > 0 and small <= big:
                return [small_key]
    return []


def atoms_of(groups: Mapping[K, frozenset[Hashable]]) -> list[frozenset[Hashable]]:
    """The respondents split into classes that belong to exactly the same groups."""
    signature: dict[Hashable, list[int]] = {}
    for index, members in enumerate(groups.values()):
        for member in members:
            signature.setdefault(member, []).append(index)
    classes: dict[tuple[int, ...], set[Hashable]] = {}
    for member, indexes in signature.items():
        classes.setdefault(tuple(indexes), set()).add(member)
    return [frozenset(members) for members in classes.values()]


def derivable_atoms(
    groups: Mapping[K, frozenset[Hashable]],
) -> list[tuple[frozenset[Hashable], bool]]:
    """Each atom of the family, and whether adding and subtracting the groups' counts can single
    it out (its indicator vector is in the row space of the incidence matrix)."""
    atoms = atoms_of(groups)
    if not atoms:
        return []
    keys = list(groups)
    matrix = np.zeros((len(keys), len(atoms)))
    where = {member: column for column, atom in enumerate(atoms) for member in atom}
    for row, key in enumerate(keys):
        for member in groups[key]:
            matrix[row, where[member]] = 1.0
    # e_j is in the row space iff it is orthogonal to the null space: row j of a null space
    # basis is zero. The null space of M is that of MᵀM (atoms × atoms, usually far smaller
    # than the groups × atoms matrix), found by a symmetric eigendecomposition.
    gram = matrix.T @ matrix
    values, vectors = np.linalg.eigh(gram)
    null_space = vectors[:, values < _TOLERANCE * max(1.0, float(values.max()))]
    if null_space.shape[1] == 0:
        return [(atom, True) for atom in atoms]
    norms = np.linalg.norm(null_space, axis=1)
    return [(atom, bool(norms[column] < 1e-6)) for column, atom in enumerate(atoms)]


def _rank_leaks(visible: Mapping[K, frozenset[Hashable]], k: int) -> list[K]:
    """Rule 3: for each small atom that can be singled out, hide the smallest visible group that
    contains it."""
    hide: list[K] = []
    for atom, derivable in derivable_atoms(visible):
        if not derivable or len(atom) >= k:
            continue
        member = next(iter(atom))
        holders = [(key, members) for key, members in visible.items() if member in members]
        key = min(holders, key=_size_order)[0]
        if key not in hide:
            hide.append(key)
    return hide
