"""The adversary: everything one manager can request (units × bands × rounds, and snapshots
while answers arrive), as sets of respondents, on random org trees and answers. No two seen
groups may differ by 1 to k−1 people, and no respondent may be isolated by combining them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Callable, Hashable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symetrie.listening import services
from symetrie.listening.models import Response, Survey
from symetrie.listening.results import survey_results_for
from symetrie.listening.services import Submission
from symetrie.org.models import Employee, Role, Unit
from symetrie.org.services import employee_create, unit_create
from tests.listening.adversary import isolated_respondents, small_differences
from tests.listening.conftest import PULSE_QUESTIONS

pytestmark = pytest.mark.django_db

BANDS = ("lt1y", "gt10y")
Fetch = Callable[
    [Any, Survey, str, str | None, tuple[str, str] | None], list[tuple[str, int | None]]
]


def fetch_with_the_function(
    user: Any, survey: Survey, unit: str, period: str | None, band: tuple[str, str] | None
) -> list[tuple[str, int | None]]:
    found = survey_results_for(user=user, survey=survey, unit_code=unit, period=period, band=band)
    if found.refusal:
        return []
    return [(g.unit_code, None if g.suppressed else g.n) for g in found.groups]


def _query(unit: str, period: str | None, band: tuple[str, str] | None) -> str:
    query = f"unit={unit}" + (f"&period={period}" if period else "")
    return query + (f"&band={band[0]}:{band[1]}" if band else "")


def fetch_through_the_api(
    user: Any, survey: Survey, unit: str, period: str | None, band: tuple[str, str] | None
) -> list[tuple[str, int | None]]:
    client = Client()
    client.force_login(user)
    body = client.get(f"/api/surveys/{survey.pk}/results?{_query(unit, period, band)}").json()
    if body["refusal"]:
        return []
    return [(g["unit"], None if g["suppressed"] else g["n"]) for g in body["groups"]]


def fetch_through_the_export(
    user: Any, survey: Survey, unit: str, period: str | None, band: tuple[str, str] | None
) -> list[tuple[str, int | None]]:
    client = Client()
    client.force_login(user)
    text = client.get(f"/surveys/{survey.pk}/results.csv?{_query(unit, period, band)}")
    rows = list(csv.DictReader(io.StringIO(text.content.decode("utf-8-sig"))))
    if any(row["row"] == "refused" for row in rows):
        return []
    return [
        (row["unit"], None if row["suppressed"] == "true" else int(row["n"]))
        for row in rows
        if row["row"] == "group"
    ]


def truth(
    survey: Survey, unit: Unit, period: str, band: tuple[str, str] | None
) -> frozenset[Hashable]:
    """Who is really behind a group the viewer saw (the test may look; the viewer may not)."""
    responses = Response.objects.released().filter(
        survey=survey,
        round_start=dt.date.fromisoformat(period),
        release_unit__path__startswith=unit.path,
    )
    return frozenset(
        pk
        for pk, bands in responses.values_list("pk", "bands")
        if band is None or bands.get(band[0]) == band[1]
    )


def build(seed: int, size: int) -> tuple[list[Unit], Employee]:
    rng = random.Random(seed)
    root = unit_create(code="ROOT", name="Entreprise", kind="company")
    units = [root]
    for i in range(1, size):
        parent = units[rng.randrange(len(units))]
        units.append(unit_create(code=f"U{i}", name=f"Unité {i}", kind="team", parent=parent))
    role = Role.objects.create(code="mgr", name="Manager")
    boss_unit = units[rng.randrange(min(3, len(units)))]
    manager = employee_create(
        external_id="E-BOSS",
        email="boss@example.fr",
        first_name="Bea",
        last_name="Boss",
        unit=boss_unit,
        role=role,
        hire_date=dt.date(2020, 1, 6),
        is_manager=True,
        password="x" * 20,
    )
    return units, manager


@pytest.mark.parametrize(
    "fetch",
    [fetch_with_the_function, fetch_through_the_api, fetch_through_the_export],
    ids=["function", "api", "export"],
)
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    size=st.integers(2, 7),
    k=st.integers(3, 5),
    closed=st.lists(st.tuples(st.integers(0, 6), st.sampled_from(BANDS)), max_size=45),
    arriving=st.lists(st.tuples(st.integers(0, 6), st.sampled_from(BANDS)), max_size=25),
)
def test_no_manager_can_single_anyone_out(
    db: None, fetch: Fetch, seed: int, size: int, k: int, closed: list[Any], arriving: list[Any]
) -> None:
    with transaction.atomic():
        check(fetch, seed, size, k, closed, arriving)
        transaction.set_rollback(True)


def check(
    fetch: Fetch, seed: int, size: int, k: int, closed: list[Any], arriving: list[Any]
) -> None:
    units, manager = build(seed, size)
    survey = services.survey_create(
        external_id=f"ADV-{seed}",
        audience="employee",
        kind="pulse",
        title={"fr": "Pouls", "en": "Pulse"},
        questions=PULSE_QUESTIONS,
        cadence="monthly",
        min_group_size=k,
        min_comment_group_size=k + 2,
    )
    services.survey_open(survey=survey, at=timezone.now() - dt.timedelta(days=70))
    last_month = timezone.now() - dt.timedelta(days=35)
    for where, band in closed:
        record(survey, units[where % size], band, last_month)
    visible_units = [u for u in units if u.path.startswith(manager.unit.path)]
    seen: list[frozenset[Hashable]] = []

    def look(period: str, band: tuple[str, str] | None) -> None:
        for unit in visible_units:
            for code, n in fetch(manager.user, survey, unit.code, period, band):
                if n is None:
                    continue
                group = truth(survey, Unit.objects.get(code=code), period, band)
                assert n == len(group)
                seen.append(group)

    past = timezone.localdate(last_month).replace(day=1).isoformat()
    current = timezone.localdate().replace(day=1).isoformat()
    for band in (None, *(("tenure_band", b) for b in BANDS)):
        look(past, band)
    # Snapshots of the open round, one after each new answer.
    for where, band in arriving:
        record(survey, units[where % size], band, timezone.now())
        look(current, None)
    assert all(len(group) >= k for group in seen)
    assert small_differences(seen, k) == []
    assert isolated_respondents(seen) == []


def record(survey: Survey, unit: Unit, band: str, at: dt.datetime) -> None:
    services.response_record(
        survey=survey,
        unit=unit,
        submission=Submission({"enps": 7}, bands={"tenure_band": band}),
        answered_at=at,
    )
