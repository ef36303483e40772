"""`symetrie import` as a real process: summary line, exit codes, progress bar, crash-safety.

The subprocess runs in the project's language (LANGUAGE_CODE); where a test checks a reason
it translates the English message the same way.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import pty
import subprocess

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext

from symetrie.org.models import Employee, Role, Unit
from symetrie.org.services import unit_create
from tests.core.imports_support import (
    EMPLOYEE_HEADER,
    has_rejects,
    kill,
    rejects_of,
    run_symetrie,
    start_symetrie,
    subprocess_env,
    symetrie_command,
    wait_for_rows,
    write,
)

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()
BAR = "━".encode()  # rich's bar


def in_project_language(message: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)


def units() -> list[tuple[str, str, str | None]]:
    return sorted(
        (code, name, parent)
        for code, name, parent in Unit.objects.values_list("code", "name", "parent__code")
    )


def test_a_clean_import_prints_one_summary_line_and_exits_0(tmp_path):
    path = write(
        tmp_path / "units.csv",
        "code;name;kind;parent_code\r\nEVR;Équipe Évry;équipe;IDF\r\nIDF;Île-de-France;région;\r\n",
        "cp1252",
    )

    done = run_symetrie("import", "units", str(path))

    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "created 2, updated 0, unchanged 0, rejected 0\n",
        "",
    )
    assert units() == [("EVR", "Équipe Évry", "IDF"), ("IDF", "Île-de-France", None)]

    again = run_symetrie("import", "units", str(path))
    assert (again.returncode, again.stdout) == (
        0,
        "created 0, updated 0, unchanged 2, rejected 0\n",
    )


def test_rejected_rows_exit_1_and_go_to_the_rejects_file(tmp_path):
    path = write(
        tmp_path / "units.csv",
        "code,name,kind,parent_code\nA,Alpha,team,\nB,Bravo,team,NOPE\nC,Charlie,team,A\n",
    )

    done = run_symetrie("import", "units", str(path))

    assert done.returncode == 1
    assert done.stdout == "created 2, updated 0, unchanged 0, rejected 1\n"
    assert str(path) + ".rejects.csv" in done.stderr
    reason = in_project_language(
        "unknown unit “%(code)s” (not in the file nor in the database)"
    ) % {"code": "NOPE"}
    assert list(csv.reader(rejects_of(path).splitlines())) == [
        ["line", "field", "reason", "code", "name", "kind", "parent_code"],
        ["3", "parent_code", reason, "B", "Bravo", "team", "NOPE"],
    ]
    assert units() == [("A", "Alpha", None), ("C", "Charlie", "A")]


@pytest.mark.parametrize(
    ("kind", "name", "content"),
    [
        ("units", "missing.csv", None),
        ("units", "binary.csv", bytes(range(256)) * 4),
        ("units", "columns.csv", "identifiant;libellé\n1;x\n".encode()),
        ("planets", "units.csv", b"code,name,kind\nA,A,team\n"),
    ],
    ids=["missing-file", "binary", "missing-columns", "unknown-kind"],
)
def test_a_file_that_cannot_be_read_exits_2_and_writes_nothing(tmp_path, kind, name, content):
    unit_create(code="KEEP", name="Gardée", kind="team")
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)

    done = run_symetrie("import", kind, str(path))

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("CommandError: ")
    assert units() == [("KEEP", "Gardée", None)]
    assert not has_rejects(path)


# ---------------------------------------------------------------- progress bar


def run_on_a_terminal(*args: str) -> tuple[int, str, bytes]:
    """Run with stderr on a pseudo-terminal; returns the exit code, stdout, what stderr got."""
    master, slave = pty.openpty()
    env = {**subprocess_env(), "TERM": "xterm-256color"}
    for name in ("NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "FORCE_COLOR"):
        env.pop(name, None)
    process = subprocess.Popen(
        symetrie_command(*args),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    terminal = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        terminal += chunk
    os.close(master)
    assert process.stdout is not None
    stdout = process.stdout.read().decode()
    process.stdout.close()
    return process.wait(timeout=60), stdout, terminal


def test_a_terminal_gets_a_progress_bar_on_stderr(tmp_path):
    path = write(tmp_path / "units.csv", "code,name,kind,parent_code\nA,A,team,\n")

    code, stdout, terminal = run_on_a_terminal("import", "units", str(path))

    assert (code, stdout) == (0, "created 1, updated 0, unchanged 0, rejected 0\n")
    assert BAR in terminal
    assert "units ← units.csv".encode() in terminal


def test_no_progress_bar_without_a_terminal_or_when_asked(tmp_path):
    path = write(tmp_path / "units.csv", "code,name,kind,parent_code\nA,A,team,\n")

    piped = run_symetrie("import", "units", str(path))
    code, stdout, terminal = run_on_a_terminal("import", "units", str(path), "--no-progress")

    assert (piped.returncode, piped.stderr) == (0, "")
    assert (code, stdout, terminal) == (0, "created 0, updated 0, unchanged 1, rejected 0\n", b"")


# ---------------------------------------------------------------- crash-safety

ROWS = 20_000
BATCH = 500


def employee_row(i: int) -> list[str]:
    return [
        f"X{i:05d}",
        f"x{i:05d}@example.fr",
        "Émilie",
        f"Nom{i}",
        "AG" if i % 2 else "T1",
        "advisor",
        (dt.date(2020, 1, 1) + dt.timedelta(days=i % 1000)).strftime("%d/%m/%Y"),
        "",
        "oui" if i % 10 == 0 else "",
    ]


def test_an_import_killed_midway_then_rerun_loses_and_duplicates_nothing(tmp_path):
    agency = unit_create(code="AG", name="Agence", kind="agency")
    unit_create(code="T1", name="Équipe", kind="team", parent=agency)
    Role.objects.create(code="advisor", name="Conseiller")
    path = tmp_path / "employees.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(EMPLOYEE_HEADER.split(","))
        writer.writerows(employee_row(i) for i in range(ROWS))
    process = start_symetrie("import", "employees", str(path), "--batch-size", str(BATCH))
    wait_for_rows(process, Employee.objects.count, 2 * BATCH)
    kill(process)

    committed = Employee.objects.count()
    assert 0 < committed < ROWS, "the kill came too late to test anything"
    assert committed % BATCH == 0, "a batch was committed in part"
    assert User.objects.count() == committed, "accounts without employees were left behind"

    done = run_symetrie("import", "employees", str(path), "--batch-size", str(BATCH))

    assert done.returncode == 0, done.stderr
    created, updated, unchanged, rejected = (
        int(part.split()[1]) for part in done.stdout.strip().split(", ")
    )
    assert done.stdout.startswith("created ")
    assert (updated, rejected) == (0, 0)
    assert created + unchanged == ROWS
    assert unchanged == committed
    assert User.objects.count() == ROWS
    got = {
        row[0]: row
        for row in Employee.objects.values_list(
            "external_id",
            "user__username",
            "user__first_name",
            "user__last_name",
            "unit__code",
            "role__code",
            "hire_date",
            "leave_date",
            "is_manager",
        )
    }
    expected = {}
    for i in range(ROWS):
        row = employee_row(i)
        expected[row[0]] = (
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            dt.datetime.strptime(row[6], "%d/%m/%Y").date(),
            None,
            row[8] == "oui",
        )
    assert len(got) == ROWS
    assert got == expected
    assert not has_rejects(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["employees.csv"]
