"""The `surveys` and `responses` imports under the import contract: upsert by external id, a
re-run changes nothing, every reject named by line, field and reason, questions versioned,
employee answers held back until k and kept under a keyed hash of their source id."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from django.utils import translation

from symetrie.core.bulk import run_bulk
from symetrie.customers.services import customer_create
from symetrie.listening import services
from symetrie.listening.models import (
    Answer,
    CustomerLink,
    Question,
    Response,
    Survey,
    ThresholdChange,
)
from tests.core.imports_support import rejects_of, run_import, write

SURVEY = {
    "external_id": "IMP-NPS",
    "audience": "customer",
    "kind": "relationship_nps",
    "title": {"fr": "Votre avis", "en": "Your view"},
    "languages": ["fr", "en"],
    "cadence": "none",
    "questions": [
        {"code": "nps", "kind": "nps", "required": True,
         "text": {"fr": "Recommanderiez-vous ?", "en": "Would you recommend?"}},
        {"code": "comment", "kind": "text", "text": {"fr": "Pourquoi ?", "en": "Why?"}},
    ],
}  # fmt: skip
PULSE = {
    "external_id": "IMP-PULSE",
    "audience": "employee",
    "kind": "pulse",
    "title": {"fr": "Pouls", "en": "Pulse"},
    "min_group_size": 3,
    "min_comment_group_size": 3,
    "status": "open",
    "questions": [
        {"code": "enps", "kind": "nps", "required": True,
         "text": {"fr": "Recommanderiez-vous l'employeur ?", "en": "Recommend us?"}},
        {"code": "reason", "kind": "multiple_choice",
         "text": {"fr": "Pourquoi ?", "en": "Why?"},
         "choices": [{"code": "pay", "label": {"fr": "Salaire", "en": "Pay"}},
                     {"code": "team", "label": {"fr": "Équipe", "en": "Team"}}]},
    ],
}  # fmt: skip


def counts(result):
    return {k: result[k] for k in ("created", "updated", "unchanged", "rejected")}


def rejects(result):
    return [(r["record"], r["key"], r["field"], r["reason"]) for r in result["rejects"]]


def jsonl(path: Path, records) -> Path:
    return write(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


def current(survey_id: str) -> list[tuple[str, int, str]]:
    return list(
        Question.objects.filter(survey__external_id=survey_id, is_current=True)
        .order_by("position")
        .values_list("code", "version", "kind")
    )


# ---------------------------------------------------------------- surveys


def test_surveys_are_created_then_left_unchanged(org, tmp_path):
    path = jsonl(tmp_path / "surveys.jsonl", [SURVEY, PULSE])
    run = run_import("surveys", path, "--no-progress")
    assert (run.code, run.stdout.strip().splitlines()[-1]) == (
        0, "created 2, updated 0, unchanged 0, rejected 0",
    )  # fmt: skip
    nps = Survey.objects.get(external_id="IMP-NPS")
    assert (nps.audience, nps.kind, nps.status, nps.confidentiality, nps.title) == (
        "customer", "relationship_nps", "draft", "identified",
        {"fr": "Votre avis", "en": "Your view"},
    )  # fmt: skip
    pulse = Survey.objects.get(external_id="IMP-PULSE")
    assert (pulse.status, pulse.confidentiality, pulse.min_group_size) == ("open", "anonymous", 3)
    assert current("IMP-PULSE") == [("enps", 1, "nps"), ("reason", 1, "multiple_choice")]

    again = run_import("surveys", path, "--no-progress")
    assert (again.code, again.stdout.strip().splitlines()[-1]) == (
        0, "created 0, updated 0, unchanged 2, rejected 0",
    )  # fmt: skip


def test_a_changed_question_of_an_answered_survey_gets_a_new_version(org):
    run_bulk("surveys", [{**SURVEY, "status": "open"}])
    survey = Survey.objects.get(external_id="IMP-NPS")
    services.response_record(
        survey=survey, unit=org.lille, submission=services.Submission(answers={"nps": 9})
    )
    changed = json.loads(json.dumps(SURVEY))
    changed["questions"][0]["text"]["fr"] = "Nous recommanderiez-vous à un proche ?"
    changed["questions"].append(
        {"code": "improve", "kind": "text", "text": {"fr": "Et mieux ?", "en": "Better?"}}
    )
    assert counts(run_bulk("surveys", [changed])) == {
        "created": 0, "updated": 1, "unchanged": 0, "rejected": 0,
    }  # fmt: skip
    assert current("IMP-NPS") == [("nps", 2, "nps"), ("comment", 1, "text"), ("improve", 1, "text")]
    # The answer given before stays with the version it answered.
    assert Answer.objects.get().question.version == 1
    assert counts(run_bulk("surveys", [changed]))["unchanged"] == 1


def test_thresholds_are_audited_and_locked_once_open(org, lead):
    run_bulk("surveys", [PULSE | {"status": "draft"}])
    raised = PULSE | {"status": "draft", "min_group_size": 5, "min_comment_group_size": 10}
    with translation.override("fr"):
        assert counts(run_bulk("surveys", [raised]))["updated"] == 1
    assert list(ThresholdChange.objects.order_by("field").values_list(
        "field", "old_value", "new_value", "reason")) == [
        ("min_comment_group_size", 3, 10, "Import de l'enquête"),
        ("min_group_size", 3, 5, "Import de l'enquête"),
    ]  # fmt: skip
    run_bulk("surveys", [PULSE | {"min_group_size": 5, "min_comment_group_size": 10}])  # opens
    with translation.override("en"):
        result = run_bulk("surveys", [PULSE | {"min_group_size": 7, "min_comment_group_size": 10}])
    assert rejects(result) == [
        (0, "IMP-PULSE", "min_group_size", "The thresholds are locked: the survey has opened."),
    ]
    survey = Survey.objects.get(external_id="IMP-PULSE")
    assert (survey.min_group_size, ThresholdChange.objects.count()) == (5, 2)


def test_rejected_surveys_are_named_with_their_field(org):
    with translation.override("en"):
        result = run_bulk(
            "surveys",
            [
                {**SURVEY, "external_id": "S-0", "kind": "enps"},
                {**SURVEY, "external_id": "S-1", "title": "Votre avis"},
                {**SURVEY, "external_id": "S-2", "questions": []},
                {**SURVEY, "external_id": "S-3",
                 "questions": [{"code": "nps", "kind": "stars", "text": {"fr": "?"}}]},
                {**SURVEY, "external_id": "S-4",
                 "questions": [{"code": "nps", "kind": "nps", "text": {"fr": "?"}}]},
                {**SURVEY, "external_id": "S-5", "unit_code": "NOPE"},
                {**SURVEY, "external_id": "S-6", "min_group_size": 2},
                {**SURVEY, "external_id": "S-7", "status": "archived"},
            ],
        )  # fmt: skip
    assert rejects(result) == [
        (0, "S-0", "kind", "This kind of survey is not for this audience."),
        (1, "S-1", "title", 'is not an object of texts by language ({"fr": …, "en": …})'),
        (2, "S-2", "questions", "is not a list of questions"),
        (3, "S-3", "questions.0.kind", "“stars” is not one of: ces_5, ces_7, "
         "multiple_choice, nps, scale_5, single_choice, text"),
        (4, "S-4", "questions.nps", "Give the text in en."),
        (5, "S-5", "unit_code", "unknown unit “NOPE”"),
        (6, "S-6", "min_group_size", "Never below 3."),
        (7, "S-7", "status", "“archived” is not one of: draft, open, closed"),
    ]  # fmt: skip
    assert Survey.objects.count() == 0


def test_a_survey_cannot_go_back_to_draft_nor_change_audience(org):
    run_bulk("surveys", [PULSE])
    with translation.override("en"):
        result = run_bulk(
            "surveys",
            [PULSE | {"status": "draft"}],
        )
        other = run_bulk("surveys", [PULSE | {"audience": "customer", "kind": "csat"}])
    assert rejects(result) == [(0, "IMP-PULSE", "status", "a survey open cannot go back to draft")]
    assert rejects(other) == [(0, "IMP-PULSE", "audience", "cannot change once the survey exists")]
    assert Survey.objects.get().status == "open"


# ---------------------------------------------------------------- responses


@pytest.fixture
def surveys(org):
    run_bulk("surveys", [SURVEY | {"status": "open"}, PULSE])
    return {s.external_id: s for s in Survey.objects.all()}


HEADER = "survey_external_id,external_id,unit_code,answered_at,language,nps,comment\n"


def test_customer_answers_from_a_csv_file(surveys, org, frontline, tmp_path):
    elodie = customer_create(external_id="C-ELODIE", first_name="Élodie", last_name="C",
                             home_unit=org.lille)  # fmt: skip
    path = write(
        tmp_path / "responses.csv",
        "survey_external_id,external_id,unit_code,answered_at,language,customer_external_id,"
        "nps,comment,tenure_band\n"
        "IMP-NPS,R-1,AG-LIL,2025-11-21T10:00,fr,C-ELODIE,9,Très bien,\n"
        'IMP-NPS,R-2,AG-ROU,21/11/2025 11:00,en,,3,"Slow, very slow",gt5y\n',
    )
    run = run_import("responses", path, "--no-progress")
    assert (run.code, run.stdout.strip().splitlines()[-1]) == (
        0, "created 2, updated 0, unchanged 0, rejected 0",
    )  # fmt: skip
    first = Response.objects.get(external_key="R-1")
    assert (first.unit, first.language, str(first.answered_on), first.release) == (
        org.lille, "fr", "2025-11-21", 0,
    )  # fmt: skip
    assert CustomerLink.objects.get().customer == elodie
    assert CustomerLink.objects.get().response == first
    second = Response.objects.get(external_key="R-2")
    assert (second.bands, second.language) == ({"tenure_band": "gt5y"}, "en")
    answers = Answer.objects.values_list("response__external_key", "code", "number", "text")
    assert sorted(answers) == [
        ("R-1", "comment", None, "Très bien"), ("R-1", "nps", 9, ""),
        ("R-2", "comment", None, "Slow, very slow"), ("R-2", "nps", 3, ""),
    ]  # fmt: skip

    again = run_import("responses", path, "--no-progress")
    assert again.stdout.strip().splitlines()[-1] == "created 0, updated 0, unchanged 2, rejected 0"
    assert (Response.objects.count(), Answer.objects.count()) == (2, 4)


def test_rejected_answers_name_line_field_and_reason(surveys, tmp_path):
    path = write(
        tmp_path / "responses.csv",
        HEADER
        + "NOPE,R-1,AG-LIL,2025-11-21T10:00,fr,9,\n"
        + "IMP-NPS,R-2,NOPE,2025-11-21T10:00,fr,9,\n"
        + "IMP-NPS,R-3,AG-LIL,2025-11-21T10:00,fr,11,\n"
        + "IMP-NPS,R-4,AG-LIL,2025-11-21T10:00,fr,,Sans note\n"
        + "IMP-NPS,R-5,AG-LIL,hier,fr,9,\n"
        + "IMP-NPS,R-6,AG-LIL,2025-11-21T10:00,de,9,\n"
        + "IMP-NPS,R-7,AG-LIL,2025-11-21T10:00,fr,9,\n"
        + "IMP-NPS,R-7,AG-LIL,2025-11-21T10:00,fr,8,\n",
    )
    unknown_code = write(
        tmp_path / "codes.csv",
        "survey_external_id,external_id,unit_code,answered_at,stars\n"
        "IMP-NPS,R-9,AG-LIL,2025-11-21T10:00,4\n",
    )
    run = run_import("responses", path, "--no-progress")
    assert (run.code, run.stdout.strip().splitlines()[-1]) == (
        1, "created 1, updated 0, unchanged 0, rejected 7",
    )  # fmt: skip
    lines = rejects_of(path).splitlines()
    assert lines[0] == (
        "line,field,reason,survey_external_id,external_id,unit_code,answered_at,language,"
        "customer_external_id,answers"
    )
    assert [row[:3] for row in csv.reader(lines[1:])] == [
        ["2", "survey_external_id", "unknown survey “NOPE”"],
        ["3", "unit_code", "unknown unit “NOPE”"],
        ["4", "nps", "Give a number from 0 to 10."],
        ["5", "nps", "This question needs an answer."],
        ["6", "answered_at", "“hier” is not a date and time (use YYYY-MM-DDTHH:MM or DD/MM/YYYY "
         "HH:MM)"],
        ["7", "language", "“de” is not one of: fr, en"],
        ["9", "external_id", "“IMP-NPS / R-7” already appears at line 8 of this file"],
    ]  # fmt: skip
    run = run_import("responses", unknown_code, "--no-progress")
    assert run.code == 1
    assert rejects_of(unknown_code).splitlines()[1].split(",")[:3] == [
        "2", "stars", "unknown question “stars”",
    ]  # fmt: skip
    assert Response.objects.count() == 1


def test_employee_answers_are_held_back_until_k_and_kept_under_a_keyed_hash(surveys, org):
    pulse = surveys["IMP-PULSE"]
    rows = [
        {"survey_external_id": "IMP-PULSE", "external_id": f"HR-{n}", "unit_code": "AG-LIL",
         "answered_at": "2025-11-21T10:00", "answers": {"enps": 10 - n, "reason": "pay|team"},
         "tenure_band": "lt1y"}
        for n in range(2)
    ]  # fmt: skip
    assert counts(run_bulk("responses", rows))["created"] == 2
    # Two answers, k = 3: held back.
    assert list(Response.objects.values_list("release", flat=True)) == [None, None]
    stored = set(Response.objects.values_list("external_key", flat=True))
    assert stored == {services.external_key_for(pulse, f"HR-{n}") for n in range(2)}
    assert not stored & {"HR-0", "HR-1"}
    assert all(len(key) == 64 for key in stored)
    assert sorted(Answer.objects.filter(code="reason").values_list("choices", flat=True)) == [
        ["pay", "team"], ["pay", "team"],
    ]  # fmt: skip

    third = {**rows[0], "external_id": "HR-2", "answers": {"enps": 3}}
    assert counts(run_bulk("responses", [*rows, third])) == {
        "created": 1, "updated": 0, "unchanged": 2, "rejected": 0,
    }  # fmt: skip
    # The third answer of the unit releases the three together.
    assert set(Response.objects.values_list("release", "release_unit__code")) == {(1, "AG-LIL")}
    assert set(Response.objects.values_list("external_key", flat=True)) == stored | {
        services.external_key_for(pulse, "HR-2")
    }


def test_json_lines_with_an_answers_object(surveys, tmp_path):
    path = jsonl(
        tmp_path / "responses.jsonl",
        [
            {"survey_external_id": "IMP-NPS", "external_id": "J-1", "unit_code": "AG-LIL",
             "answered_at": "2025-11-21T10:00:00+01:00", "language": "fr",
             "answers": {"nps": 10, "comment": "Parfait"}, "bands": {"age_band": "30_39"}},
            {"survey_external_id": "IMP-NPS", "external_id": "J-2", "unit_code": "AG-LIL",
             "answered_at": "2025-11-21T10:00", "answers": {"nps": "dix"}},
            {"survey_external_id": "IMP-PULSE", "external_id": "J-3", "unit_code": "AG-LIL",
             "answered_at": "2025-11-21T10:00", "customer_external_id": "C-1",
             "answers": {"enps": 5}},
            {"survey_external_id": "IMP-PULSE", "external_id": "J-4", "unit_code": "AG-LIL",
             "answered_at": "2025-11-21T10:00", "answers": {"enps": 5, "reason": "bonus"}},
        ],
    )  # fmt: skip
    run = run_import("responses", path, "--no-progress")
    assert run.stdout.strip().splitlines()[-1] == "created 1, updated 0, unchanged 0, rejected 3"
    assert [row[:3] for row in csv.reader(rejects_of(path).splitlines()[1:])] == [
        ["2", "nps", "Give a whole number."],
        ["3", "customer_external_id", "an employee survey is answered by employees"],
        ["4", "reason", "“bonus” is not one of the choices."],
    ]
    response = Response.objects.get()
    assert (response.external_key, response.bands) == ("J-1", {"age_band": "30_39"})


def test_answers_of_a_draft_survey_are_refused(org):
    run_bulk("surveys", [SURVEY])
    with translation.override("en"):
        result = run_bulk("responses", [{"survey_external_id": "IMP-NPS", "external_id": "R-1",
                                         "unit_code": "AG-LIL", "answered_at": "2025-11-21T10:00",
                                         "answers": {"nps": 9}}])  # fmt: skip
    assert rejects(result) == [(0, "R-1", "survey_external_id", "This survey is not open.")]
    assert Response.objects.count() == 0


def test_what_a_record_leaves_out_is_left_as_it_is(org):
    french = {**SURVEY, "languages": ["fr"], "cadence": "monthly", "status": "open"}
    run_bulk("surveys", [french])
    survey = Survey.objects.get()
    bare = {k: v for k, v in french.items() if k not in ("languages", "cadence", "status")}
    assert counts(run_bulk("surveys", [bare]))["unchanged"] == 1
    survey.refresh_from_db()
    assert (survey.languages, survey.cadence, survey.status) == (["fr"], "monthly", "open")
