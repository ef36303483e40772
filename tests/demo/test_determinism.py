from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from typing import Any

import pytest
from django.db import transaction

from symetrie.demo.builder import Progress, build
from tests.demo.conftest import TEST_SIZE, dump

TODAY = dt.date(2025, 6, 16)


def build_and_dump(**kwargs: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Build into the (empty) test database, dump, and roll back: the next build starts
    from an empty database again, as after a flush."""
    with transaction.atomic():
        build(**{"seed": 42, "today": TODAY, "size": TEST_SIZE, **kwargs})
        data = dump()
        transaction.set_rollback(True)
    return data


@pytest.fixture(scope="module")
def default(django_db_setup: None, django_db_blocker: Any) -> dict[str, list[tuple[Any, ...]]]:
    with django_db_blocker.unblock():
        return build_and_dump()


def test_same_seed_and_date_give_identical_data(db, default):
    again = build_and_dump()

    assert len(default["employees"]) > 700
    assert len(default["customers"]) == 1200
    assert len(default["interactions"]) > 10_000
    assert again == default


def test_another_seed_gives_other_data(db, default):
    other = build_and_dump(seed=43)

    assert default["roles"] == other["roles"]
    assert default["units"] != other["units"]
    assert default["employees"] != other["employees"]
    assert default["customers"] != other["customers"]
    assert default["interactions"] != other["interactions"]


def test_dates_follow_the_reference_date(db, default):
    """The same seed a week later: the same people, hired and gone a week later."""
    now = default
    later = build_and_dump(today=TODAY + dt.timedelta(days=7))

    assert [e[:5] for e in now["employees"]] == [e[:5] for e in later["employees"]]
    week = dt.timedelta(days=7)
    for before, after in zip(now["employees"], later["employees"], strict=True):
        hire, leave = before[10], before[11]
        assert (after[10], after[11]) == (hire + week, leave + week if leave else None)
    # The history moves with the reference date: the latest contact, a week later too.
    latest = max(row[2] for row in now["interactions"])
    assert latest.date() < TODAY
    assert max(row[2] for row in later["interactions"]).date() > latest.date()
    assert min(c[7] for c in later["campaigns"]) == min(c[7] for c in now["campaigns"]) + week


class RecordingProgress(Progress):
    def __init__(self) -> None:
        self.stages: list[list[Any]] = []
        self.closed = False

    def stage(self, description: str, total: int) -> None:
        self.stages.append([description, total, 0])

    def advance(self, amount: int = 1) -> None:
        self.stages[-1][2] += amount

    def close(self) -> None:
        self.closed = True


def test_build_is_a_few_bulk_queries_not_one_per_row(db, django_assert_max_num_queries):
    progress = RecordingProgress()

    # The listening step makes its six surveys through the service (validation, savepoints:
    # about fourteen queries each); everything else is a few bulk queries per table.
    with transaction.atomic(), django_assert_max_num_queries(230):
        build(seed=42, today=TODAY, size=TEST_SIZE, progress=progress)
        transaction.set_rollback(True)

    assert [(name, total == done) for name, total, done in progress.stages] == [
        ("Units", True),
        ("Roles", True),
        ("Employees", True),
        ("Persona accounts", True),
        ("Campaigns", True),
        ("Customers and their history", True),
        ("Cases", True),
        ("Surveys and answers", True),
    ]
    assert progress.closed


PLAN_DIGEST = """
import datetime as dt, hashlib, os, random
os.environ["DEBUG"] = "1"
os.environ["DJANGO_SETTINGS_MODULE"] = "symetrie.settings"
import django
django.setup()
from symetrie.demo.builder import DemoContext
from symetrie.demo.org import plan_org
ctx = DemoContext(seed=42, today=dt.date(2025, 6, 16), size="small")
plan = plan_org(ctx.rng_for("org"), size="small", today=ctx.today)
print(hashlib.sha256(repr((plan.units, plan.roles, plan.employees)).encode()).hexdigest())
"""


def test_the_plan_does_not_depend_on_the_process_hash_seed():
    """Iterating a set of strings would make the plan differ between processes."""
    digests = {
        subprocess.run(
            [sys.executable, "-c", PLAN_DIGEST],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for hash_seed in ("1", "2")
    }

    assert len(digests) == 1
    assert len(hashlib.sha256().hexdigest()) == len(digests.pop())
