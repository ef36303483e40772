"""Bulk writes of the listening engine: a batch of imported answers, written set-based.

The rules are those of `services.response_record`, from the same functions: the answers are
validated by `services.answers_clean` against the survey's current questions, the bands by
`services.bands_clean`, the round by `rounds.round_start`, the key of an employee's answer is
`services.external_key_for` (a keyed hash); a customer's answer is released at once (release 0,
counted for its unit), an employee's is held back and released by
`services.responses_release_ready`, once per batch for every (unit, round) the batch touched.
No import links an answer to an employee: no `Participation`, no `ConfidentialLink`.

Imported answers are history: they open no closed-loop follow-up case
(`closed_loop.follow_up` belongs to the answer page, `answering`), whatever their score.

A batch, in the caller's transaction:

1. the references are read once (surveys and their current questions, units by code,
   customers by external id, the responses the batch's keys already have, with their answers),
   and each row is checked in Python: an unknown survey, unit or customer, a wrong answer, a
   closed survey is rejected naming the field;
2. a row whose key exists is unchanged when it says what is stored (same unit, day, language,
   bands, customer and answers by code); otherwise its answers are replaced if it is still held
   back, and it is rejected if already released (a published figure never moves);
3. the new responses are written set-based: on PostgreSQL a binary `COPY` into a staging table
   then `INSERT ... SELECT ... ON CONFLICT (survey, external_key) DO NOTHING RETURNING id`, and
   their answers and customer links (fresh ids: nothing to conflict with) by `COPY` straight
   into their tables; on SQLite one `executemany` per table. A key inserted meanwhile by
   another writer is left to that writer (counted unchanged; a re-run compares it);
4. the release rule runs for the batch's groups.

The import calls `services.releases_catch_up` once per survey at its end (`finish`): the
rounds that are over pool their leftovers, as the periodic task would.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from symetrie.core.audience import Audience
from symetrie.core.importing import BatchResult, Line
from symetrie.customers.models import Customer
from symetrie.listening import rounds, services
from symetrie.listening.models import (
    Answer,
    CustomerLink,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyStatus,
)
from symetrie.listening.services import AnswerValue
from symetrie.org.models import Unit


class ResponseRecord(NamedTuple):
    survey_external_id: str
    external_id: str
    unit_code: str
    answered_at: dt.datetime
    language: str
    customer_external_id: str | None
    answers: dict[str, Any]
    bands: dict[str, str]


_UNSET = uuid.UUID(int=0)


@dataclass
class _Row:
    """A checked row, ready to be written."""

    line: Line[ResponseRecord]
    survey: Survey
    key: str
    unit_id: int
    language: str
    answered_at: dt.datetime
    answered_on: dt.date
    round_start: dt.date
    bands: dict[str, str]
    customer_id: int | None
    answers: list[AnswerValue]
    id: uuid.UUID = _UNSET  # set when written, or the existing response's


class _Stored(NamedTuple):
    id: uuid.UUID
    unit_id: int
    language: str
    answered_on: dt.date
    bands: dict[str, str]
    release: int | None
    customer_id: int | None
    answers: dict[str, tuple[int | None, list[str], str]]


def multiple(value: Any) -> Any:
    """A multiple choice as imported: codes separated by `|` (or already a list)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split("|") if part.strip()]
    return value


def response_record_many(lines: Sequence[Line[ResponseRecord]]) -> BatchResult:
    """Record a batch of imported answers (see the module's docstring): its counts and rejects."""
    result = BatchResult()
    records = [line.record for line in lines]
    surveys = {
        s.external_id: s
        for s in Survey.objects.filter(external_id__in={r.survey_external_id for r in records})
    }
    questions: dict[int, dict[str, Question]] = {s.pk: {} for s in surveys.values()}
    for question in Question.objects.filter(survey__in=surveys.values()).current():
        questions[question.survey_id][question.code] = question
    units = dict(
        Unit.objects.filter(code__in={r.unit_code for r in records}).values_list("code", "pk")
    )
    customers = dict(
        Customer.objects.filter(
            external_id__in={r.customer_external_id for r in records if r.customer_external_id}
        ).values_list("external_id", "pk")
    )
    keys = [
        services.external_key_for(survey, r.external_id)
        if (survey := surveys.get(r.survey_external_id)) is not None
        else ""
        for r in records
    ]
    stored = _stored(surveys.values(), keys)
    rounds_of: dict[tuple[int, dt.date], dt.date] = {}
    new: list[_Row] = []
    changed: list[_Row] = []
    for line, key in zip(lines, keys, strict=True):
        record = line.record
        survey = surveys.get(record.survey_external_id)
        if survey is None:
            reason = _("unknown survey “%(value)s”") % {"value": record.survey_external_id}
            result.reject(line, "survey_external_id", reason)
            continue
        unit_id = units.get(record.unit_code)
        if unit_id is None:
            reason = _("unknown unit “%(value)s”") % {"value": record.unit_code}
            result.reject(line, "unit_code", reason)
            continue
        customer_id = None
        if record.customer_external_id:
            if survey.audience != Audience.CUSTOMER:
                reason = _("an employee survey is answered by employees")
                result.reject(line, "customer_external_id", reason)
                continue
            customer_id = customers.get(record.customer_external_id)
            if customer_id is None:
                reason = _("unknown customer “%(value)s”") % {"value": record.customer_external_id}
                result.reject(line, "customer_external_id", reason)
                continue
        by_code = questions[survey.pk]
        unknown = sorted(set(record.answers) - set(by_code))
        if unknown:
            reason = _("unknown question “%(value)s”") % {"value": unknown[0]}
            result.reject(line, unknown[0], reason)
            continue
        existing = stored.get((survey.pk, key))
        if existing is None and survey.status != SurveyStatus.OPEN:
            result.reject(line, "survey_external_id", _("This survey is not open."))
            continue
        answers = {
            code: multiple(value) if by_code[code].kind == QuestionKind.MULTIPLE else value
            for code, value in record.answers.items()
        }
        try:
            values = services.answers_clean(by_code, answers)
            bands = services.bands_clean(record.bands)
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            result.reject(line, "" if field == "__all__" else field, messages[0])
            continue
        language = record.language or survey.languages[0]
        if language not in survey.languages:
            language = survey.languages[0]
        day = timezone.localdate(record.answered_at)
        round_start = rounds_of.get((survey.pk, day))
        if round_start is None:
            round_start = rounds_of[survey.pk, day] = rounds.round_start(survey, day)
        row = _Row(
            line, survey, key, unit_id, language, record.answered_at, day, round_start, bands,
            customer_id, values,
        )  # fmt: skip
        if existing is None:
            new.append(row)
        elif _same(existing, row):
            result.counts.unchanged += 1
        elif existing.release is not None:
            reason = _("already released: answers can no longer change")
            result.reject(line, "external_id", reason)
        elif survey.status != SurveyStatus.OPEN:
            result.reject(line, "survey_external_id", _("This survey is not open."))
        else:
            row.id = existing.id
            changed.append(row)
    created = _insert(new) if new else []
    _update(changed)
    result.counts.created += len(created)
    result.counts.unchanged += len(new) - len(created)
    result.counts.updated += len(changed)
    groups: dict[int, set[tuple[int, dt.date]]] = {}
    for row in (*created, *changed):
        if row.survey.audience == Audience.EMPLOYEE:
            groups.setdefault(row.survey.pk, set()).add((row.unit_id, row.round_start))
    by_pk = {survey.pk: survey for survey in surveys.values()}
    for survey_pk, survey_groups in groups.items():
        services.responses_release_ready(survey=by_pk[survey_pk], groups=survey_groups)
    return result


def _stored(surveys: Iterable[Survey], keys: Sequence[str]) -> dict[tuple[int, str], _Stored]:
    """What the batch's keys have already, by (survey, key)."""
    wanted = {key for key in keys if key}
    if not wanted:
        return {}
    rows = list(
        Response.objects.filter(survey__in=list(surveys), external_key__in=wanted).values_list(
            "survey_id",
            "external_key",
            "id",
            "unit_id",
            "language",
            "answered_on",
            "bands",
            "release",
            "customer_link__customer_id",
        )
    )
    if not rows:
        return {}
    answers: dict[uuid.UUID, dict[str, tuple[int | None, list[str], str]]] = {}
    for response_id, code, number, choices, text in Answer.objects.filter(
        response_id__in=[row[2] for row in rows]
    ).values_list("response_id", "code", "number", "choices", "text"):
        answers.setdefault(response_id, {})[code] = (number, choices, text)
    return {
        (survey, key): _Stored(
            pk, unit, language, day, bands, release, customer, answers.get(pk, {})
        )
        for survey, key, pk, unit, language, day, bands, release, customer in rows
    }


def _same(stored: _Stored, row: _Row) -> bool:
    return (
        stored.unit_id == row.unit_id
        and stored.language == row.language
        and stored.answered_on == row.answered_on
        and stored.bands == row.bands
        and stored.customer_id == row.customer_id
        and stored.answers == {a.code: (a.number, a.choices, a.text) for a in row.answers}
    )


def _update(rows: Sequence[_Row]) -> None:
    """Replace what held-back answers say (rare: a corrected file)."""
    if not rows:
        return
    ids = [row.id for row in rows]
    Answer.objects.filter(response_id__in=ids).delete()
    responses = [
        Response(
            id=row.id,
            unit_id=row.unit_id,
            language=row.language,
            answered_on=row.answered_on,
            round_start=row.round_start,
            bands=row.bands,
        )
        for row in rows
    ]
    Response.objects.bulk_update(
        responses, ["unit", "language", "answered_on", "round_start", "bands"]
    )
    Answer.objects.bulk_create(
        Answer(
            response_id=row.id,
            question=a.question,
            code=a.code,
            number=a.number,
            choices=a.choices,
            text=a.text,
        )
        for row in rows
        for a in row.answers
    )


def _insert(rows: list[_Row]) -> list[_Row]:
    """Write new responses with their answers and customer links; returns the rows written."""
    for row in rows:
        row.id = uuid.uuid4()
    if connection.vendor == "postgresql":
        return _insert_postgres(rows)
    return _insert_sqlite(rows)


_RESPONSE_FIELDS = (
    "id", "survey", "unit", "language", "round_start", "answered_on", "bands", "external_key",
    "release", "release_unit", "is_complete",
)  # fmt: skip
_ANSWER_FIELDS = ("id", "response", "question", "code", "number", "choices", "text")
_LINK_FIELDS = ("response", "customer", "answered_at")


def _response_values(row: _Row) -> tuple[Any, ...]:
    customer = row.survey.audience == Audience.CUSTOMER
    return (
        row.id, row.survey.pk, row.unit_id, row.language, row.round_start, row.answered_on,
        row.bands, row.key, 0 if customer else None, row.unit_id if customer else None, True,
    )  # fmt: skip


def _columns(model: type[Any], names: Sequence[str]) -> tuple[list[str], list[str]]:
    """The quoted columns of `names`, and their database types (without modifiers)."""
    fields = [model._meta.get_field(name) for name in names]
    q = connection.ops.quote_name
    return [q(f.column) for f in fields], [str(f.db_type(connection)).split("(")[0] for f in fields]


def _insert_postgres(rows: list[_Row]) -> list[_Row]:
    table = connection.ops.quote_name(Response._meta.db_table)
    columns, types = _columns(Response, _RESPONSE_FIELDS)
    listed = ", ".join(columns)
    with connection.cursor() as cursor:
        # Dropped with the batch's transaction; a batch nested in an outer one (a test, the
        # bulk API) drops the one before first.
        cursor.execute("DROP TABLE IF EXISTS pg_temp.stage_listening_response")
        cursor.execute(
            f"CREATE TEMPORARY TABLE stage_listening_response (LIKE {table}) ON COMMIT DROP"
        )
        with cursor.copy(
            f"COPY pg_temp.stage_listening_response ({listed}) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(_response_values(row))
        key = connection.ops.quote_name("external_key")
        cursor.execute(
            f"INSERT INTO {table} ({listed}) SELECT {listed} FROM pg_temp.stage_listening_response "
            f"ON CONFLICT ({connection.ops.quote_name('survey_id')}, {key}) "
            f"WHERE NOT ({key} = '') DO NOTHING RETURNING id"
        )
        inserted = {pk for (pk,) in cursor.fetchall()}
        if len(inserted) < len(rows):
            rows = [row for row in rows if row.id in inserted]
        _copy(cursor, Answer, _ANSWER_FIELDS, _answer_rows(rows))
        _copy(cursor, CustomerLink, _LINK_FIELDS, _link_rows(rows))
    return rows


def _copy(
    cursor: Any, model: type[Any], names: Sequence[str], values: Iterable[tuple[Any, ...]]
) -> None:
    columns, types = _columns(model, names)
    table = connection.ops.quote_name(model._meta.db_table)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        for value in values:
            copy.write_row(value)


def _answer_rows(rows: Iterable[_Row]) -> Iterable[tuple[Any, ...]]:
    for row in rows:
        for a in row.answers:
            yield (uuid.uuid4(), row.id, a.question.pk, a.code, a.number, a.choices, a.text)


def _link_rows(rows: Iterable[_Row]) -> Iterable[tuple[Any, ...]]:
    for row in rows:
        if row.customer_id is not None:
            yield (row.id, row.customer_id, row.answered_at)


def _insert_sqlite(rows: list[_Row]) -> list[_Row]:
    table = connection.ops.quote_name(Response._meta.db_table)
    columns, _types = _columns(Response, _RESPONSE_FIELDS)
    key = connection.ops.quote_name("external_key")
    dumps = json.dumps
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT ({connection.ops.quote_name('survey_id')}, {key}) "
            f"WHERE NOT ({key} = '') DO NOTHING",
            [_sqlite_response(row) for row in rows],
        )
        if cursor.rowcount < len(rows):
            # Another writer got some of the keys first: keep the rows that are ours.
            ids = [row.id.hex for row in rows]
            cursor.execute(
                f"SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(%s))",
                [dumps(ids)],
            )
            ours = {uuid.UUID(pk) for (pk,) in cursor.fetchall()}
            rows = [row for row in rows if row.id in ours]
        for model, names, values in (
            (
                Answer,
                _ANSWER_FIELDS,
                [
                    (pk.hex, response.hex, question, code, number, dumps(choices), text)
                    for pk, response, question, code, number, choices, text in _answer_rows(rows)
                ],
            ),
            (
                CustomerLink,
                _LINK_FIELDS,
                [
                    (response.hex, customer, _sqlite_datetime(at))
                    for response, customer, at in _link_rows(rows)
                ],
            ),
        ):
            if not values:
                continue
            columns, _types = _columns(model, names)
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
                f"({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                values,
            )
    return rows


def _sqlite_response(row: _Row) -> tuple[Any, ...]:
    """A response's values as Django stores them on SQLite (hex ids, ISO dates, JSON text)."""
    customer = row.survey.audience == Audience.CUSTOMER
    return (
        row.id.hex, row.survey.pk, row.unit_id, row.language,
        row.round_start.isoformat(), row.answered_on.isoformat(), json.dumps(row.bands), row.key,
        0 if customer else None, row.unit_id if customer else None, True,
    )  # fmt: skip


def _sqlite_datetime(value: dt.datetime) -> str:
    # As Django stores it on SQLite: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]".
    return value.astimezone(dt.UTC).isoformat(" ")[:-6]


def surveys_catch_up(external_ids: Iterable[str], today: dt.date | None = None) -> None:
    """At the end of an import: the rounds that are over release their leftovers."""
    surveys = Survey.objects.filter(external_id__in=list(external_ids), audience=Audience.EMPLOYEE)
    for survey in surveys.order_by("pk"):
        services.releases_catch_up(survey=survey, today=today, force=True)
