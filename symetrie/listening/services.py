"""Every write of the listening engine: surveys and their versioned questions, thresholds (locked
when a survey opens, every change audited), answers (validated against the questions, written
without any link to an employee in anonymous mode) and the release of held-back answers.

A refused write raises `ValidationError` naming the field (a question's code for an answer) and
changes nothing. No error message or log line built here holds both a person and an answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, PositiveIntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from symetrie.core.audience import Audience
from symetrie.customers.models import Customer
from symetrie.listening import rounds
from symetrie.listening.models import (
    KIND_AUDIENCES,
    MIN_GROUP_FLOOR,
    Answer,
    Confidentiality,
    ConfidentialLink,
    CustomerLink,
    Invitation,
    Participation,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyStatus,
    ThresholdChange,
)
from symetrie.org.models import Employee, Unit

LANGUAGES = ("fr", "en")


# ---------------------------------------------------------------- surveys and questions


@dataclass(frozen=True)
class QuestionSpec:
    """A question as the designer, the API and the imports describe it."""

    code: str
    kind: str
    text: Mapping[str, str]
    choices: Sequence[Mapping[str, Any]] = ()
    required: bool = False

    def as_fields(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": dict(self.text),
            "choices": [dict(choice) for choice in self.choices],
            "required": self.required,
        }


def _check_texts(texts: Mapping[str, str], languages: Sequence[str], field: str) -> None:
    for language in languages:
        if not str(texts.get(language) or "").strip():
            raise ValidationError(
                {field: _("Give the text in %(language)s.") % {"language": language}}
            )


def _check_question(spec: QuestionSpec, languages: Sequence[str]) -> None:
    where = f"questions.{spec.code}"
    if spec.kind not in QuestionKind.values:
        raise ValidationError(
            {where: _("Unknown kind of question “%(kind)s”.") % {"kind": spec.kind}}
        )
    Question(code=spec.code, kind=spec.kind).clean_fields(
        exclude=["survey", "text", "choices", "version", "position", "is_current", "required"]
    )
    _check_texts(spec.text, languages, where)
    if spec.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        codes = [str(choice.get("code", "")) for choice in spec.choices]
        if len(codes) < 2 or any(not code for code in codes) or len(set(codes)) != len(codes):
            raise ValidationError(
                {where: _("A choice question needs at least two choices with distinct codes.")}
            )
        for choice in spec.choices:
            _check_texts(choice.get("label", {}), languages, f"{where}.choices.{choice['code']}")
    elif spec.choices:
        raise ValidationError({where: _("Only choice questions have choices.")})


@transaction.atomic
def survey_create(
    *,
    external_id: str,
    audience: str,
    kind: str,
    title: Mapping[str, str],
    questions: Sequence[QuestionSpec],
    intro: Mapping[str, str] | None = None,
    languages: Sequence[str] = LANGUAGES,
    confidentiality: str | None = None,
    min_group_size: int | None = None,
    min_comment_group_size: int | None = None,
    unit: Unit | None = None,
    **options: Any,
) -> Survey:
    """Create a survey (a draft) with its questions. Employee surveys are anonymous unless said
    otherwise; customer surveys are identified. `options` are the other fields of `Survey`
    (cadence, trigger, cooldown_days, link_valid_days, reminder_after_days, max_reminders...)."""
    if audience not in Audience.values:
        raise ValidationError({"audience": _("Unknown audience.")})
    if kind not in KIND_AUDIENCES or audience not in KIND_AUDIENCES[kind]:
        raise ValidationError({"kind": _("This kind of survey is not for this audience.")})
    languages = [language for language in languages if language]
    if not languages or any(language not in LANGUAGES for language in languages):
        raise ValidationError(
            {"languages": _("Choose languages among French (fr) and English (en).")}
        )
    if confidentiality is None:
        confidentiality = (
            Confidentiality.ANONYMOUS
            if audience == Audience.EMPLOYEE
            else Confidentiality.IDENTIFIED
        )
    if (audience == Audience.CUSTOMER) != (confidentiality == Confidentiality.IDENTIFIED):
        raise ValidationError(
            {
                "confidentiality": _(
                    "Customer surveys are identified; employee surveys are anonymous or "
                    "confidential."
                )
            }
        )
    _check_texts(title, languages, "title")
    if not questions:
        raise ValidationError({"questions": _("A survey needs at least one question.")})
    codes = [spec.code for spec in questions]
    if len(set(codes)) != len(codes):
        raise ValidationError({"questions": _("Each question needs its own code.")})
    for spec in questions:
        _check_question(spec, languages)
    survey = Survey(
        external_id=external_id,
        audience=audience,
        kind=kind,
        title=dict(title),
        intro=dict(intro or {}),
        languages=list(languages),
        confidentiality=confidentiality,
        unit=unit,
        **options,
    )
    if min_group_size is not None:
        survey.min_group_size = min_group_size
    if min_comment_group_size is not None:
        survey.min_comment_group_size = min_comment_group_size
    _check_thresholds(survey.min_group_size, survey.min_comment_group_size)
    survey.full_clean(exclude=["unit"])
    survey.save()
    Question.objects.bulk_create(
        Question(survey=survey, code=spec.code, position=position, **spec.as_fields())
        for position, spec in enumerate(questions)
    )
    return survey


def _check_thresholds(k: int, k_comments: int) -> None:
    if k < MIN_GROUP_FLOOR:
        raise ValidationError(
            {"min_group_size": _("Never below %(floor)d.") % {"floor": MIN_GROUP_FLOOR}}
        )
    if k_comments < k:
        raise ValidationError(
            {"min_comment_group_size": _("Comments need at least as many answers as results do.")}
        )


@transaction.atomic
def survey_questions_set(*, survey: Survey, questions: Sequence[QuestionSpec]) -> list[Question]:
    """Replace the survey's questions. A question that already has answers is never edited:
    a change makes a new version with the same code (results by code stay comparable), and a
    question left out is retired. One without answers is edited in place."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError({"questions": _("This survey is closed.")})
    codes = [spec.code for spec in questions]
    if not questions or len(set(codes)) != len(codes):
        raise ValidationError({"questions": _("Each question needs its own code.")})
    for spec in questions:
        _check_question(spec, survey.languages)
    current = {question.code: question for question in survey.questions.current()}
    answered = set(
        Answer.objects.filter(question__in=current.values()).values_list("question_id", flat=True)
    )
    for code, question in current.items():
        if code not in codes:
            if question.pk in answered:
                question.is_current = False
                question.save(update_fields=["is_current"])
            else:
                question.delete()
    result = []
    for position, spec in enumerate(questions):
        fields = spec.as_fields()
        existing = current.get(spec.code)
        if existing is None:
            latest = survey.questions.filter(code=spec.code).order_by("-version").first()
            version = latest.version + 1 if latest else 1
            result.append(
                Question.objects.create(
                    survey=survey, code=spec.code, version=version, position=position, **fields
                )
            )
            continue
        question = existing
        unchanged = all(getattr(question, name) == value for name, value in fields.items())
        if unchanged or question.pk not in answered:
            for name, value in fields.items():
                setattr(question, name, value)
            question.position = position
            question.save()
            result.append(question)
            continue
        question.is_current = False
        question.save(update_fields=["is_current"])
        result.append(
            Question.objects.create(
                survey=survey,
                code=spec.code,
                version=question.version + 1,
                position=position,
                **fields,
            )
        )
    return result


@transaction.atomic
def survey_thresholds_set(
    *,
    survey: Survey,
    actor: Any,
    min_group_size: int,
    min_comment_group_size: int,
    reason: str = "",
) -> Survey:
    """Change the thresholds of a survey not yet open; every change is audited. Once the survey
    opens they are locked: a figure published under one threshold never moves to another."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.thresholds_locked:
        raise ValidationError(
            {"min_group_size": _("The thresholds are locked: the survey has opened.")}
        )
    _check_thresholds(min_group_size, min_comment_group_size)
    for name, value in (
        ("min_group_size", min_group_size),
        ("min_comment_group_size", min_comment_group_size),
    ):
        old = getattr(survey, name)
        if old != value:
            ThresholdChange.objects.create(
                survey=survey,
                field=name,
                old_value=old,
                new_value=value,
                changed_by=actor if getattr(actor, "is_authenticated", False) else None,
                reason=reason.strip(),
            )
            setattr(survey, name, value)
    survey.save(update_fields=["min_group_size", "min_comment_group_size"])
    return survey


@transaction.atomic
def survey_open(*, survey: Survey, at: dt.datetime | None = None) -> Survey:
    """Open a draft survey: it takes answers, and its thresholds lock."""
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if locked.status != SurveyStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft survey can be opened.")})
    # The caller's instance follows too, so that it can be used straight away.
    for instance in (locked, survey):
        instance.status = SurveyStatus.OPEN
        instance.opened_at = at or timezone.now()
    locked.save(update_fields=["status", "opened_at"])
    return locked


@transaction.atomic
def survey_close(*, survey: Survey, at: dt.datetime | None = None) -> Survey:
    """Close a survey: no more answers; what was held back is released as far as the rule of
    steps of k allows (see `releases_catch_up`)."""
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if locked.status != SurveyStatus.OPEN:
        raise ValidationError({"status": _("Only an open survey can be closed.")})
    for instance in (locked, survey):
        instance.status = SurveyStatus.CLOSED
        instance.closed_at = at or timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    _release_round_leftovers(locked, rounds_before=None)
    return locked


# ---------------------------------------------------------------- answers


@dataclass
class Submission:
    """One person's answers, as the answer page, the API or an import hand them over."""

    answers: Mapping[str, Any]
    language: str = "fr"
    bands: Mapping[str, str] = field(default_factory=dict)
    # Confidential mode only: the employee asks HR to contact them.
    contact_requested: bool = False
    contact_note: str = ""


def external_key_for(survey: Survey, external_id: str) -> str:
    """The key an imported answer is kept under: as is for customer surveys; for employee ones
    a keyed hash, so re-runs stay idempotent with no way back to the source's record."""
    if not external_id or survey.audience == Audience.CUSTOMER:
        return external_id
    key = f"{settings.SECRET_KEY}:listening:{survey.external_id}".encode()
    return hmac.new(key, external_id.encode(), hashlib.sha256).hexdigest()


class AnswerValue(NamedTuple):
    """One answer, validated: what its `Answer` row stores."""

    question: Question
    code: str
    number: int | None
    choices: list[str]
    text: str


def answers_clean(by_code: Mapping[str, Question], answers: Mapping[str, Any]) -> list[AnswerValue]:
    """Validate one person's answers against the survey's current questions (`by_code`): the one
    place the rules live, for the answer page, the API and the bulk import alike. Raises
    `ValidationError` naming the question's code."""
    unknown = sorted(set(answers) - set(by_code))
    if unknown:
        raise ValidationError({unknown[0]: _("This survey has no such question.")})
    cleaned = []
    for code, question in by_code.items():
        value = answers.get(code)
        empty = value is None or value == "" or value == []
        if empty:
            if question.required:
                raise ValidationError({code: _("This question needs an answer.")})
            continue
        number: int | None = None
        choices: list[str] = []
        text = ""
        scale = question.scale
        if scale is not None:
            try:
                number = int(str(value).strip())
            except ValueError:
                raise ValidationError({code: _("Give a whole number.")}) from None
            if not scale[0] <= number <= scale[1]:
                raise ValidationError(
                    {
                        code: _("Give a number from %(low)d to %(high)d.")
                        % {"low": scale[0], "high": scale[1]}
                    }
                )
        elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            allowed = {str(choice["code"]) for choice in question.choices}
            picked = [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
            if question.kind == QuestionKind.SINGLE and len(picked) != 1:
                raise ValidationError({code: _("Choose one answer.")})
            wrong = [v for v in picked if v not in allowed]
            if wrong:
                raise ValidationError(
                    {code: _("“%(value)s” is not one of the choices.") % {"value": wrong[0]}}
                )
            choices = sorted(set(picked))
        else:
            text = str(value).strip()
            if len(text) > 5000:
                raise ValidationError({code: _("Keep it under 5,000 characters.")})
        cleaned.append(AnswerValue(question, code, number, choices, text))
    if not cleaned:
        raise ValidationError({"answers": _("Answer at least one question.")})
    return cleaned


def _clean_answers(questions: Iterable[Question], answers: Mapping[str, Any]) -> list[Answer]:
    return [
        Answer(question=v.question, code=v.code, number=v.number, choices=v.choices, text=v.text)
        for v in answers_clean({question.code: question for question in questions}, answers)
    ]


def bands_clean(bands: Mapping[str, str]) -> dict[str, str]:
    """Demographics as bands only (a name ending in _band), each cut to 32 characters."""
    out = {}
    for key, value in bands.items():
        if not key.endswith("_band"):
            raise ValidationError(
                {key: _("Demographics are kept only as bands (a name ending in _band).")}
            )
        if value not in (None, ""):
            out[key] = str(value)[:32]
    return out


@transaction.atomic
def response_record(
    *,
    survey: Survey,
    unit: Unit,
    submission: Submission,
    answered_at: dt.datetime | None = None,
    customer: Customer | None = None,
    employee: Employee | None = None,
    invitation: Invitation | None = None,
    external_id: str = "",
) -> Response:
    """Record one person's answers. For an employee survey the answer row gets nothing that
    leads to the person: `employee` only marks participation (and, in confidential mode, the
    separate link HR may read). The answer is held back until its unit has k new ones."""
    if survey.status != SurveyStatus.OPEN:
        raise ValidationError({"survey": _("This survey is not open.")})
    if survey.audience == Audience.CUSTOMER and employee is not None:
        raise ValidationError({"employee": _("A customer survey is answered by customers.")})
    if survey.audience == Audience.EMPLOYEE and customer is not None:
        raise ValidationError({"customer": _("An employee survey is answered by employees.")})
    language = (
        submission.language if submission.language in survey.languages else survey.languages[0]
    )
    answers = _clean_answers(survey.questions.current(), submission.answers)
    bands = bands_clean(submission.bands)
    moment = answered_at or timezone.now()
    day = timezone.localdate(moment)
    round_start = rounds.round_start(survey, day)
    if employee is not None and survey.audience == Audience.EMPLOYEE:
        _participation, created = Participation.objects.get_or_create(
            survey=survey, employee=employee, round_start=round_start
        )
        if not created:
            raise ValidationError({"survey": _("You have already answered this round.")})
    response = Response.objects.create(
        survey=survey,
        unit=unit,
        language=language,
        round_start=round_start,
        answered_on=day,
        bands=bands,
        external_key=external_key_for(survey, external_id),
        release=0 if survey.audience == Audience.CUSTOMER else None,
        release_unit=unit if survey.audience == Audience.CUSTOMER else None,
    )
    for answer in answers:
        answer.response = response
    Answer.objects.bulk_create(answers)
    if customer is not None:
        CustomerLink.objects.create(
            response=response, customer=customer, invitation=invitation, answered_at=moment
        )
    if employee is not None and survey.confidentiality == Confidentiality.CONFIDENTIAL:
        ConfidentialLink.objects.create(
            response=response,
            employee=employee,
            contact_requested=submission.contact_requested,
            contact_note=submission.contact_note.strip() if submission.contact_requested else "",
        )
    if response.release is None:
        _release_if_ready(survey, unit, round_start)
    return response


# ---------------------------------------------------------------- releases


def _next_release(survey: Survey, count: int = 1) -> int:
    """Reserve `count` release numbers of the survey; returns the last one."""
    Survey.objects.filter(pk=survey.pk).update(releases=F("releases") + count)
    return Survey.objects.values_list("releases", flat=True).get(pk=survey.pk)


def responses_release_ready(*, survey: Survey, groups: Collection[tuple[int, dt.date]]) -> int:
    """The release rule, for any number of (unit id, round start) groups at once: a group that
    holds back at least k answers releases them k at a time — the largest multiple of k of
    them, oldest first, together under one release number; the rest waits for more. Every
    figure that counts the unit then moves by k or more at once. As answers come one by one
    (the answer page) a group releases each time it reaches k; an import hands a whole batch's
    groups over in one call. Returns how many answers were released."""
    if not groups:
        return 0
    k = survey.min_group_size
    wanted = set(groups)
    pending: dict[tuple[int, dt.date], list[Any]] = {}
    for pk, unit_id, start in (
        Response.objects.filter(
            survey=survey,
            release__isnull=True,
            is_complete=True,
            unit_id__in={unit_id for unit_id, _start in wanted},
            round_start__in={start for _unit_id, start in wanted},
        )
        .order_by("answered_on", "pk")
        .values_list("pk", "unit_id", "round_start")
    ):
        if (unit_id, start) in wanted:
            pending.setdefault((unit_id, start), []).append(pk)
    ready = sorted(
        (start, unit_id, members[: len(members) // k * k])
        for (unit_id, start), members in pending.items()
        if len(members) >= k
    )
    if not ready:
        return 0
    # One statement for the whole set: each group's number by a CASE on (unit, round).
    last = _next_release(survey, len(ready))
    number = Case(
        *(
            When(unit_id=unit_id, round_start=start, then=Value(last - len(ready) + index))
            for index, (start, unit_id, _members) in enumerate(ready, start=1)
        ),
        output_field=PositiveIntegerField(),
    )
    ids = [pk for _start, _unit_id, members in ready for pk in members]
    for first in range(0, len(ids), _IDS_PER_STATEMENT):
        Response.objects.filter(pk__in=ids[first : first + _IDS_PER_STATEMENT]).update(
            release=number, release_unit_id=F("unit_id")
        )
    return len(ids)


# Bound parameters per statement (SQLite's limit is 32 766 since 3.32).
_IDS_PER_STATEMENT = 10_000


def _release_if_ready(survey: Survey, unit: Unit, round_start: dt.date) -> None:
    """Release the unit's held-back answers of the round once there are k of them."""
    responses_release_ready(survey=survey, groups=[(unit.pk, round_start)])


def _release_round_leftovers(survey: Survey, *, rounds_before: dt.date | None) -> None:
    """At the end of a round (or of the survey), pool what each unit still holds back into its
    parent, bottom-up, and release a pool wherever it reaches k: the answers then count from
    that unit up. What is still under k at the top stays held back for good — releasing it
    would move a figure by fewer than k answers."""
    pending = Response.objects.filter(survey=survey, release__isnull=True, is_complete=True)
    if rounds_before is not None:
        pending = pending.filter(round_start__lt=rounds_before)
    rows = list(pending.values_list("pk", "round_start", "unit_id", "unit__path"))
    if not rows:
        return
    units = {u.pk: u for u in Unit.objects.filter(pk__in={r[2] for r in rows})}
    ancestors = _ancestor_chains(units.values())
    k = survey.min_group_size
    by_round: dict[dt.date, dict[int, list[Any]]] = {}
    for pk, round_start, unit_id, _path in rows:
        by_round.setdefault(round_start, {}).setdefault(unit_id, []).append(pk)
    for pools in by_round.values():
        # Deepest units first, so that a pool moves up one level at a time.
        depth = {unit_id: len(chain) for unit_id, chain in ancestors.items()}
        pools = dict(pools)
        while pools:
            unit_id = max(pools, key=lambda u: depth.get(u, 0))
            members = pools.pop(unit_id)
            if len(members) >= k:
                Response.objects.filter(pk__in=members).update(
                    release=_next_release(survey), release_unit_id=unit_id
                )
                continue
            chain = ancestors.get(unit_id, [])
            if not chain:
                continue  # the top: held back for good
            parent = chain[-1]
            depth.setdefault(parent, len(chain) - 1)
            ancestors.setdefault(parent, chain[:-1])
            pools.setdefault(parent, []).extend(members)


def _ancestor_chains(units: Iterable[Unit]) -> dict[int, list[int]]:
    """For each unit, the ids of its ancestors, root first."""
    units = list(units)
    paths = {path for unit in units for path in unit.ancestor_paths()}
    by_path = dict(Unit.objects.filter(path__in=paths).values_list("path", "pk"))
    return {unit.pk: [by_path[path] for path in unit.ancestor_paths()] for unit in units}


def releases_catch_up(*, survey: Survey, today: dt.date | None = None, force: bool = False) -> None:
    """Release the leftovers of the rounds that have ended (run before reading results, and
    by imports with `force`, since they may bring answers to rounds already pooled). Once a
    round's leftovers are pooled, a read returns at once: no lock, no write."""
    if survey.audience == Audience.CUSTOMER:
        return
    cutoff = rounds.round_start(survey, today or timezone.localdate())
    if not force and survey.pooled_until is not None and survey.pooled_until >= cutoff:
        return
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if not force and locked.pooled_until is not None and locked.pooled_until >= cutoff:
            return
        _release_round_leftovers(locked, rounds_before=cutoff)
        Survey.objects.filter(pk=survey.pk).update(pooled_until=cutoff)
        survey.pooled_until = cutoff
