"""The org tree: materialised paths kept right by the services, whatever the depth or the move."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from symetrie.org.models import Unit, path_segment
from symetrie.org.selectors import unit_ancestors_visible_to
from symetrie.org.services import MAX_DEPTH, unit_create, unit_move, unit_paths_rebuild
from tests.conftest import Org


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English, the source language."""
    with translation.override("en"):
        yield


def seg(unit: Unit) -> str:
    return path_segment(unit.pk)


def snapshot() -> dict[str, tuple[str, int, int | None]]:
    """Every unit's path, depth and parent, to show that a refused change changed nothing."""
    return {u.code: (u.path, u.depth, u.parent_id) for u in Unit.objects.all()}


def chain(top: Unit | None, prefix: str, length: int) -> list[Unit]:
    """`length` units, each the child of the previous one, under `top`."""
    units = []
    parent = top
    for i in range(length):
        parent = unit_create(code=f"{prefix}{i}", name=f"{prefix} {i}", kind="team", parent=parent)
        units.append(parent)
    return units


def test_path_segments_are_fixed_width_base36():
    assert path_segment(1) == "0000001/"
    assert path_segment(35) == "000000z/"
    assert path_segment(36) == "0000010/"
    assert path_segment(36**7 - 1) == "zzzzzzz/"


def test_unit_create_sets_path_and_depth_from_the_parent(org: Org):
    assert (org.hq.path, org.hq.depth, org.hq.parent_id) == (seg(org.hq), 0, None)
    assert (org.north.path, org.north.depth) == (seg(org.hq) + seg(org.north), 1)
    assert (org.lille_team.path, org.lille_team.depth) == (
        seg(org.hq) + seg(org.north) + seg(org.lille) + seg(org.lille_team),
        3,
    )
    stored = Unit.objects.get(code="T-LIL")
    assert (stored.path, stored.depth) == (org.lille_team.path, 3)


def test_unit_create_refuses_a_duplicate_code_and_keeps_nothing(org: Org):
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        unit_create(code="AG-LIL", name="Autre Lille", kind="agency", parent=org.south)
    assert list(error.value.message_dict) == ["code"]
    assert snapshot() == before


def test_subtree_of_reaches_every_depth(org: Org):
    deep = chain(org.lille_team, "D", 4)  # depths 4 to 7
    assert [u.depth for u in deep] == [4, 5, 6, 7]

    assert set(Unit.objects.subtree_of(deep[1]).values_list("code", flat=True)) == {
        "D1",
        "D2",
        "D3",
    }
    assert set(Unit.objects.subtree_of(org.north).values_list("code", flat=True)) == {
        "R-N",
        "AG-LIL",
        "T-LIL",
        "AG-ROU",
        "D0",
        "D1",
        "D2",
        "D3",
    }
    assert list(Unit.objects.subtree_of(deep[3]).values_list("code", flat=True)) == ["D3"]
    assert deep[3].is_within(org.north)
    assert not deep[3].is_within(org.south)


def test_a_code_prefix_is_not_a_subtree(org: Org):
    # Paths end with a separator: unit 1's subtree does not take in unit 10, 11...
    assert set(Unit.objects.subtree_of(org.south).values_list("code", flat=True)) == {
        "R-S",
        "AG-MAR",
    }


def test_unit_move_carries_the_whole_subtree(org: Org):
    deep = chain(org.lille_team, "D", 2)

    moved = unit_move(unit=org.lille, new_parent=org.marseille)

    base = seg(org.hq) + seg(org.south) + seg(org.marseille) + seg(org.lille)
    assert (moved.parent_id, moved.path, moved.depth) == (org.marseille.pk, base, 3)
    after = {u.code: (u.path, u.depth) for u in Unit.objects.all()}
    assert after["T-LIL"] == (base + seg(org.lille_team), 4)
    assert after["D0"] == (base + seg(org.lille_team) + seg(deep[0]), 5)
    assert after["D1"] == (base + seg(org.lille_team) + seg(deep[0]) + seg(deep[1]), 6)
    # Units outside the moved subtree are untouched.
    assert after["R-N"] == (org.north.path, 1)
    assert after["AG-ROU"] == (org.rouen.path, 2)
    assert after["AG-MAR"] == (org.marseille.path, 2)
    assert set(Unit.objects.subtree_of(org.north).values_list("code", flat=True)) == {
        "R-N",
        "AG-ROU",
    }
    assert set(Unit.objects.subtree_of(org.south).values_list("code", flat=True)) == {
        "R-S",
        "AG-MAR",
        "AG-LIL",
        "T-LIL",
        "D0",
        "D1",
    }


def test_unit_move_to_the_root(org: Org):
    moved = unit_move(unit=org.south, new_parent=None)

    assert (moved.parent_id, moved.path, moved.depth) == (None, seg(org.south), 0)
    marseille = Unit.objects.get(code="AG-MAR")
    assert (marseille.path, marseille.depth) == (seg(org.south) + seg(org.marseille), 1)
    assert set(Unit.objects.roots().values_list("code", flat=True)) == {"HQ", "R-S"}


@pytest.mark.parametrize("target", ["R-N", "AG-LIL", "T-LIL"])
def test_a_unit_cannot_move_under_itself_or_its_subtree(org: Org, target: str):
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        unit_move(unit=org.north, new_parent=Unit.objects.get(code=target))

    assert error.value.message_dict == {
        "parent": ["A unit cannot move under itself or its own subtree."]
    }
    assert snapshot() == before


def test_unit_create_refuses_to_go_deeper_than_the_limit(db: None):
    units = chain(None, "L", MAX_DEPTH + 1)  # depths 0 to MAX_DEPTH: allowed
    assert units[-1].depth == MAX_DEPTH
    assert len(units[-1].path) == len(path_segment(1)) * (MAX_DEPTH + 1)
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        unit_create(code="TOO-DEEP", name="Too deep", kind="team", parent=units[-1])

    assert error.value.message_dict == {
        "parent": [f"The tree may not be deeper than {MAX_DEPTH} levels."]
    }
    assert snapshot() == before


def test_unit_move_refuses_to_push_a_subtree_past_the_limit(db: None):
    deep = chain(None, "L", MAX_DEPTH)  # depths 0 to MAX_DEPTH - 1
    branch = chain(None, "B", 2)  # a root and its child
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        # The branch's root would land at MAX_DEPTH, its child one level too deep.
        unit_move(unit=branch[0], new_parent=deep[-1])

    assert error.value.message_dict == {
        "parent": [f"The tree may not be deeper than {MAX_DEPTH} levels."]
    }
    assert snapshot() == before

    # A leaf can go where the branch could not.
    moved = unit_move(unit=branch[1], new_parent=deep[-1])
    assert moved.depth == MAX_DEPTH


def test_unit_paths_rebuild_restores_paths_from_parent_links(org: Org):
    expected = snapshot()
    Unit.objects.update(path=Concat(Value("~broken/"), "code"), depth=9)

    assert unit_paths_rebuild() == 8
    assert snapshot() == expected
    assert unit_paths_rebuild() == 0


def test_unit_paths_rebuild_follows_a_parent_changed_by_a_bulk_write(org: Org):
    Unit.objects.filter(pk=org.lille.pk).update(parent=org.south)

    assert unit_paths_rebuild() == 2  # Lille and its team

    lille = Unit.objects.get(code="AG-LIL")
    team = Unit.objects.get(code="T-LIL")
    assert (lille.path, lille.depth) == (seg(org.hq) + seg(org.south) + seg(org.lille), 2)
    assert (team.path, team.depth) == (lille.path + seg(org.lille_team), 3)


def test_unit_paths_rebuild_refuses_a_cycle_and_writes_nothing(org: Org):
    Unit.objects.filter(pk=org.north.pk).update(parent=org.lille_team)
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        unit_paths_rebuild()

    assert error.value.messages == ["The org tree has a cycle."]
    assert snapshot() == before


def test_unit_paths_rebuild_refuses_a_tree_too_deep_and_writes_nothing(db: None):
    deep = chain(None, "L", MAX_DEPTH + 1)
    [leaf] = chain(None, "X", 1)
    Unit.objects.filter(pk=leaf.pk).update(parent=deep[-1])
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        unit_paths_rebuild()

    assert error.value.messages == [f"The tree may not be deeper than {MAX_DEPTH} levels."]
    assert snapshot() == before


def test_ancestor_paths_and_breadcrumbs(org: Org, lead, manager, frontline):
    assert org.lille_team.ancestor_paths() == [org.hq.path, org.north.path, org.lille.path]
    assert org.hq.ancestor_paths() == []

    def crumbs(employee) -> list[str]:
        units = unit_ancestors_visible_to(user=employee.user, unit=org.lille_team)
        return [u.code for u in units]

    assert crumbs(lead) == ["HQ", "R-N", "AG-LIL"]
    # Breadcrumbs stop where the user's sight stops.
    assert crumbs(manager) == ["AG-LIL"]
    assert crumbs(frontline) == ["AG-LIL"]


def test_listing_a_subtree_is_one_query_whatever_its_size(org: Org, django_assert_num_queries):
    chain(org.lille_team, "D", 30)

    with django_assert_num_queries(1):
        assert len(list(Unit.objects.subtree_of(org.rouen))) == 1
    with django_assert_num_queries(1):
        assert len(list(Unit.objects.subtree_of(org.north))) == 34


def build_big_tree() -> tuple[Unit, Unit]:
    """2 000 units: a company, 10 departments, 9 regions of 10 areas of 21 agencies each.

    Built the way a bulk import builds it: rows first, then one pass of unit_paths_rebuild.
    """

    def create(rows: list[tuple[str, str, Unit | None]]) -> list[Unit]:
        return Unit.objects.bulk_create(
            [
                Unit(code=code, name=code, kind=kind, parent=parent, path=f"~new/{code}")
                for code, kind, parent in rows
            ]
        )

    [company] = create([("BIG", "company", None)])
    create([(f"DEP{d}", "department", company) for d in range(10)])
    regions = create([(f"REG{r}", "region", company) for r in range(9)])
    areas = create([(f"{r.code}-A{a}", "area", r) for r in regions for a in range(10)])
    create([(f"{a.code}-G{g}", "agency", a) for a in areas for g in range(21)])
    assert unit_paths_rebuild() == 2000
    return company, Unit.objects.get(code="REG4")


def test_a_region_of_a_2000_unit_tree_is_one_prefix_query(db: None):
    company, region = build_big_tree()
    assert Unit.objects.count() == 2000
    assert Unit.objects.get(code="REG4-A7-G20").path == (
        seg(company)
        + seg(region)
        + seg(Unit.objects.get(code="REG4-A7"))
        + seg(Unit.objects.get(code="REG4-A7-G20"))
    )

    with CaptureQueriesContext(connection) as queries:
        units = list(Unit.objects.subtree_of(region))

    assert len(units) == 1 + 10 + 10 * 21
    assert {u.code.split("-")[0] for u in units} == {"REG4"}
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    assert f"LIKE '{region.path}%'" in sql
    assert "JOIN" not in sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_postgresql_answers_a_subtree_from_the_prefix_index(db: None):
    _company, region = build_big_tree()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'org_unit' "
            "AND indexdef LIKE '%%(path varchar_pattern_ops)%%'"
        )
        # One pattern-ops index on the path, not a twin made by `unique=True`.
        assert cursor.fetchall() == [("org_unit_path_prefix",)]
        # Under the C collation the unique constraint's index could serve LIKE too, which
        # would make the plan a coin toss: take it away (the test's transaction restores it).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE wants no pending checks
        cursor.execute("ALTER TABLE org_unit DROP CONSTRAINT org_unit_path_unique")
        cursor.execute("ANALYZE org_unit")
        cursor.execute("SET LOCAL enable_seqscan = off")

    plan = Unit.objects.subtree_of(region).explain()

    assert "Index Scan on org_unit_path_prefix" in plan
