"""Survey endpoints: list, read, create (CX / EX leads), results under the confidentiality rules,
and bulk upserts of surveys and answers under the import contract.

A survey is named by its id. One outside the caller's view answers 404; creating needs an
org-wide lead (403 otherwise, as other writes of the API); a refused write answers 422 naming
the record and the field, and changes nothing. Results come from `results.survey_results_for`
only, the one place the confidentiality rules are applied: a suppressed group comes back with
`"suppressed": true`, its reason, and no figure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from symetrie.core.bulk import BulkOut, require_org_admin, run_bulk
from symetrie.core.importing import RowError
from symetrie.listening import designer, imports, results
from symetrie.listening.models import Question, Survey

router = Router(tags=["surveys"])


# ---------------------------------------------------------------- schemas


class ChoiceSchema(Schema):
    code: str
    label: dict[str, str]


class QuestionIn(Schema):
    code: str
    kind: str
    text: dict[str, str]
    choices: list[ChoiceSchema] = []
    required: bool = False


class QuestionOut(QuestionIn):
    version: int


class SurveyIn(Schema):
    external_id: str
    audience: str
    kind: str
    title: dict[str, str]
    intro: dict[str, str] = {}
    languages: list[str] = ["fr", "en"]
    confidentiality: str | None = None
    min_group_size: int | None = None
    min_comment_group_size: int | None = None
    cadence: str = "none"
    unit_code: str | None = None
    questions: list[QuestionIn]


class SurveyOut(Schema):
    id: int
    external_id: str
    audience: str
    kind: str
    title: dict[str, str]
    intro: dict[str, str]
    languages: list[str]
    confidentiality: str
    min_group_size: int
    min_comment_group_size: int
    cadence: str
    unit_code: str | None
    status: str
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    questions: list[QuestionOut]

    @staticmethod
    def resolve_unit_code(survey: Survey) -> str | None:
        return survey.unit.code if survey.unit is not None else None

    @staticmethod
    def resolve_questions(survey: Survey) -> list[Question]:
        found: list[Question] | None = getattr(survey, "current_questions", None)
        if found is None:
            found = list(survey.questions.current().order_by("position", "code"))
        return found


class GroupOut(Schema):
    unit: str
    unit_name: str
    suppressed: bool
    reason: str
    n: int | None
    score: float | None
    ci_low: float | None
    ci_high: float | None
    response_rate: float | None
    distribution: dict[str, int] | None
    comments: list[str] | None
    comments_reason: str


class TrendPointOut(GroupOut):
    period: str


class ResultsOut(Schema):
    survey: int
    question: str | None
    metric: str
    period: str | None
    unit: str | None
    band: str | None
    refusal: str | None
    groups: list[GroupOut]
    trend: list[TrendPointOut]


class FieldError(Schema):
    record: int | None
    field: str | None
    message: str


class ErrorsOut(Schema):
    detail: str
    errors: list[FieldError]


# ---------------------------------------------------------------- helpers


def _with_questions(surveys: QuerySet[Survey]) -> QuerySet[Survey]:
    return surveys.prefetch_related(
        Prefetch(
            "questions",
            queryset=Question.objects.current().order_by("position", "code"),
            to_attr="current_questions",
        )
    )


def _refused(field: str | None, message: str) -> dict[str, Any]:
    return {"detail": "refused", "errors": [{"record": None, "field": field, "message": message}]}


def _errors(error: ValidationError) -> dict[str, Any]:
    if hasattr(error, "error_dict"):
        errors = [
            {"record": None, "field": None if name == "__all__" else name, "message": message}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"record": None, "field": None, "message": m} for m in error.messages]
    return {"detail": "refused", "errors": errors}


def _group(group: Any, period: str | None = None) -> dict[str, Any]:
    """One group's object. A suppressed group carries no figure, whatever the results gave."""
    suppressed = bool(group.suppressed)
    shown = not suppressed
    out = {
        "unit": group.unit_code,
        "unit_name": group.unit_name,
        "suppressed": suppressed,
        "reason": group.reason or "",
        "n": group.n if shown else None,
        "score": group.score if shown else None,
        "ci_low": group.ci_low if shown else None,
        "ci_high": group.ci_high if shown else None,
        "response_rate": group.response_rate if shown else None,
        "distribution": dict(group.distribution) if shown and group.distribution else None,
        "comments": list(group.comments) if shown and group.comments is not None else None,
        "comments_reason": group.comments_reason or "",
    }
    if period is not None:
        out["period"] = period
    return out


# ---------------------------------------------------------------- surveys


@router.get("/surveys", response=list[SurveyOut])
@paginate(LimitOffsetPagination)
def surveys_list(
    request: HttpRequest,
    audience: str | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> Any:
    """Surveys the caller may see results of, newest first; `audience`, `kind`, `status`
    filter them."""
    surveys = designer.survey_list_visible_to(user=request.user)
    if audience:
        surveys = surveys.filter(audience=audience)
    if kind:
        surveys = surveys.filter(kind=kind)
    if status:
        surveys = surveys.filter(status=status)
    return _with_questions(surveys.order_by("-created_at", "-pk"))


@router.post("/surveys", response={200: SurveyOut, 422: ErrorsOut})
def surveys_create(request: HttpRequest, payload: SurveyIn) -> Any:
    """Create a survey (a draft), in the schema of the `surveys` import. CX / EX leads only."""
    if not designer.is_designer(request.user):
        raise HttpError(403, "creating surveys needs an org-wide CX / EX lead")
    body = payload.dict()
    if Survey.objects.filter(external_id=body["external_id"]).exists():
        return Status(
            422, _refused("external_id", f"a survey “{body['external_id']}” already exists")
        )
    try:
        record = imports.survey_record_clean(body)
        survey = imports.survey_write(record)[0]
    except RowError as error:
        return Status(422, _refused(error.field, error.reason))
    except ValidationError as error:
        return Status(422, _errors(error))
    return Status(200, _with_questions(Survey.objects.select_related("unit")).get(pk=survey.pk))


@router.post("/surveys/bulk", response=BulkOut)
def surveys_bulk(request: HttpRequest, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Create or update surveys by external id (records of the `surveys` import)."""
    require_org_admin(request, "listening.change_survey")
    return run_bulk("surveys", records)


@router.post("/survey_responses/bulk", response=BulkOut)
def survey_responses_bulk(request: HttpRequest, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Record answers, idempotent by survey and external id (records of the `responses`
    import, with an `answers` object)."""
    require_org_admin(request, "listening.add_response")
    return run_bulk("responses", records)


@router.get("/surveys/{id}", response=SurveyOut)
def surveys_read(request: HttpRequest, id: int) -> Survey:
    survey = designer.survey_get_visible_to(user=request.user, pk=id)
    return _with_questions(Survey.objects.select_related("unit")).get(pk=survey.pk)


@router.get("/surveys/{id}/results", response={200: ResultsOut, 422: ErrorsOut})
def surveys_results(
    request: HttpRequest,
    id: int,
    unit: str | None = None,
    period: str | None = None,
    band: str | None = None,
    question: str | None = None,
    trend: Literal["month", "week"] = "month",
) -> Any:
    """Scores with their 95 % intervals for the asked unit (`unit`: a unit code; the caller's
    top unit without it) then its children, and the trend. `period`: a round or a month
    (`2025-11`); `band`: a demographic band, `tenure_band:lt1y`; `question`: a question's code
    (the survey's headline metric without it); `trend`: `month` or `week` for a customer
    survey's trend (an employee survey's is by round). A group too small to protect confidentiality
    comes back suppressed, with its reason and no figure; a refused filter in `refusal`."""
    survey = designer.survey_get_visible_to(user=request.user, pk=id)
    try:
        band_filter = designer.parse_band(band)
    except ValueError:
        return Status(422, _refused("band", "use NAME_band:VALUE, e.g. tenure_band:lt1y"))
    found = results.survey_results_for(
        user=request.user,
        survey=survey,
        unit_code=unit or None,
        period=period or None,
        band=band_filter,
        question=question or None,
        trend=trend,
    )
    return Status(
        200,
        {
            "survey": survey.pk,
            "question": found.question,
            "metric": found.metric,
            "period": found.period,
            "unit": unit or None,
            "band": band or None,
            "refusal": found.refusal,
            "groups": [_group(group) for group in found.groups],
            "trend": [_group(group, period=label) for label, group in found.trend],
        },
    )
