"""Results as each viewer sees them: the headline score and interval, and every confidentiality
rule on real answers — thresholds, held-back answers released in steps of k, comments, bands,
differencing, access."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from symetrie.listening import services
from symetrie.listening.models import Response, Survey
from symetrie.listening.results import survey_results_for
from symetrie.listening.services import Submission
from symetrie.org.models import Employee, Unit

pytestmark = pytest.mark.django_db

LAST_MONTH = timezone.now() - dt.timedelta(days=40)


def answer(
    survey: Survey,
    unit: Unit,
    score: int,
    *,
    comment: str = "",
    at: dt.datetime | None = None,
    bands: dict[str, str] | None = None,
    **people: Any,
) -> Response:
    answers: dict[str, Any] = {survey.questions.current().order_by("position")[0].code: score}
    if comment:
        answers["comment"] = comment
    return services.response_record(
        survey=survey,
        unit=unit,
        submission=Submission(answers=answers, bands=bands or {}),
        answered_at=at,
        **people,
    )


def group(results: Any, code: str) -> Any:
    return next(g for g in results.groups if g.unit_code == code)


def test_a_four_person_team_shows_no_figure_and_no_comment(
    pulse_survey: Survey, org: Any, manager: Employee
) -> None:
    for score in (9, 10, 3, 8):
        answer(pulse_survey, org.lille_team, score, comment="Trop de charge", at=LAST_MONTH)
    results = survey_results_for(user=manager.user, survey=pulse_survey, unit_code="T-LIL")
    team = group(results, "T-LIL")
    assert team.suppressed is True
    assert team.reason == "Pas assez de réponses pour protéger la confidentialité (moins de 5)."
    assert (team.n, team.score, team.ci_low, team.ci_high) == (None, None, None, None)
    assert team.distribution is None and team.comments is None


def test_the_score_and_interval_of_a_visible_group(
    pulse_survey: Survey, org: Any, manager: Employee
) -> None:
    # 50 promoters, 30 passives, 20 detractors: eNPS 30 in [14.1, 44.2].
    for score, count in ((10, 50), (8, 30), (2, 20)):
        for _ in range(count):
            answer(pulse_survey, org.lille, score, at=LAST_MONTH)
    results = survey_results_for(user=manager.user, survey=pulse_survey)
    lille = group(results, "AG-LIL")
    assert (lille.n, lille.score, lille.ci_low, lille.ci_high) == (100, 30.0, 14.1, 44.2)
    assert lille.suppressed is False
    assert lille.distribution == {
        "0": 0, "1": 0, "2": 20, "3": 0, "4": 0, "5": 0, "6": 0, "7": 0, "8": 30, "9": 0, "10": 50,
    }  # fmt: skip
    assert results.metric == "nps" and results.question == "enps"


def test_answers_are_held_back_until_the_unit_has_k_then_move_in_steps_of_k(
    pulse_survey: Survey, org: Any, manager: Employee
) -> None:
    def lille_n() -> int | None:
        return group(survey_results_for(user=manager.user, survey=pulse_survey), "AG-LIL").n

    for _ in range(4):
        answer(pulse_survey, org.lille, 9)
    assert lille_n() is None
    answer(pulse_survey, org.lille, 9)
    assert lille_n() == 5
    for expected_after in (5, 5, 5, 5, 10):
        answer(pulse_survey, org.lille, 2)
        assert lille_n() == expected_after


def test_comments_need_k_comments_answers_and_come_shuffled(
    pulse_survey: Survey, org: Any, manager: Employee
) -> None:
    texts = [f"Remarque numéro {i}" for i in range(10)]
    for text in texts[:5]:
        answer(pulse_survey, org.lille, 7, comment=text, at=LAST_MONTH)
    lille = group(survey_results_for(user=manager.user, survey=pulse_survey), "AG-LIL")
    assert lille.n == 5 and lille.comments is None
    assert lille.comments_reason == (
        "Les commentaires s'affichent à partir de 10 réponses, pour protéger la confidentialité."
    )
    for text in texts[5:]:
        answer(pulse_survey, org.lille, 7, comment=text, at=LAST_MONTH)
    lille = group(survey_results_for(user=manager.user, survey=pulse_survey), "AG-LIL")
    assert sorted(lille.comments) == sorted(texts)
    assert lille.comments != texts  # not in the order they were given
    again = group(survey_results_for(user=manager.user, survey=pulse_survey), "AG-LIL")
    assert again.comments == lille.comments


def test_a_band_filter_is_refused_while_the_round_is_open(
    pulse_survey: Survey, org: Any, manager: Employee
) -> None:
    for i in range(12):
        answer(pulse_survey, org.lille, 8, bands={"tenure_band": "lt1y" if i < 6 else "1to3y"})
    results = survey_results_for(
        user=manager.user, survey=pulse_survey, band=("tenure_band", "lt1y")
    )
    assert results.refusal is not None
    assert group(results, "AG-LIL").n == 10  # the unfiltered figure, released in steps of 5


def test_a_band_that_leaves_out_fewer_than_k_is_hidden_once_the_round_is_over(
    pulse_survey: Survey, org: Any, manager: Employee
) -> None:
    for i in range(12):
        band = "lt1y" if i < 9 else "1to3y"
        answer(pulse_survey, org.lille, 8, bands={"tenure_band": band}, at=LAST_MONTH)
    newcomers = survey_results_for(
        user=manager.user, survey=pulse_survey, band=("tenure_band", "lt1y")
    )
    assert newcomers.refusal is None
    lille = group(newcomers, "AG-LIL")
    # 9 of 12: showing it beside the whole agency would give the other 3 by difference.
    assert lille.suppressed is True
    assert lille.reason == (
        "Masqué pour protéger la confidentialité : on pourrait le déduire d'autres chiffres."
    )


def test_a_unit_with_one_answer_more_than_its_visible_team_is_not_shown(
    pulse_survey: Survey, org: Any, manager: Employee
) -> None:
    # Lille's team: 5 answers, released as they reach k. Lille itself: 5 more, released at the
    # team's level too... and one in the team more, left over at the round's end: it pools up
    # and, alone under k, is never released — no figure anywhere moves by one.
    for _ in range(6):
        answer(pulse_survey, org.lille_team, 9, at=LAST_MONTH)
    for _ in range(5):
        answer(pulse_survey, org.lille, 0, at=LAST_MONTH)
    results = survey_results_for(user=manager.user, survey=pulse_survey)
    lille, team = group(results, "AG-LIL"), group(results, "T-LIL")
    assert (team.n, team.score) == (5, 100.0)
    assert (lille.n, lille.score) == (10, 0.0)
    assert Response.objects.filter(release__isnull=True).count() == 1


def test_a_lead_sees_the_whole_company_and_a_frontline_employee_nothing(
    pulse_survey: Survey, org: Any, lead: Employee, frontline: Employee, stranger: Employee
) -> None:
    for _ in range(5):
        answer(pulse_survey, org.marseille, 10, at=LAST_MONTH)
    results = survey_results_for(user=lead.user, survey=pulse_survey)
    assert [g.unit_code for g in results.groups] == ["HQ", "SIEGE", "R-N", "R-S"]
    assert group(results, "R-S").n == 5
    for employee in (frontline, stranger):
        with pytest.raises(Http404):
            survey_results_for(user=employee.user, survey=pulse_survey)


def test_a_manager_cannot_ask_for_a_unit_outside_their_subtree(
    pulse_survey: Survey, org: Any, manager: Employee
) -> None:
    with pytest.raises(Http404):
        survey_results_for(user=manager.user, survey=pulse_survey, unit_code="AG-MAR")


def test_customer_results_show_small_groups_since_customers_are_not_employees(
    nps_survey: Survey, org: Any, frontline: Employee
) -> None:
    for score in (10, 9, 3):
        answer(nps_survey, org.lille, score, comment="Conseiller très disponible")
    results = survey_results_for(user=frontline.user, survey=nps_survey)
    lille = group(results, "AG-LIL")
    assert (lille.n, lille.score) == (3, 33.3)
    assert lille.comments == ["Conseiller très disponible"] * 3


def test_a_customer_survey_trends_by_month_or_by_week(
    nps_survey: Survey, org: Any, lead: Employee
) -> None:
    # Two answers in the ISO week 2026-W44 (Mon 26 Oct), one in W45, all in... two months.
    monday = dt.datetime(2026, 10, 26, 12, 0, tzinfo=dt.UTC)
    answer(nps_survey, org.lille, 10, at=monday)
    answer(nps_survey, org.lille, 2, at=monday + dt.timedelta(days=5))  # Saturday 31 October
    answer(nps_survey, org.lille, 9, at=monday + dt.timedelta(days=7))  # Monday 2 November
    weekly = survey_results_for(user=lead.user, survey=nps_survey, unit_code="AG-LIL", trend="week")
    assert [(label, g.n, g.score) for label, g in weekly.trend] == [
        ("2026-W44", 2, 0.0),
        ("2026-W45", 1, 100.0),
    ]
    monthly = survey_results_for(user=lead.user, survey=nps_survey, unit_code="AG-LIL")
    assert [(label, g.n, g.score) for label, g in monthly.trend] == [
        ("2026-10", 2, 0.0),
        ("2026-11", 1, 100.0),
    ]
    one_week = survey_results_for(
        user=lead.user, survey=nps_survey, unit_code="AG-LIL", period="2026-W45"
    )
    assert (one_week.period, one_week.groups[0].n) == ("2026-W45", 1)


def test_reading_results_writes_nothing_once_the_ended_rounds_are_pooled(
    pulse_survey: Survey, org: Any, manager: Employee
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(6):
        answer(pulse_survey, org.lille, 8, at=LAST_MONTH)
    with CaptureQueriesContext(connection) as first:
        survey_results_for(user=manager.user, survey=pulse_survey)
    assert any(q["sql"].startswith("UPDATE") for q in first.captured_queries)  # pooled once
    with CaptureQueriesContext(connection) as again:
        survey_results_for(user=manager.user, survey=pulse_survey)
    writes = [q["sql"] for q in again.captured_queries if not q["sql"].startswith("SELECT")]
    assert writes == []
    pulse_survey.refresh_from_db()
    assert pulse_survey.pooled_until == timezone.localdate().replace(day=1)


def test_response_rates_count_people_for_employees_and_invitations_for_customers(
    pulse_survey: Survey,
    nps_survey: Survey,
    org: Any,
    manager: Employee,
    frontline: Employee,
    teammate: Employee,
    lead: Employee,
) -> None:
    from symetrie.customers.services import customer_create
    from symetrie.listening import distribution

    # Lille's subtree has Mona, Félix and Théo; five answers, two of them by people of Lille
    # (the other three from elsewhere, e.g. an import): 2 of 3 people took part.
    answer(pulse_survey, org.lille, 9, at=LAST_MONTH, employee=manager)
    answer(pulse_survey, org.lille, 9, at=LAST_MONTH, employee=frontline)
    for _ in range(3):
        answer(pulse_survey, org.lille, 6, at=LAST_MONTH)
    lille = group(survey_results_for(user=manager.user, survey=pulse_survey), "AG-LIL")
    assert (lille.n, lille.response_rate) == (5, 66.7)

    # Customers: four invited in Lille this month, one answered through their invitation.
    invited = []
    for i in range(4):
        customer = customer_create(
            external_id=f"C-{i}", first_name="Anne", last_name=f"Client{i}", home_unit=org.lille
        )
        invited.append(
            (
                customer,
                distribution.invitation_create(
                    survey=nps_survey, customer=customer, channel="link"
                )[0],
            )
        )
    customer, invitation = invited[0]
    services.response_record(
        survey=nps_survey,
        unit=org.lille,
        submission=Submission({"nps": 10}),
        customer=customer,
        invitation=invitation,
    )
    type(invitation).objects.filter(pk=invitation.pk).update(used=True)
    month = timezone.localdate().strftime("%Y-%m")
    found = survey_results_for(user=lead.user, survey=nps_survey, unit_code="AG-LIL", period=month)
    assert (group(found, "AG-LIL").n, group(found, "AG-LIL").response_rate) == (1, 25.0)


def test_a_period_that_does_not_exist_is_not_found(
    pulse_survey: Survey, nps_survey: Survey, org: Any, lead: Employee
) -> None:
    for survey, period in (
        (pulse_survey, "2026-W45"),  # employee results are by round, not by week
        (pulse_survey, "2026-13"),
        (nps_survey, "2026-W60"),
        (nps_survey, "hier"),
    ):
        with pytest.raises(Http404):
            survey_results_for(user=lead.user, survey=survey, period=period)
    # A day stands for its round (employees) or its month (customers).
    assert survey_results_for(user=lead.user, survey=pulse_survey, period="2026-11-17").period == (
        "2026-11-01"
    )
    assert survey_results_for(user=lead.user, survey=nps_survey, period="2026-11-17").period == (
        "2026-11"
    )
