"""Results of a survey, as one viewer may see them: the one function pages, API and exports call.

`survey_results_for` gives, for a unit and its sub-units, the headline score with its 95 %
interval, n, the response rate, the distribution and the comments — for employee surveys only
where the confidentiality rule (`confidentiality.publish`) allows, over the whole family of
groups this viewer can reach in the same round (every unit of their subtree, each alone and by
band). Employee results are per round; a filter by band is refused while the round is open,
since held-back answers are released per unit, not per band. A later analytics step can make
this fast with rollups: everything goes through `_round_data`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from symetrie.core.audience import Audience
from symetrie.listening import confidentiality, rounds, scores
from symetrie.listening.confidentiality import Publication, Reason
from symetrie.listening.models import (
    SCALES,
    Answer,
    Invitation,
    Participation,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyKind,
)
from symetrie.listening.services import releases_catch_up
from symetrie.org.models import PATH_SEGMENT_WIDTH, PATH_SEPARATOR, Employee, Unit
from symetrie.org.selectors import Persona, Reach, Scope, persona_for, scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

# A cell of a viewer's family: (unit path, band key, band value); ("", "") = no band filter.
Cell = tuple[str, str, str]
ALL = ("", "")


@dataclass
class GroupResult:
    unit_code: str
    unit_name: str
    n: int | None = None
    score: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    suppressed: bool = False
    reason: str = ""
    distribution: dict[str, int] | None = None
    comments: list[str] | None = None
    comments_reason: str = ""
    response_rate: float | None = None


@dataclass
class SurveyResults:
    survey: Survey
    question: str
    metric: str
    period: str | None
    groups: list[GroupResult] = field(default_factory=list)
    trend: list[tuple[str, GroupResult]] = field(default_factory=list)
    refusal: str | None = None
    periods: list[str] = field(default_factory=list)
    bands: dict[str, list[str]] = field(default_factory=dict)
    k: int = 0
    k_comments: int = 0


# ---------------------------------------------------------------- access


def _viewer_may_see(user: User, survey: Survey, scope: Scope) -> bool:
    if scope.reach is Reach.NOTHING:
        return False
    if survey.audience == Audience.EMPLOYEE and persona_for(user) not in (
        Persona.MANAGER,
        Persona.LEAD,
    ):
        # Frontline employees answer employee surveys; results are for managers and leads.
        return False
    if survey.unit is None or scope.reach is Reach.EVERYTHING:
        return True
    return survey.unit.path.startswith(scope.path) or scope.path.startswith(survey.unit.path)


def survey_list_visible_to(*, user: User) -> QuerySet[Survey]:
    """The surveys whose results this user may open."""
    scope = scope_for(user)
    surveys = Survey.objects.select_related("unit").exclude(opened_at__isnull=True)
    return surveys.filter(
        pk__in=[s.pk for s in surveys if _viewer_may_see(user, s, scope)]
    ).order_by("audience", "-opened_at")


def survey_get_visible_to(*, user: User, pk: int) -> Survey:
    survey = Survey.objects.select_related("unit").filter(pk=pk).first()
    if survey is None or not _viewer_may_see(user, survey, scope_for(user)):
        raise Http404("No such survey.")
    return survey


def _viewer_root(scope: Scope, survey: Survey) -> Unit:
    """The top of what this viewer sees of this survey."""
    if scope.reach is Reach.EVERYTHING:
        root = survey.unit or Unit.objects.roots().order_by("path").first()
    else:
        own = Unit.objects.filter(pk=scope.unit_id or 0).first()
        if own is None:
            raise Http404("No unit.")
        root = survey.unit if survey.unit and survey.unit.path.startswith(own.path) else own
    if root is None:
        raise Http404("No unit.")
    return root


# ---------------------------------------------------------------- data of a period


@dataclass(frozen=True)
class _Row:
    path: str
    bands: Mapping[str, str]
    value: int | None
    comments: tuple[str, ...]


def _headline(survey: Survey, code: str | None) -> Question:
    questions = list(survey.questions.current())
    if code:
        found = next((q for q in questions if q.code == code and q.scale), None)
        if found is None:
            raise Http404("No such question.")
        return found
    numeric = [q for q in questions if q.scale]
    if not numeric:
        raise Http404("This survey has no scored question.")
    return numeric[0]


def metric_of(survey: Survey, question: Question) -> str:
    if question.kind == QuestionKind.NPS:
        return "nps"
    if question.kind == QuestionKind.SCALE_5:
        return "csat" if survey.kind == SurveyKind.CSAT else "favourable"
    if question.kind in (QuestionKind.CES_5, QuestionKind.CES_7):
        return "ces"
    return "mean"


def _period_filter(survey: Survey, period: str | None) -> tuple[Q, str | None]:
    """Employee surveys: a round (its first day, or its month as YYYY-MM); customer surveys: a
    month (YYYY-MM, or any day of it), an ISO week (YYYY-Www) or everything."""
    if not period:
        return Q(), None
    month = re.fullmatch(r"(\d{4})-(\d{2})", period)
    day = re.fullmatch(r"\d{4}-\d{2}-\d{2}", period)
    week = re.fullmatch(r"(\d{4})-W(\d{2})", period)
    try:
        if survey.audience == Audience.EMPLOYEE:
            if not (month or day):
                raise ValueError(period)
            start = rounds.round_start(
                survey, dt.date.fromisoformat(period[:7] + "-01" if month else period)
            )
            return Q(round_start=start), start.isoformat()
        if week:
            label = _week_of(dt.date.fromisocalendar(int(week[1]), int(week[2]), 1))
        elif month or day:
            label = dt.date.fromisoformat(period[:7] + "-01").strftime("%Y-%m")
        else:
            raise ValueError(period)
        first, after = _customer_period(label) or (None, None)
    except ValueError:
        raise Http404("No such period.") from None
    return Q(answered_on__gte=first, answered_on__lt=after), label


def _rows(survey: Survey, root: Unit, where: Q, question: Question) -> dict[Any, _Row]:
    responses = Response.objects.released().filter(
        where, survey=survey, release_unit__path__startswith=root.path
    )
    meta = list(responses.values_list("pk", "release_unit__path", "bands"))
    values: dict[Any, int] = {}
    comments: dict[Any, list[str]] = {}
    answers = Answer.objects.filter(response__in=responses.values("pk")).filter(
        Q(code=question.code) | Q(question__kind=QuestionKind.TEXT)
    )
    for response_id, code, number, text in answers.values_list(
        "response_id", "code", "number", "text"
    ):
        if code == question.code and number is not None:
            values[response_id] = number
        elif text:
            comments.setdefault(response_id, []).append(text)
    return {
        pk: _Row(path, bands or {}, values.get(pk), tuple(comments.get(pk, ())))
        for pk, path, bands in meta
    }


def _week_of(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _periods(survey: Survey, root: Unit, by: str = "month") -> list[str]:
    """The periods with answers: rounds for employee surveys; months, or ISO weeks, for
    customer surveys."""
    responses = Response.objects.released().filter(
        survey=survey, release_unit__path__startswith=root.path
    )
    if survey.audience == Audience.EMPLOYEE:
        starts = responses.values_list("round_start", flat=True).distinct()
        return sorted({start.isoformat() for start in starts})
    days = responses.values_list("answered_on", flat=True).distinct()
    if by == "week":
        return sorted({_week_of(day) for day in days})
    return sorted({day.strftime("%Y-%m") for day in days})


# ---------------------------------------------------------------- the family and its verdicts


def _cells(
    rows: Mapping[Any, _Row], units: Sequence[Unit], band_slices: Sequence[tuple[str, str]]
) -> dict[Cell, frozenset[Hashable]]:
    """Every group of the family: each unit (its whole subtree), alone and by band."""
    paths = {unit.path for unit in units}
    members: dict[Cell, set[Hashable]] = {
        (unit.path, key, value): set() for unit in units for key, value in band_slices
    }
    step = PATH_SEGMENT_WIDTH + len(PATH_SEPARATOR)
    for pk, row in rows.items():
        prefixes = [row.path[:end] for end in range(step, len(row.path) + 1, step)]
        for prefix in prefixes:
            if prefix not in paths:
                continue
            members[(prefix, "", "")].add(pk)
            for key, value in row.bands.items():
                cell = (prefix, key, value)
                if cell in members:
                    members[cell].add(pk)
    return {cell: frozenset(found) for cell, found in members.items()}


_PUBLICATIONS: dict[tuple[str, int, int], Publication[Cell]] = {}


def _publication(kind: str, k: int, cells: Mapping[Cell, frozenset[Hashable]]) -> Publication[Cell]:
    """`confidentiality.publish`, kept per process for a family seen before: the key is the
    family itself (every group and its members), so new answers or another viewer's family
    never get a stale verdict."""
    key = (kind, k, hash(frozenset(cells.items())))
    found = _PUBLICATIONS.get(key)
    if found is None:
        if len(_PUBLICATIONS) > 512:
            _PUBLICATIONS.clear()
        found = _PUBLICATIONS[key] = confidentiality.publish(cells, k)
    return found


def _comment_rules(
    survey: Survey, cells: Mapping[Cell, frozenset[Hashable]], figures: Publication[Cell]
) -> Publication[Cell]:
    """Comments: among the groups whose figures are shown, the same rule with k_comments."""
    shown = {cell: members for cell, members in cells.items() if figures.visible(cell)}
    return _publication("comments", survey.min_comment_group_size, shown)


def _shuffled(texts: list[str], seed: str) -> list[str]:
    """Comments in an order that says nothing of who wrote them or when (stable per group, so a
    reload does not reorder them)."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{seed}".encode()).digest()
    ordered = sorted(texts)
    random.Random(digest).shuffle(ordered)
    return ordered


# ---------------------------------------------------------------- the one function


def survey_results_for(
    *,
    user: User,
    survey: Survey,
    unit_code: str | None = None,
    period: str | None = None,
    band: tuple[str, str] | None = None,
    question: str | None = None,
    trend: str = "month",
) -> SurveyResults:
    """The results this viewer may see (see the module's docstring). `trend`: "month" or
    "week" for a customer survey's trend (an employee survey's trend is by round)."""
    if survey.audience == Audience.EMPLOYEE:
        releases_catch_up(survey=survey)
        survey.refresh_from_db(fields=["releases"])
    results = _results(user, survey, unit_code, period, band, question)
    points = results.periods
    if survey.audience == Audience.CUSTOMER and trend == "week":
        points = _periods(survey, _viewer_root(scope_for(user), survey), by="week")
    # The trend: the asked unit in each period, each under its own period's verdicts (figures
    # only: comments are read period by period).
    results.trend = [
        (
            each,
            results.groups[0]
            if each == results.period and not band
            else _results(
                user,
                survey,
                results.groups[0].unit_code,
                each,
                None,
                results.question,
                with_comments=False,
            ).groups[0],
        )
        for each in points[-12:]
    ]
    return results


def _results(
    user: User,
    survey: Survey,
    unit_code: str | None,
    period: str | None,
    band: tuple[str, str] | None,
    question: str | None,
    *,
    with_comments: bool = True,
) -> SurveyResults:
    scope = scope_for(user)
    if not _viewer_may_see(user, survey, scope):
        raise Http404("No such survey.")
    root = _viewer_root(scope, survey)
    asked = root
    if unit_code:
        asked = Unit.objects.filter(code=unit_code, path__startswith=root.path).first()  # type: ignore[assignment]
        if asked is None:
            raise Http404("No such unit.")
    headline = _headline(survey, question)
    metric = metric_of(survey, headline)
    periods = _periods(survey, root)
    if survey.audience == Audience.EMPLOYEE and not period and periods:
        period = periods[-1]
    where, period_label = _period_filter(survey, period)
    results = SurveyResults(
        survey=survey,
        question=headline.code,
        metric=metric,
        period=period_label,
        periods=periods,
        k=survey.min_group_size,
        k_comments=survey.min_comment_group_size,
    )
    units = list(Unit.objects.filter(path__startswith=root.path).order_by("path"))
    shown_units = [asked, *[unit for unit in units if unit.parent_id == asked.pk]]
    rows = _rows(survey, root, where, headline)
    results.bands = _band_values(rows)
    if survey.audience == Audience.EMPLOYEE:
        round_start = dt.date.fromisoformat(period_label) if period_label else None
        over = round_start is not None and rounds.round_is_over(survey, round_start)
        if band and not over:
            results.refusal = _(
                "Results by band are shown once the round is over: while it is open, answers "
                "are released by unit, and a band could reveal a single new answer."
            )
            band = None
        slices = [ALL]
        if over:
            slices += [(key, value) for key, values in results.bands.items() for value in values]
        cells = _cells(rows, units, slices)
        figures = _publication("figures", survey.min_group_size, cells)
        comment_rules = _comment_rules(survey, cells, figures) if with_comments else None
    else:
        slices = [ALL, *([band] if band else [])]
        cells = _cells(rows, shown_units, slices)
        figures = Publication(dict.fromkeys(cells, Reason.VISIBLE))
        comment_rules = figures if with_comments else None
    slice_ = band or ALL
    for unit in shown_units:
        cell = (unit.path, *slice_)
        results.groups.append(
            _group(
                survey,
                unit,
                cells.get(cell, frozenset()),
                rows,
                figures,
                comment_rules,
                cell,
                metric,
                headline,
            )
        )
    shown = [
        (unit, g) for unit, g in zip(shown_units, results.groups, strict=True) if not g.suppressed
    ]
    if shown and not band:
        # Response rates count people (who answered), not answers: shown only beside a figure,
        # and not by band (the people of a band are not known to the invitations).
        rates = _response_rates(survey, [unit for unit, _g in shown], period_label)
        for unit, g in shown:
            g.response_rate = rates.get(unit.pk)
    return results


def _band_values(rows: Mapping[Any, _Row]) -> dict[str, list[str]]:
    found: dict[str, set[str]] = {}
    for row in rows.values():
        for key, value in row.bands.items():
            found.setdefault(key, set()).add(value)
    return {key: sorted(values) for key, values in sorted(found.items())}


def _group(
    survey: Survey,
    unit: Unit,
    members: frozenset[Hashable],
    rows: Mapping[Any, _Row],
    figures: Publication[Cell],
    comment_rules: Publication[Cell] | None,
    cell: Cell,
    metric: str,
    question: Question,
) -> GroupResult:
    group = GroupResult(unit_code=unit.code, unit_name=unit.name)
    confidential = survey.audience == Audience.EMPLOYEE
    if confidential and not figures.visible(cell):
        group.suppressed = True
        if figures.reason(cell) is Reason.DIFFERENCING:
            group.reason = _(
                "Hidden to protect confidentiality: it could be worked out from other figures."
            )
        else:
            group.reason = _(
                "Not enough answers to protect confidentiality (fewer than %(k)d)."
            ) % {"k": survey.min_group_size}
        return group
    values = [value for pk in members if (value := rows[pk].value) is not None]
    group.n = len(members)
    score = scores.score_for("csat" if metric == "favourable" else metric, values)
    if score is not None:
        group.score, group.ci_low, group.ci_high = (
            round(score.value, 1),
            round(score.low, 1),
            round(score.high, 1),
        )
    low, high = SCALES[question.kind]
    group.distribution = scores.distribution(values, low, high)
    texts = [text for pk in members for text in rows[pk].comments]
    if comment_rules is None:
        group.comments = None  # a trend's point: figures only
    elif confidential and not comment_rules.visible(cell):
        group.comments = None
        group.comments_reason = _(
            "Comments are shown from %(k)d answers, to protect confidentiality."
        ) % {"k": survey.min_comment_group_size}
    else:
        group.comments = _shuffled(texts, f"{survey.pk}:{cell}:{survey.releases}")
    return group


def _customer_period(label: str | None) -> tuple[dt.date, dt.date] | None:
    """The days [first, after last) of a customer survey's period label (a month or a week)."""
    if label is None:
        return None
    week = re.fullmatch(r"(\d{4})-W(\d{2})", label)
    if week:
        monday = dt.date.fromisocalendar(int(week[1]), int(week[2]), 1)
        return monday, monday + dt.timedelta(days=7)
    first = dt.date.fromisoformat(f"{label}-01")
    return first, rounds._add_months(first, 1)


def _response_rates(
    survey: Survey, units: Sequence[Unit], period: str | None
) -> dict[int, float | None]:
    """Per unit: for employees, participation in the round (who answered, not what) over the
    people in the unit when the round began; for customers, the invitations of the period
    that were answered. A few queries for all the units."""

    def share(paths: Sequence[str], unit: Unit) -> int:
        return sum(1 for path in paths if path.startswith(unit.path))

    top = min((unit.path for unit in units), key=len)
    rates: dict[int, float | None] = {}
    if survey.audience == Audience.EMPLOYEE:
        if period is None:
            return rates
        start = dt.date.fromisoformat(period)
        answered = list(
            Participation.objects.filter(
                survey=survey, employee__unit__path__startswith=top, round_start=start
            ).values_list("employee__unit__path", flat=True)
        )
        staff = list(
            Employee.objects.filter(unit__path__startswith=top)
            .active_on(start)
            .values_list("unit__path", flat=True)
        )
        for unit in units:
            people, participants = share(staff, unit), share(answered, unit)
            # No participation recorded (answers imported from elsewhere): the rate is unknown,
            # not nought.
            known = people and participants
            rates[unit.pk] = round(100 * participants / people, 1) if known else None
        return rates
    invitations = Invitation.objects.filter(survey=survey, unit__path__startswith=top)
    days = _customer_period(period)
    if days is not None:
        invitations = invitations.filter(
            created_at__date__gte=days[0], created_at__date__lt=days[1]
        )
    sent = list(invitations.values_list("unit__path", "used"))
    for unit in units:
        invited = [used for path, used in sent if path.startswith(unit.path)]
        rates[unit.pk] = round(100 * sum(invited) / len(invited), 1) if invited else None
    return rates
