"""The import contract, file side: encodings, separators, JSON Lines, quoting, the rejects file.

In-process (`call_command`) and in English; tests/core/test_import_cli.py runs the real command.
"""

from __future__ import annotations

import pytest

from symetrie.core.importing import kind_names
from symetrie.org.models import Role, Unit
from tests.core.imports_support import Run, has_rejects, rejects_of, run_import, write

pytestmark = pytest.mark.django_db

NAMES = {
    "EVR": "Équipe Évry",
    "IDF": "Île-de-France « Sud » – Œuvre à 5 €",
}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_accents_round_trip_exactly_whatever_the_encoding(tmp_path, encoding):
    path = write(
        tmp_path / "units.csv",
        "code;name;kind;parent_code\r\n"
        "IDF;Île-de-France « Sud » – Œuvre à 5 €;région;\r\n"
        "EVR;Équipe Évry;équipe;IDF\r\n",
        encoding,
    )

    run = run_import("units", path)

    assert run == Run(0, "created 2, updated 0, unchanged 0, rejected 0\n", "")
    assert dict(Unit.objects.values_list("code", "name")) == NAMES
    assert dict(Unit.objects.values_list("code", "kind")) == {"EVR": "team", "IDF": "region"}
    assert not has_rejects(path)


def test_a_cp1252_file_is_read_as_such_even_past_the_first_megabyte(tmp_path):
    # The encoding is decided on the whole file: accents far down still come out right (the
    # blank lines in between are skipped, and still counted in line numbers).
    path = write(
        tmp_path / "units.csv",
        "code;name;kind;parent_code\r\n"
        + "\r\n" * 600_000
        + "EVR;Équipe Évry;team;\r\n"
        + "BAD;Évry;planète;\r\n",
        "cp1252",
    )
    assert path.stat().st_size > 1 << 20

    run = run_import("units", path)

    assert run.stdout == "created 1, updated 0, unchanged 0, rejected 1\n"
    assert Unit.objects.get(code="EVR").name == "Équipe Évry"
    assert rejects_of(path) == (
        "line;field;reason;code;name;kind;parent_code\r\n"
        "600003;kind;“planète” is not one of: agency, area, company, department, region, store, "
        "team;BAD;Évry;planète;\r\n"
    )


@pytest.mark.parametrize(
    ("separator", "other"),
    [(",", ";"), (";", ",")],
    ids=["comma", "semicolon"],
)
def test_either_separator_is_recognised_from_the_header(tmp_path, separator, other):
    header = separator.join(["code", "name", "kind", "parent_code"])
    rows = [
        separator.join(["HQ", f"Banque{other} siège", "company", ""]),
        separator.join(["AG", "Agence", "agency", "HQ"]),
    ]
    path = write(tmp_path / "units.csv", "\n".join([header, *rows]) + "\n")

    run = run_import("units", path)

    assert run == Run(0, "created 2, updated 0, unchanged 0, rejected 0\n", "")
    hq = Unit.objects.get(code="HQ")
    assert hq.name == f"Banque{other} siège"
    assert Unit.objects.get(code="AG").parent == hq


def test_quoted_fields_keep_separators_and_newlines_and_line_numbers_stay_right(tmp_path):
    # Rows end with CRLF (spreadsheet exports); a newline inside a quoted cell is a bare LF.
    path = write(
        tmp_path / "units.csv",
        "code,name,kind,parent_code\r\n"
        'A,"Agence ""Nord"", quai\ndes Belges",agency,\r\n'
        "B,Agence B,agency,NOPE\r\n"
        '"C","sur\ntrois\nlignes",agency,ZZZ\r\n'
        "D,Agence D,agency,A\r\n"
        "\r\n"
        "E,Agence E,agency,MISSING\r\n",
    )

    run = run_import("units", path)

    assert run.code == 1
    assert run.stdout == "created 2, updated 0, unchanged 0, rejected 3\n"
    assert Unit.objects.get(code="A").name == 'Agence "Nord", quai\ndes Belges'
    assert Unit.objects.get(code="D").parent == Unit.objects.get(code="A")
    # Lines: header 1, A 2-3, B 4, C 5-7, D 8, blank 9, E 10.
    assert rejects_of(path) == (
        "line,field,reason,code,name,kind,parent_code\r\n"
        "4,parent_code,unknown unit “NOPE” (not in the file nor in the database),"
        "B,Agence B,agency,NOPE\r\n"
        "5,parent_code,unknown unit “ZZZ” (not in the file nor in the database),"
        'C,"sur\ntrois\nlignes",agency,ZZZ\r\n'
        "10,parent_code,unknown unit “MISSING” (not in the file nor in the database),"
        "E,Agence E,agency,MISSING\r\n"
    )


def test_the_rejects_file_uses_the_separator_of_the_imported_file(tmp_path):
    path = write(
        tmp_path / "units.csv",
        "code;name;kind;parent_code\nOK;Bien;team;\nKO;Mal, vraiment;planet;\n;Sans code;team;\n",
    )

    run = run_import("units", path)

    assert run.code == 1
    assert run.stdout == "created 1, updated 0, unchanged 0, rejected 2\n"
    assert run.stderr == f"rejected rows and their reasons: {path}.rejects.csv\n"
    assert rejects_of(path) == (
        "line;field;reason;code;name;kind;parent_code\r\n"
        "3;kind;“planet” is not one of: agency, area, company, department, region, store, team;"
        "KO;Mal, vraiment;planet;\r\n"
        "4;code;is required;;Sans code;team;\r\n"
    )


def test_the_rejects_file_goes_away_when_a_later_run_rejects_nothing(tmp_path):
    path = write(tmp_path / "units.csv", "code,name,kind,parent_code\nA,A,team,\nB,B,team,NOPE\n")
    assert run_import("units", path).code == 1
    assert has_rejects(path)

    write(path, "code,name,kind,parent_code\nA,A,team,\nB,B,team,A\n")
    run = run_import("units", path)

    assert run == Run(0, "created 1, updated 0, unchanged 1, rejected 0\n", "")
    assert not has_rejects(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["units.csv"]


def test_what_a_killed_run_left_aside_goes_at_the_next_complete_run(tmp_path):
    # A run killed while writing rejects leaves FILE.rejects.csv.tmp; an old rejects file
    # stays until a run completes.
    path = write(tmp_path / "units.csv", "code,name,kind,parent_code\nA,A,team,NOPE\n")
    (tmp_path / "units.csv.rejects.csv.tmp").write_text("line,field,reason\n2,half")
    (tmp_path / "units.csv.rejects.csv").write_text("from an older run")

    run = run_import("units", path)

    assert run.stdout == "created 0, updated 0, unchanged 0, rejected 1\n"
    assert rejects_of(path) == (
        "line,field,reason,code,name,kind,parent_code\r\n"
        "2,parent_code,unknown unit “NOPE” (not in the file nor in the database),A,A,team,NOPE\r\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["units.csv", "units.csv.rejects.csv"]

    (tmp_path / "units.csv.rejects.csv.tmp").write_text("line,field,reason\n2,half")
    write(path, "code,name,kind,parent_code\nA,A,team,\n")

    assert run_import("units", path).code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["units.csv"]


def test_rows_of_empty_cells_are_skipped_like_blank_lines(tmp_path):
    path = write(
        tmp_path / "units.csv",
        "code;name;kind;parent_code\r\nA;A;team;\r\n;;;\r\n ; ;;\r\nB;B;team;ZZ\r\n;;;\r\n;;;\r\n",
        "cp1252",
    )

    run = run_import("units", path)

    assert run.stdout == "created 1, updated 0, unchanged 0, rejected 1\n"
    assert rejects_of(path).splitlines()[1].startswith("5;parent_code;")


def test_a_row_with_the_wrong_number_of_fields_is_rejected_alone(tmp_path):
    path = write(
        tmp_path / "units.csv",
        "code,name,kind,parent_code\nA,A,team,\nB,B,team,,extra\nC,C\nD,D,team,\n",
    )

    run = run_import("units", path)

    assert run.stdout == "created 2, updated 0, unchanged 0, rejected 2\n"
    assert rejects_of(path) == (
        "line,field,reason,code,name,kind,parent_code\r\n"
        "3,,the row has 5 fields where the header has 4,B,B,team,\r\n"
        "4,,the row has 2 fields where the header has 4,C,C,,\r\n"
    )
    assert sorted(Unit.objects.values_list("code", flat=True)) == ["A", "D"]


def test_header_names_are_matched_whatever_their_case_spaces_or_order(tmp_path):
    path = write(tmp_path / "units.csv", "\ufeff Parent_Code ; KIND;Name ;Code\n;team;Équipe;T1\n")

    run = run_import("units", path)

    assert run.stdout == "created 1, updated 0, unchanged 0, rejected 0\n"
    assert Unit.objects.get(code="T1").name == "Équipe"


# ---------------------------------------------------------------- JSON Lines


def test_json_lines_import_and_a_bad_line_is_rejected_with_its_number(tmp_path):
    path = write(
        tmp_path / "roles.jsonl",
        '{"code": "advisor", "name": "Conseillère", "org_wide": false, "goodwill_max_eur": 50,'
        ' "fee_waiver": false, "decisions": ["report", "postpone"]}\r\n'
        '{"code": "broken", "name": oops}\r\n'
        "\r\n"
        '["not", "an object"]\r\n'
        '{"code": "lead", "name": "Responsable CX", "org_wide": true, "goodwill_max_eur": "12,5",'
        ' "fee_waiver": "oui"}\r\n'
        '{"code": "bad", "name": "Bad", "goodwill_max_eur": -1}\r\n',
    )

    run = run_import("roles", path)

    assert run.code == 1
    assert run.stdout == "created 2, updated 0, unchanged 0, rejected 3\n"
    assert rejects_of(path) == (
        "line,field,reason,code,name,org_wide,goodwill_max_eur,fee_waiver,decisions\r\n"
        '2,,invalid JSON: Expecting value,"{""code"": ""broken"", ""name"": oops}"\r\n'
        '4,,a record must be a JSON object,"[""not"", ""an object""]"\r\n'
        '6,goodwill_max_eur,"must be between 0 and 99,999,999.99",bad,Bad,,-1,,\r\n'
    )
    roles = {
        role.code: (
            role.name,
            role.is_org_wide,
            str(role.goodwill_max_eur),
            role.may_waive_fees,
            role.decisions,
        )
        for role in Role.objects.all()
    }
    assert roles == {
        "advisor": ("Conseillère", False, "50.00", False, ["report", "postpone"]),
        "lead": ("Responsable CX", True, "12.50", True, []),
    }


def test_a_broken_first_json_line_is_only_that_lines_reject(tmp_path):
    path = write(
        tmp_path / "units.jsonl",
        '{"code": "HQ", "name": \n'
        '{"code": "HQ", "name": "Banque", "kind": "company"}\n'
        '{"code": "AG", "name": "Agence", "kind": "agency", "parent_code": "HQ"}\n',
    )

    run = run_import("units", path)

    assert run.stdout == "created 2, updated 0, unchanged 0, rejected 1\n"
    assert rejects_of(path) == (
        "line,field,reason,code,name,kind,parent_code\r\n"
        '1,,invalid JSON: Expecting value,"{""code"": ""HQ"", ""name"": "\r\n'
    )


def test_json_lines_in_cp1252_are_read_too(tmp_path):
    path = write(
        tmp_path / "units.jsonl",
        '{"code": "EVR", "name": "Équipe Évry", "kind": "équipe", "parent_code": null}\n',
        "cp1252",
    )

    assert run_import("units", path).stdout == "created 1, updated 0, unchanged 0, rejected 0\n"
    assert Unit.objects.get(code="EVR").name == "Équipe Évry"


# ---------------------------------------------------------------- unreadable files


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "missing.csv: no such file"),
        ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file"),
        ("empty.csv", b"", "empty.csv is empty: no header line"),
        (
            "columns.csv",
            b"id;label\n1;x\n",
            "columns.csv lacks the column(s): code, name, kind (found: id, label)",
        ),
        ("nothing.jsonl", b"not json\n[1]\n", "nothing.jsonl: the first line is not JSON"),
    ],
)
def test_an_unreadable_file_writes_nothing_and_exits_2(org, tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    before = list(Unit.objects.values_list("code", "name", "path"))

    run = run_import("units", path)

    assert run.code == 2
    assert run.stdout == ""
    assert message in run.stderr
    assert list(Unit.objects.values_list("code", "name", "path")) == before
    assert not has_rejects(path)


def test_an_unknown_kind_exits_2(tmp_path):
    path = write(tmp_path / "x.csv", "code,name\nA,B\n")

    run = run_import("planets", path)

    known = ", ".join(kind_names())
    assert {"employees", "roles", "units"} <= set(kind_names())
    assert run == Run(2, "", f"unknown kind 'planets'; known kinds: {known}")
