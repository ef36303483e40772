"""Import kinds of the listening engine: `surveys` and their answers, `responses`.

Import surveys first (and open them: answers are taken by open surveys only), then answers.
Both are idempotent: a re-run of the same file changes nothing.

`surveys` (JSON Lines, one survey a line) in the schema of the API's survey object:
external_id, audience, kind, title {"fr", "en"}, intro, languages, confidentiality,
min_group_size, min_comment_group_size, cadence, unit_code, status (draft | open | closed;
moves forward only), questions [{code, kind, text {"fr", "en"}, choices, required}]. An
existing survey is updated by its external id: its questions through
`services.survey_questions_set` (a question with answers gets a new version), its thresholds
through `services.survey_thresholds_set` (audited; refused once open).

`responses`: CSV with the columns survey_external_id, external_id, unit_code, answered_at,
language, then one column per question code (`nps`, `comment`...; a multiple choice as codes
separated by `|`), band columns (any column ending in `_band`) and, for customer surveys, an
optional customer_external_id; or JSON Lines with the same fields and an `answers` object (and
the bands as `*_band` fields or a `bands` object). A batch is written set-based by
`bulk.response_record_many` under the rules of `services.response_record` (the same functions
validate the answers and release them): validated against the survey's current questions,
customers' answers released at once, employees' held back until their unit has k of them in the
round; at the end of the import the rounds that are over release their leftovers
(`services.releases_catch_up`). The external id of an employee's answer is kept only as a keyed
hash (`services.external_key_for`). A re-run counts a row that says what is stored unchanged; a
changed row replaces the answers of a response still held back, and is rejected ("already
released") once the response counts in a figure.

Imported answers are history: they open no closed-loop follow-up case, whatever their score
(only the answer page does, through `closed_loop.follow_up`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from symetrie.core.importing import BatchResult, ImportKind, Line, RowError, register
from symetrie.core.importing.contract import text
from symetrie.customers.imports import moment
from symetrie.listening import bulk, designer, services
from symetrie.listening.bulk import ResponseRecord
from symetrie.listening.models import (
    Cadence,
    QuestionKind,
    Survey,
    SurveyStatus,
)
from symetrie.listening.services import QuestionSpec
from symetrie.org.models import Unit

CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
STATUS_ORDER = (SurveyStatus.DRAFT, SurveyStatus.OPEN, SurveyStatus.CLOSED)


# ---------------------------------------------------------------- surveys


class SurveyRecord(NamedTuple):
    external_id: str
    audience: str
    kind: str
    title: dict[str, str]
    intro: dict[str, str] | None  # None: absent, left as it is
    languages: list[str] | None  # None: absent (both languages for a new survey)
    confidentiality: str | None
    min_group_size: int | None
    min_comment_group_size: int | None
    cadence: str | None  # None: absent (one round for a new survey)
    unit_code: str | None
    status: str | None
    questions: tuple[QuestionSpec, ...]


def _texts(row: Mapping[str, Any], name: str, *, required: bool = False) -> dict[str, str]:
    value = row.get(name)
    if not value and not required:
        return {}
    if not isinstance(value, Mapping) or not value:
        raise RowError(name, _('is not an object of texts by language ({"fr": …, "en": …})'))
    return {str(k): str(v) for k, v in value.items() if v not in (None, "")}


def _whole(row: Mapping[str, Any], name: str) -> int | None:
    value = row.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise RowError(name, _("is not a whole number"))
    try:
        return int(value)
    except ValueError:
        raise RowError(name, _("“%(value)s” is not a whole number") % {"value": value}) from None


def _question(position: int, value: Any) -> QuestionSpec:
    where = f"questions.{position}"
    if not isinstance(value, Mapping):
        raise RowError(where, _("is not an object"))
    code = text(value, "code")
    if not code:
        raise RowError(f"{where}.code", _("is required"))
    if not CODE.fullmatch(code):
        raise RowError(
            f"{where}.code",
            _("“%(value)s”: use lower-case letters, digits and underscores, starting with a letter")
            % {"value": code},
        )
    kind = text(value, "kind")
    if kind not in QuestionKind.values:
        raise RowError(
            f"{where}.kind",
            _("“%(value)s” is not one of: %(allowed)s")
            % {"value": kind, "allowed": ", ".join(sorted(QuestionKind.values))},
        )
    choices = value.get("choices") or []
    if not isinstance(choices, list) or not all(
        isinstance(choice, Mapping) and isinstance(choice.get("label"), Mapping)
        for choice in choices
    ):
        raise RowError(f"{where}.choices", _('is not a list of {"code", "label"} objects'))
    required = value.get("required", False)
    if not isinstance(required, bool):
        raise RowError(f"{where}.required", _("is not true or false"))
    return QuestionSpec(
        code=code,
        kind=kind,
        text=_texts(value, "text", required=True),
        choices=tuple(
            {"code": str(choice.get("code", "")), "label": dict(choice["label"])}
            for choice in choices
        ),
        required=required,
    )


def survey_record_clean(row: Mapping[str, Any]) -> SurveyRecord:
    """One survey object, parsed (no database); raises RowError naming the field."""
    questions = row.get("questions")
    if not isinstance(questions, list) or not questions:
        raise RowError("questions", _("is not a list of questions"))
    languages = row.get("languages") or None
    if languages is not None and (
        not isinstance(languages, list) or not all(isinstance(x, str) for x in languages)
    ):
        raise RowError("languages", _("is not a list of languages"))
    status = text(row, "status") or None
    if status is not None and status not in STATUS_ORDER:
        raise RowError(
            "status",
            _("“%(value)s” is not one of: %(allowed)s")
            % {"value": status, "allowed": ", ".join(STATUS_ORDER)},
        )
    cadence = text(row, "cadence") or None
    if cadence is not None and cadence not in Cadence.values:
        raise RowError(
            "cadence",
            _("“%(value)s” is not one of: %(allowed)s")
            % {"value": cadence, "allowed": ", ".join(Cadence.values)},
        )
    return SurveyRecord(
        external_id=text(row, "external_id", required=True, max_length=64),
        audience=text(row, "audience", required=True),
        kind=text(row, "kind", required=True),
        title=_texts(row, "title", required=True),
        intro=_texts(row, "intro") if "intro" in row else None,
        languages=list(languages) if languages is not None else None,
        confidentiality=text(row, "confidentiality") or None,
        min_group_size=_whole(row, "min_group_size"),
        min_comment_group_size=_whole(row, "min_comment_group_size"),
        cadence=cadence,
        unit_code=text(row, "unit_code", max_length=32) or None,
        status=status,
        questions=tuple(_question(i, value) for i, value in enumerate(questions)),
    )


def _unit(code: str | None) -> Unit | None:
    if code is None:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise RowError("unit_code", _("unknown unit “%(value)s”") % {"value": code})
    return unit


def _same_questions(survey: Survey, specs: Sequence[QuestionSpec]) -> bool:
    current = list(survey.questions.current().order_by("position", "code"))
    return [(q.code, q.kind, q.text, q.choices, q.required) for q in current] == [
        (s.code, *s.as_fields().values()) for s in specs
    ]


def _move_status(survey: Survey, status: str | None) -> bool:
    """Open or close the survey as the record says; never backwards."""
    if status is None or status == survey.status:
        return False
    if STATUS_ORDER.index(status) < STATUS_ORDER.index(survey.status):
        raise RowError(
            "status",
            _("a survey %(now)s cannot go back to %(status)s")
            % {"now": survey.status, "status": status},
        )
    if survey.status == SurveyStatus.DRAFT:
        services.survey_open(survey=survey)
    if status == SurveyStatus.CLOSED:
        services.survey_close(survey=survey)
    return True


@transaction.atomic
def survey_write(record: SurveyRecord) -> tuple[Survey, str]:
    """Create or update one survey from its record: (survey, "created" | "updated" |
    "unchanged"). Raises RowError or ValidationError, having changed nothing."""
    unit = _unit(record.unit_code)
    survey = Survey.objects.filter(external_id=record.external_id).first()
    if survey is None:
        survey = services.survey_create(
            external_id=record.external_id,
            audience=record.audience,
            kind=record.kind,
            title=record.title,
            intro=record.intro,
            languages=record.languages or services.LANGUAGES,
            confidentiality=record.confidentiality,
            min_group_size=record.min_group_size,
            min_comment_group_size=record.min_comment_group_size,
            unit=unit,
            questions=record.questions,
            cadence=record.cadence or Cadence.NONE,
        )
        _move_status(survey, record.status)
        return survey, "created"
    for name in ("audience", "kind"):
        if getattr(record, name) != getattr(survey, name):
            raise RowError(name, _("cannot change once the survey exists"))
    if unit != survey.unit:
        raise RowError("unit_code", _("cannot change once the survey exists"))
    changed = False
    before = (survey.title, survey.intro, survey.languages, survey.confidentiality, survey.cadence)
    designer.survey_settings_set(
        survey=survey,
        title=record.title,
        intro=record.intro,
        languages=record.languages,
        confidentiality=record.confidentiality,
        cadence=record.cadence,
    )
    changed |= before != (
        survey.title, survey.intro, survey.languages, survey.confidentiality, survey.cadence
    )  # fmt: skip
    # Absent thresholds are left as they are (the designer may have raised them).
    k = record.min_group_size if record.min_group_size is not None else survey.min_group_size
    k_comments = (
        record.min_comment_group_size
        if record.min_comment_group_size is not None
        else max(survey.min_comment_group_size, k)
    )
    if (k, k_comments) != (survey.min_group_size, survey.min_comment_group_size):
        services.survey_thresholds_set(
            survey=survey,
            actor=None,
            min_group_size=k,
            min_comment_group_size=k_comments,
            reason=_("Import of the survey"),
        )
        changed = True
    if not _same_questions(survey, record.questions):
        services.survey_questions_set(survey=survey, questions=record.questions)
        changed = True
    survey.refresh_from_db()
    changed |= _move_status(survey, record.status)
    return survey, "updated" if changed else "unchanged"


def _reject_error(
    result: BatchResult,
    line: Line[Any],
    error: ValidationError,
    rename: Mapping[str, str] | None = None,
) -> None:
    if hasattr(error, "error_dict"):
        field, messages = next(iter(error.message_dict.items()))
        field = (rename or {}).get(field, field)
        result.reject(line, "" if field == "__all__" else field, messages[0])
    else:
        result.reject(line, "", error.messages[0])


@register
class SurveysKind(ImportKind[SurveyRecord]):
    name = "surveys"
    columns = (
        "external_id", "audience", "kind", "title", "intro", "languages", "confidentiality",
        "min_group_size", "min_comment_group_size", "cadence", "unit_code", "status",
        "questions",
    )  # fmt: skip
    required_columns = ("external_id", "audience", "kind", "title", "questions")
    key_column = "external_id"
    batch_size = 200

    def clean(self, row: Mapping[str, Any]) -> SurveyRecord:
        return survey_record_clean(row)

    def key(self, record: SurveyRecord) -> str:
        return record.external_id

    def write(self, lines: list[Line[SurveyRecord]]) -> BatchResult:
        result = BatchResult()
        for line in lines:
            try:
                _survey, outcome = survey_write(line.record)
            except RowError as error:
                result.reject(line, error.field, error.reason)
                continue
            except ValidationError as error:
                _reject_error(result, line, error)
                continue
            counts = result.counts
            setattr(counts, outcome, getattr(counts, outcome) + 1)
        return result


# ---------------------------------------------------------------- responses

BASE_COLUMNS = (
    "survey_external_id", "external_id", "unit_code", "answered_at", "language",
    "customer_external_id",
)  # fmt: skip


def _answers_and_bands(row: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    bands: dict[str, str] = {}
    answers: dict[str, Any] = {}
    given = row.get("answers")
    if given not in (None, ""):
        if not isinstance(given, Mapping):
            raise RowError("answers", _("is not an object of answers by question code"))
        answers.update(given)
    given_bands = row.get("bands")
    if given_bands not in (None, ""):
        if not isinstance(given_bands, Mapping):
            raise RowError("bands", _("is not an object of bands"))
        bands.update({str(k): str(v) for k, v in given_bands.items() if v not in (None, "")})
    for column, value in row.items():
        if column in BASE_COLUMNS or column in ("answers", "bands"):
            continue
        if column.endswith("_band"):
            if value not in (None, ""):
                bands[column] = str(value).strip()
        elif isinstance(value, str):
            if value.strip():
                answers[column] = value.strip()
        elif value is not None:
            answers[column] = value
    for name, band in bands.items():
        if not name.endswith("_band"):
            raise RowError(name, _("a band's name ends in _band"))
        if len(band) > 32:
            raise RowError(name, _("is too long (at most 32 characters)"))
    return answers, bands


@register
class ResponsesKind(ImportKind[ResponseRecord]):
    name = "responses"
    columns = (*BASE_COLUMNS, "answers")
    required_columns = ("survey_external_id", "external_id", "unit_code", "answered_at")
    key_column = "external_id"
    batch_size = 5000

    def __init__(self) -> None:
        self.tz = timezone.get_default_timezone()
        self.surveys: set[str] = set()  # the surveys named by the rows written so far

    def clean(self, row: Mapping[str, Any]) -> ResponseRecord:
        answered_at = moment(row, "answered_at", self.tz, required=True)
        language = text(row, "language").lower()
        if language and language not in services.LANGUAGES:
            raise RowError(
                "language",
                _("“%(value)s” is not one of: %(allowed)s")
                % {"value": language, "allowed": ", ".join(services.LANGUAGES)},
            )
        answers, bands = _answers_and_bands(row)
        if not answers:
            raise RowError("answers", _("no answer in this record"))
        return ResponseRecord(
            survey_external_id=text(row, "survey_external_id", required=True, max_length=64),
            external_id=text(row, "external_id", required=True, max_length=128),
            unit_code=text(row, "unit_code", required=True, max_length=32),
            answered_at=answered_at,
            language=language,
            customer_external_id=text(row, "customer_external_id", max_length=64) or None,
            answers=answers,
            bands=bands,
        )

    def key(self, record: ResponseRecord) -> str:
        # Shown in the duplicate's reject; " / " in both ids at once would only make a false
        # duplicate, never a lost or merged answer (the database key is the pair).
        return f"{record.survey_external_id} / {record.external_id}"

    def write(self, lines: list[Line[ResponseRecord]]) -> BatchResult:
        self.surveys.update(line.record.survey_external_id for line in lines)
        return bulk.response_record_many(lines)

    def finish(self) -> None:
        """The rounds that are over release their leftovers, once per survey."""
        bulk.surveys_catch_up(self.surveys)
