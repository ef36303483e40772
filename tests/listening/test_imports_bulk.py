"""The bulk path of the `responses` import: exact counts, rejects, idempotent re-runs, a changed
row, the release rule applied per batch and at the end of the import, nothing that leads to an
employee, no follow-up case for imported low scores, queries independent of the batch's size."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from symetrie.cases.models import Case
from symetrie.core.bulk import run_bulk
from symetrie.customers.services import customer_create
from symetrie.listening import services
from symetrie.listening.models import (
    Answer,
    ConfidentialLink,
    CustomerLink,
    Participation,
    Response,
    Survey,
)
from tests.core.imports_support import rejects_of, run_import, write
from tests.listening.conftest import PULSE_QUESTIONS

HEADER = "survey_external_id,external_id,unit_code,answered_at,language,customer_external_id,"


def counts(result):
    return {k: result[k] for k in ("created", "updated", "unchanged", "rejected")}


def rejects(result):
    return [(r["record"], r["key"], r["field"], r["reason"]) for r in result["rejects"]]


def row(survey: str, external_id: str, unit: str, when: str, **answers):
    return {"survey_external_id": survey, "external_id": external_id, "unit_code": unit,
            "answered_at": when, "answers": answers}  # fmt: skip


@pytest.fixture
def confidential_pulse(org) -> Survey:
    survey = services.survey_create(
        external_id="PULSE-C",
        audience="employee",
        kind="pulse",
        title={"fr": "Pouls", "en": "Pulse"},
        questions=PULSE_QUESTIONS,
        cadence="monthly",
        confidentiality="confidential",
    )
    return services.survey_open(survey=survey)


def this_month(day: int = 1) -> str:
    return timezone.localdate().replace(day=day).isoformat() + "T10:00"


def test_seven_answers_of_a_unit_in_a_round_release_five_together(confidential_pulse, org):
    # k = 5: 7 answers of one unit in the open round, in one batch.
    rows = [row("PULSE-C", f"HR-{n}", "AG-LIL", this_month(1), enps=n + 3) for n in range(7)]
    assert counts(run_bulk("responses", rows)) == {
        "created": 7, "updated": 0, "unchanged": 0, "rejected": 0,
    }  # fmt: skip
    releases = sorted(Response.objects.values_list("release", "release_unit__code"), key=str)
    assert releases == [(1, "AG-LIL")] * 5 + [(None, None)] * 2
    confidential_pulse.refresh_from_db()
    assert confidential_pulse.releases == 1
    # Three more: the two held back and these reach 5, released under the next number.
    more = [row("PULSE-C", f"HR-{n}", "AG-LIL", this_month(2), enps=7) for n in range(7, 10)]
    assert counts(run_bulk("responses", rows + more))["created"] == 3
    assert sorted(Response.objects.values_list("release", flat=True)) == [1] * 5 + [2] * 5
    # Nothing leads to a person: no participation, no confidential link, no customer link, and
    # the source's ids only as keyed hashes.
    assert (Participation.objects.count(), ConfidentialLink.objects.count()) == (0, 0)
    assert CustomerLink.objects.count() == 0
    stored = set(Response.objects.values_list("external_key", flat=True))
    assert stored == {services.external_key_for(confidential_pulse, f"HR-{n}") for n in range(10)}
    assert all(len(key) == 64 and not key.startswith("HR-") for key in stored)


def test_each_unit_and_round_is_its_own_group(pulse_survey, org):
    month = timezone.localdate().replace(day=1)
    rows = [row("PULSE", f"A-{n}", "AG-LIL", this_month(), enps=9) for n in range(5)]
    rows += [row("PULSE", f"B-{n}", "AG-ROU", this_month(), enps=9) for n in range(4)]
    assert counts(run_bulk("responses", rows))["created"] == 9
    by_unit = {
        code: sorted(set(Response.objects.filter(unit__code=code).values_list(
            "release", flat=True)), key=str)
        for code in ("AG-LIL", "AG-ROU")
    }  # fmt: skip
    assert by_unit == {"AG-LIL": [1], "AG-ROU": [None]}
    assert set(Response.objects.values_list("round_start", flat=True)) == {month}


def test_the_rounds_that_are_over_pool_their_leftovers_at_the_end(pulse_survey, org):
    # Two months ago: 3 answers in Lille, 2 in Rouen (k = 5). Under k in each agency, the round
    # is over: at the end of the import both pool into their region and are released there.
    old = timezone.localdate().replace(day=1) - dt.timedelta(days=40)
    when = old.isoformat() + "T10:00"
    rows = [row("PULSE", f"L-{n}", "AG-LIL", when, enps=8) for n in range(3)]
    rows += [row("PULSE", f"R-{n}", "AG-ROU", when, enps=8) for n in range(2)]
    assert counts(run_bulk("responses", rows))["created"] == 5
    assert set(Response.objects.values_list("release", "release_unit__code")) == {(1, "R-N")}


def test_customer_answers_are_released_at_once_with_their_link(nps_survey, org, tmp_path):
    elodie = customer_create(external_id="C-1", first_name="Élodie", last_name="C",
                             home_unit=org.lille)  # fmt: skip
    path = write(
        tmp_path / "responses.csv",
        HEADER + "nps,comment\n"
        "NPS-REL,R-1,AG-LIL,2025-11-21T10:00,fr,C-1,2,Très déçue\n"
        "NPS-REL,R-2,AG-LIL,2025-11-21T11:00,en,,9,\n"
        "NPS-REL,R-3,AG-LIL,2025-11-21T12:00,fr,C-404,9,\n"
        "NPS-REL,R-4,AG-XXX,2025-11-21T12:00,fr,C-1,9,\n",
    )
    run = run_import("responses", path, "--no-progress")
    assert (run.code, run.stdout.strip().splitlines()[-1]) == (
        1, "created 2, updated 0, unchanged 0, rejected 2",
    )  # fmt: skip
    assert [r[:3] for r in csv.reader(rejects_of(path).splitlines()[1:])] == [
        ["4", "customer_external_id", "unknown customer “C-404”"],
        ["5", "unit_code", "unknown unit “AG-XXX”"],
    ]
    assert set(Response.objects.values_list("external_key", "release", "release_unit__code")) == {
        ("R-1", 0, "AG-LIL"), ("R-2", 0, "AG-LIL"),
    }  # fmt: skip
    link = CustomerLink.objects.get()
    assert (link.customer, link.response.external_key) == (elodie, "R-1")
    assert link.answered_at == dt.datetime(2025, 11, 21, 9, 0, tzinfo=dt.UTC)  # 10:00 in Paris
    # A 2 out of 10, imported: history, no follow-up case.
    assert Case.objects.count() == 0

    again = run_import("responses", path, "--no-progress")
    assert (again.code, again.stdout.strip().splitlines()[-1]) == (
        1, "created 0, updated 0, unchanged 2, rejected 2",
    )  # fmt: skip
    assert (Response.objects.count(), Answer.objects.count(), CustomerLink.objects.count()) == (
        2, 3, 1,
    )  # fmt: skip


def test_a_changed_row_updates_a_held_back_answer_and_never_a_released_one(
    nps_survey, pulse_survey, org
):
    run_bulk("responses", [
        row("NPS-REL", "R-1", "AG-LIL", "2025-11-21T10:00", nps=9),
        row("PULSE", "HR-1", "AG-LIL", this_month(), enps=6, comment="Trop de réunions"),
    ])  # fmt: skip
    held = Response.objects.get(survey=pulse_survey)
    with translation.override("en"):
        result = run_bulk("responses", [
            row("NPS-REL", "R-1", "AG-LIL", "2025-11-21T10:00", nps=3),
            row("PULSE", "HR-1", "AG-ROU", this_month(), enps=8),
        ])  # fmt: skip
    assert counts(result) == {"created": 0, "updated": 1, "unchanged": 0, "rejected": 1}
    assert rejects(result) == [
        (0, "R-1", "external_id", "already released: answers can no longer change"),
    ]
    # The released answer is as it was; the held-back one says what the file says now.
    assert Answer.objects.get(response__survey=nps_survey).number == 9
    held.refresh_from_db()
    assert (held.unit, held.release) == (org.rouen, None)
    assert list(held.answers.values_list("code", "number", "text")) == [("enps", 8, "")]
    with translation.override("fr"):
        again = run_bulk("responses", [row("NPS-REL", "R-1", "AG-LIL", "2025-11-21T10:00", nps=3)])
    assert rejects(again)[0][3] == "déjà publiée : ses réponses ne peuvent plus changer"


def test_rejects_keep_the_rules_of_the_answer_page(nps_survey, pulse_survey, org):
    with translation.override("en"):
        result = run_bulk("responses", [
            row("NPS-REL", "R-1", "AG-LIL", "2025-11-21T10:00", nps=11),
            row("NPS-REL", "R-2", "AG-LIL", "2025-11-21T10:00", comment="Sans note"),
            row("NOPE", "R-3", "AG-LIL", "2025-11-21T10:00", nps=9),
            row("PULSE", "R-4", "AG-LIL", "2025-11-21T10:00", enps=9, stars=4),
            row("NPS-REL", "R-5", "AG-LIL", "2025-11-21T10:00", nps="neuf"),
            row("NPS-REL", "R-6", "AG-LIL", "2025-11-21T10:00", nps=7),
        ])  # fmt: skip
    assert counts(result) == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 5}
    assert rejects(result) == [
        (0, "R-1", "nps", "Give a number from 0 to 10."),
        (1, "R-2", "nps", "This question needs an answer."),
        (2, "R-3", "survey_external_id", "unknown survey “NOPE”"),
        (3, "R-4", "stars", "unknown question “stars”"),
        (4, "R-5", "nps", "Give a whole number."),
    ]
    assert list(Response.objects.values_list("external_key", flat=True)) == ["R-6"]


def test_a_batch_costs_the_same_queries_whatever_its_size(pulse_survey, org):
    def queries(first: int, count: int) -> int:
        rows = [
            row("PULSE", f"Q-{n}", ("AG-LIL", "AG-ROU", "AG-MAR")[n % 3], this_month(), enps=7)
            for n in range(first, first + count)
        ]
        with CaptureQueriesContext(connection) as captured:
            assert counts(run_bulk("responses", rows))["created"] == count
        return len(captured)

    # Three groups each time, and each reaches k = 5 in both runs.
    assert queries(0, 15) == queries(100, 60)
