"""The adversary's checks, independent of how the engine decides: given the groups one viewer
saw (each a set of respondents), can they single anyone out?"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import numpy as np


def small_differences(groups: Iterable[frozenset[Hashable]], k: int) -> list[tuple[int, int]]:
    """Pairs X ⊂ Y of seen groups whose difference holds 1 to k−1 people (as sizes)."""
    seen = sorted(set(groups), key=len)
    found = []
    for i, small in enumerate(seen):
        for big in seen[i + 1 :]:
            if small <= big and 0 < len(big - small) < k:
                found.append((len(small), len(big)))
    return found


def isolated_respondents(groups: Iterable[frozenset[Hashable]]) -> list[Hashable]:
    """Respondents whose own answer can be had by adding and subtracting the seen groups: their
    unit vector lies in the row space of the incidence matrix (rank does not grow with it)."""
    rows = [group for group in set(groups) if group]
    people = sorted({person for group in rows for person in group}, key=repr)
    if not rows:
        return []
    index = {person: column for column, person in enumerate(people)}
    matrix = np.zeros((len(rows), len(people)))
    for row, group in enumerate(rows):
        for person in group:
            matrix[row, index[person]] = 1.0
    rank = np.linalg.matrix_rank(matrix)
    isolated = []
    for person in people:
        unit = np.zeros((1, len(people)))
        unit[0, index[person]] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            isolated.append(person)
    return isolated
