"""The demo's listening step: a year of surveys whose answers follow the product's rules.

Built once for the module, on a fixed seed and reference date, so that counts are exact.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from symetrie.cases.models import Case
from symetrie.customers.models import Customer
from symetrie.demo.builder import DemoContext, build, wipe
from symetrie.demo.listening import tenure_band
from symetrie.listening import rounds, services
from symetrie.listening.models import (
    Answer,
    ConfidentialLink,
    CustomerLink,
    Invitation,
    Participation,
    Response,
    Survey,
)
from symetrie.org.models import Employee, Unit, UnitKind
from tests.demo.conftest import TEST_SIZE

TODAY = dt.date(2025, 6, 16)
EMPLOYEE_SURVEYS = ("DEMO-PULSE", "DEMO-ONBOARDING", "DEMO-EXIT")
CUSTOMER_SURVEYS = ("DEMO-NPS-RELATION", "DEMO-NPS-DEMANDE", "DEMO-NPS-AGENCE")


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoContext]:
    with django_db_blocker.unblock():
        ctx = build(seed=42, today=TODAY, size=TEST_SIZE)
    yield ctx
    with django_db_blocker.unblock():
        wipe()


def survey(external_id: str) -> Survey:
    return Survey.objects.get(external_id=external_id)


def nps(values: list[int]) -> float:
    return 100 * (sum(v >= 9 for v in values) - sum(v <= 6 for v in values)) / len(values)


def test_six_open_surveys_with_their_rules(db, built):
    rows = list(
        Survey.objects.order_by("external_id").values_list(
            "external_id", "audience", "kind", "cadence", "confidentiality", "min_group_size",
            "min_comment_group_size", "status", "trigger", "trigger_channel",
        )
    )  # fmt: skip

    assert rows == [
        ("DEMO-EXIT", "employee", "exit", "quarterly", "anonymous", 5, 10, "open", "none", ""),
        ("DEMO-NPS-AGENCE", "customer", "transactional_nps", "monthly", "identified", 5, 10,
         "open", "interaction", "branch"),
        ("DEMO-NPS-DEMANDE", "customer", "transactional_nps", "monthly", "identified", 5, 10,
         "open", "case_closed", ""),
        ("DEMO-NPS-RELATION", "customer", "relationship_nps", "quarterly", "identified", 5, 10,
         "open", "none", ""),
        ("DEMO-ONBOARDING", "employee", "onboarding", "quarterly", "anonymous", 5, 10, "open",
         "none", ""),
        ("DEMO-PULSE", "employee", "pulse", "monthly", "anonymous", 5, 10, "open", "none", ""),
    ]  # fmt: skip
    # The pulse's score is its eNPS: the first scored question.
    first = survey("DEMO-PULSE").questions.current().order_by("position").first()
    assert first is not None and first.code == "enps"
    assert {s.opened_at for s in Survey.objects.all()} == {
        dt.datetime(2024, 6, 16, 9, tzinfo=timezone.get_current_timezone())
    }


# (invitations, responses) by survey, for seed 42 on 2025-06-16 (the tests' 1 200 customers).
EXPECTED_COUNTS = {
    "DEMO-EXIT": (0, 39),
    "DEMO-NPS-AGENCE": (362, 73),
    "DEMO-NPS-DEMANDE": (251, 79),
    "DEMO-NPS-RELATION": (393, 81),
    "DEMO-ONBOARDING": (0, 65),
    "DEMO-PULSE": (0, 4836),
}


def test_counts_per_survey_on_the_fixed_seed(db, built):
    facts = built.listening
    assert facts is not None
    counts = {
        s.external_id: (s.invitations.count(), s.responses.count())
        for s in Survey.objects.order_by("external_id")
    }

    assert counts == EXPECTED_COUNTS
    assert facts.by_survey == {
        key: counts[key] if key in CUSTOMER_SURVEYS else (0, counts[key][1]) for key in counts
    }
    assert facts.invitations == Invitation.objects.count()
    assert facts.answers == Answer.objects.count()
    assert facts.comments == Answer.objects.exclude(text="").count()
    assert facts.participations == Participation.objects.count()
    assert facts.held_back == Response.objects.filter(release__isnull=True).count()


def test_every_answer_is_one_the_survey_accepts(db, built):
    """The rows were written in bulk: the service's own validation accepts each of them."""
    for s in Survey.objects.all():
        questions = list(s.questions.current())
        by_response: dict[Any, dict[str, Any]] = defaultdict(dict)
        for response_id, code, number, choices, text in Answer.objects.filter(
            response__survey=s
        ).values_list("response_id", "code", "number", "choices", "text"):
            kind = next(q.kind for q in questions if q.code == code)
            value = number if number is not None else text or choices
            by_response[response_id][code] = value[0] if kind == "single_choice" else value
        assert len(by_response) == s.responses.count()
        for answers in by_response.values():
            services.answers_clean({q.code: q for q in questions}, answers)


def test_customer_answers_are_linked_to_their_customer_and_invitation(db, built):
    responses = Response.objects.filter(survey__audience="customer")
    links = CustomerLink.objects.select_related("invitation", "response")

    assert links.count() == responses.count() == built.listening.customer_responses
    assert Invitation.objects.filter(used=True).count() == links.count()
    for link in links:
        assert link.invitation.customer_id == link.customer_id
        assert link.invitation.survey_id == link.response.survey_id
        assert link.invitation.used
        assert timezone.localdate(link.answered_at) == link.response.answered_on
        assert link.invitation.sent_at <= link.answered_at < link.invitation.expires_at
        assert link.response.release == 0
        assert link.response.release_unit_id == link.response.unit_id
    # Answers are in the customer's language.
    languages = dict(Customer.objects.values_list("id", "language"))
    assert all(
        languages[customer] == language
        for customer, language in links.values_list("customer_id", "response__language")
    )


def test_no_customer_is_invited_twice_within_thirty_days(db, built):
    by_customer: dict[int, list[dt.datetime]] = defaultdict(list)
    for customer, created in Invitation.objects.values_list("customer_id", "created_at"):
        by_customer[customer].append(created)
    gaps = [
        later - earlier
        for times in by_customer.values()
        for earlier, later in zip(sorted(times), sorted(times)[1:], strict=False)
    ]

    assert gaps
    assert min(gaps) >= dt.timedelta(days=30)


def test_response_rates_vary_by_agency_and_by_unit_within_their_bands(db, built):
    customers = Response.objects.filter(survey__audience="customer").count()
    invitations = Invitation.objects.count()
    pulse = survey("DEMO-PULSE")
    rounds_held = pulse.responses.values("round_start").distinct().count()
    per_unit = Counter(pulse.participations.values_list("employee__unit_id", flat=True))
    staff = Counter(
        Employee.objects.filter(leave_date__isnull=True).values_list("unit_id", flat=True)
    )
    rates = {
        unit: per_unit[unit] / (staff[unit] * rounds_held) for unit in staff if staff[unit] >= 6
    }

    drawn = built.listening
    customer_rates = sorted(drawn.customer_rates.values())
    employee_rates = sorted(drawn.employee_rates.values())

    assert len(customer_rates) == 60
    assert 0.08 <= customer_rates[0] < 0.12 and 0.3 < customer_rates[-1] <= 0.35
    assert 0.40 <= employee_rates[0] < 0.45 and 0.8 < employee_rates[-1] <= 0.85
    # What came of them.
    assert 0.15 < customers / invitations < 0.30
    assert rounds_held == 12
    assert len(rates) > 20
    assert 0.25 < min(rates.values()) < 0.5
    assert 0.7 < max(rates.values()) < 0.95


def test_agencies_with_more_overdue_and_late_cases_score_lower(db, built):
    """The customer side follows the cases step's story: strained agencies, lower NPS."""
    agency_of = {
        u.pk: next(a for a in agencies if u.path.startswith(a.path))
        for agencies in [list(Unit.objects.filter(kind=UnitKind.AGENCY))]
        for u in Unit.objects.all()
        if any(u.path.startswith(a.path) for a in agencies)
    }
    now = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(8, 30)))
    late: Counter[int] = Counter()
    total: Counter[int] = Counter()
    for unit, due, resolved in Case.objects.filter(
        audience="customer", raised_by__unit__isnull=False
    ).values_list("raised_by__unit_id", "due_at", "resolved_at"):
        if unit in agency_of:
            total[agency_of[unit].pk] += 1
            late[agency_of[unit].pk] += int((resolved or now) > due)
    share = {agency: late[agency] / total[agency] for agency in total}
    ranked = sorted(share, key=share.__getitem__)
    calm, strained = set(ranked[: len(ranked) // 2]), set(ranked[len(ranked) // 2 :])
    scores: dict[str, list[int]] = defaultdict(list)
    for unit, number in Answer.objects.filter(
        code="nps", response__survey__audience="customer"
    ).values_list("response__unit_id", "number"):
        agency = agency_of[unit].pk
        scores["calm" if agency in calm else "strained" if agency in strained else ""].append(
            number
        )

    assert nps(scores["strained"]) < nps(scores["calm"]) - 5


def test_requests_closed_late_score_lower_than_those_closed_in_time(db, built):
    cases = {
        f"case:{external_id}": resolved > due
        for external_id, due, resolved in Case.objects.filter(
            audience="customer", closed_at__isnull=False
        ).values_list("external_id", "due_at", "resolved_at")
    }
    scores: dict[bool, list[int]] = defaultdict(list)
    for ref, number in CustomerLink.objects.filter(
        response__survey__external_id="DEMO-NPS-DEMANDE", response__answers__code="nps"
    ).values_list("invitation__trigger_ref", "response__answers__number"):
        scores[cases[ref]].append(number)

    assert len(scores[True]) > 5
    assert nps(scores[True]) < nps(scores[False])


def test_teams_with_more_irritants_have_a_lower_enps(db, built):
    irritants = Counter(
        Case.objects.filter(type="irritant").values_list("raised_by__unit__parent_id", flat=True)
    )
    teams = list(Unit.objects.filter(kind=UnitKind.TEAM).values_list("id", "parent_id"))
    ranked = sorted(teams, key=lambda t: (irritants[t[1]], t[0]))
    low = {t for t, _p in ranked[: len(ranked) // 3]}
    high = {t for t, _p in ranked[-len(ranked) // 3 :]}
    scores: dict[str, list[int]] = defaultdict(list)
    for unit, number in Answer.objects.filter(
        code="enps", response__survey__external_id="DEMO-PULSE"
    ).values_list("response__unit_id", "number"):
        if unit in low or unit in high:
            scores["low" if unit in low else "high"].append(number)

    assert nps(scores["high"]) < nps(scores["low"])


def test_anonymous_answers_have_nothing_that_leads_to_the_person(db, built):
    anonymous = Response.objects.filter(survey__external_id__in=EMPLOYEE_SURVEYS)

    assert anonymous.count() == built.listening.employee_responses > 4000
    assert not CustomerLink.objects.filter(response__in=anonymous).exists()
    assert not ConfidentialLink.objects.exists()
    assert not Invitation.objects.filter(employee__isnull=False).exists()
    assert set(anonymous.values_list("external_key", flat=True)) == {""}
    assert {tuple(bands) for bands in anonymous.values_list("bands", flat=True)} == {
        ("tenure_band",)
    }


def test_one_participation_per_respondent_and_round(db, built):
    for external_id in EMPLOYEE_SURVEYS:
        s = survey(external_id)
        answered = Counter(s.responses.values_list("round_start", flat=True))
        participated = Counter(s.participations.values_list("round_start", flat=True))
        pairs = list(s.participations.values_list("employee_id", "round_start"))

        assert answered == participated
        assert len(pairs) == len(set(pairs))


def test_tenure_bands_follow_the_hire_dates(db, built):
    pulse_bands = Counter(
        b["tenure_band"] for b in survey("DEMO-PULSE").responses.values_list("bands", flat=True)
    )
    onboarding_bands = {
        b["tenure_band"]
        for b in survey("DEMO-ONBOARDING").responses.values_list("bands", flat=True)
    }

    assert set(pulse_bands) == {"lt1y", "1to3y", "3to10y", "gt10y"}
    assert onboarding_bands == {"lt1y"}
    assert tenure_band(dt.date(2021, 1, 1), dt.date(2021, 12, 31)) == "lt1y"
    assert tenure_band(dt.date(2021, 1, 1), dt.date(2022, 1, 1)) == "1to3y"
    assert tenure_band(dt.date(2020, 1, 1), dt.date(2030, 1, 1)) == "gt10y"


def test_exit_answers_come_before_leaving_and_onboarding_after_arriving(db, built):
    """Seen through participation only: the answers themselves say nothing of who."""
    for external_id, field in (("DEMO-EXIT", "leave_date"), ("DEMO-ONBOARDING", "hire_date")):
        s = survey(external_id)
        for day, start in s.participations.values_list(f"employee__{field}", "round_start"):
            end = rounds.round_end(s, start)
            assert end is not None
            if field == "leave_date":
                assert start <= day <= end + dt.timedelta(days=14)
            else:
                assert start - dt.timedelta(days=41) <= day <= end - dt.timedelta(days=28)


def test_no_unit_ever_shows_fewer_than_k_answers_of_a_round(db, built):
    for external_id in EMPLOYEE_SURVEYS:
        s = survey(external_id)
        counted = Counter(
            s.responses.released().values_list("round_start", "release_unit_id", "release")
        )
        per_unit_round = Counter(
            s.responses.released().values_list("round_start", "release_unit_id")
        )

        assert min(counted.values()) >= s.min_group_size
        assert min(per_unit_round.values()) >= s.min_group_size


def test_the_current_round_stays_open_and_the_ended_ones_are_released(db, built):
    pulse = survey("DEMO-PULSE")
    held = Counter(
        pulse.responses.filter(release__isnull=True).values_list("round_start", flat=True)
    )
    current = dt.date(2025, 6, 1)

    # The open round holds back what has not reached k yet; an ended round only what was
    # still under k once pooled up to the company (released, it would show fewer than k).
    assert held[current] >= pulse.min_group_size
    assert max(count for start, count in held.items() if start != current) < pulse.min_group_size
    assert pulse.responses.filter(round_start=current, release__isnull=False).exists()
    released = pulse.responses.exclude(release__isnull=True)
    assert pulse.releases == max(released.values_list("release", flat=True))


def test_at_least_one_small_team_is_below_the_threshold(db, built):
    pulse = survey("DEMO-PULSE")
    own = Counter(
        pulse.responses.filter(round_start=dt.date(2025, 5, 1)).values_list("unit_id", flat=True)
    )
    shown_at = set(
        pulse.responses.filter(round_start=dt.date(2025, 5, 1)).values_list(
            "release_unit_id", flat=True
        )
    )
    small = [
        unit
        for unit in Unit.objects.filter(kind=UnitKind.TEAM).values_list("id", flat=True)
        if 0 < own[unit] < pulse.min_group_size
    ]

    assert small
    # Their answers count from the agency up, never at the team.
    assert not shown_at & set(small)


def test_comments_are_varied_and_mostly_french(db, built):
    comments = list(Answer.objects.exclude(text="").values_list("text", flat=True))
    languages = Counter(
        Response.objects.filter(answers__code="comment").values_list("language", flat=True)
    )

    assert len(comments) > 1500
    assert len(set(comments)) / len(comments) > 0.9
    assert 0.02 < languages["en"] / (languages["en"] + languages["fr"]) < 0.1


def replay(s: Survey, responses: list[tuple[Any, int, dt.date, dt.date]]) -> None:
    """The service's own release rule, answer by answer in the order they came."""
    ids = [pk for pk, *_rest in responses]
    Response.objects.filter(pk__in=ids).update(release=None, release_unit=None, is_complete=False)
    units = {u.pk: u for u in Unit.objects.all()}
    for pk, unit, start, _day in sorted(responses, key=lambda r: (r[3], r[0].hex)):
        Response.objects.filter(pk=pk).update(is_complete=True)
        services._release_if_ready(s, units[unit], start)
    services.releases_catch_up(survey=s, today=TODAY)


def partition(s: Survey) -> set[tuple[Any, frozenset[Any]]]:
    groups: dict[Any, set[Any]] = defaultdict(set)
    unit_of = {}
    for pk, release, unit in s.responses.values_list("id", "release", "release_unit_id"):
        groups[release if release is not None else ("held", pk)].add(pk)
        unit_of[pk] = unit
    return {(unit_of[next(iter(members))], frozenset(members)) for members in groups.values()}


@pytest.mark.parametrize("external_id", ["DEMO-ONBOARDING", "DEMO-EXIT", "DEMO-PULSE"])
def test_releases_are_what_the_service_makes_of_the_same_answers(db, built, external_id):
    s = survey(external_id)
    # The pulse: its last two rounds (one ended, one open), to keep the replay short.
    starts = sorted(set(s.responses.values_list("round_start", flat=True)))[-2:]
    chosen = (
        s.responses.filter(round_start__in=starts) if external_id == "DEMO-PULSE" else s.responses
    )
    generated = partition(s)
    responses = list(chosen.values_list("id", "unit_id", "round_start", "answered_on"))

    replay(s, responses)

    assert partition(s) == generated


def test_the_last_days_detractors_have_their_follow_up_case(db, built):
    since = TODAY - dt.timedelta(days=7)
    detractors = set(
        CustomerLink.objects.filter(
            response__answered_on__gte=since,
            response__answers__code="nps",
            response__answers__number__lte=6,
        ).values_list("customer_id", "answered_at")
    )
    cases = set(
        Case.objects.filter(subject__startswith="Détracteur à rappeler").values_list(
            "customer_id", "opened_at"
        )
    )

    assert built.listening.follow_ups == len(detractors) > 0
    assert cases == detractors
