"""The import contract, kind side: units (a tree), roles and employees, upserted by their key.

In-process and in English (see tests/core/imports_support.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from symetrie.org.models import Employee, Role, Unit, path_segment
from tests.core.imports_support import (
    EMPLOYEE_HEADER,
    Run,
    has_rejects,
    rejects_of,
    run_import,
    write,
)

pytestmark = pytest.mark.django_db

User = get_user_model()


def tree() -> dict[str, tuple[str, str | None, int]]:
    """Every unit: code → (name, parent code, depth), checking each path on the way."""
    units = Unit.objects.select_related("parent")
    result = {}
    for unit in units:
        expected_path = (unit.parent.path if unit.parent else "") + path_segment(unit.pk)
        assert unit.path == expected_path, unit.code
        assert unit.depth == (unit.parent.depth + 1 if unit.parent else 0), unit.code
        result[unit.code] = (unit.name, unit.parent.code if unit.parent else None, unit.depth)
    return result


# ---------------------------------------------------------------- units


def test_units_may_come_before_their_parents(tmp_path):
    path = write(
        tmp_path / "units.csv",
        "code,name,kind,parent_code\n"
        "T1,Équipe 1,team,AG\n"
        "AG,Agence,agency,R\n"
        "R,Région,region,HQ\n"
        "HQ,Banque,company,\n",
    )

    run = run_import("units", path)

    assert run == Run(0, "created 4, updated 0, unchanged 0, rejected 0\n", "")
    assert tree() == {
        "HQ": ("Banque", None, 0),
        "R": ("Région", "HQ", 1),
        "AG": ("Agence", "R", 2),
        "T1": ("Équipe 1", "AG", 3),
    }


def test_a_batch_size_does_not_split_a_units_file(tmp_path):
    # Units are written in one batch whatever --batch-size says: a parent may come later.
    path = write(
        tmp_path / "units.csv",
        "code,name,kind,parent_code\nK1,K1,team,K3\nK2,K2,team,K3\nK3,K3,agency,\n",
    )

    run = run_import("units", path, "--batch-size", "1")

    assert run == Run(0, "created 3, updated 0, unchanged 0, rejected 0\n", "")
    assert tree() == {"K3": ("K3", None, 0), "K1": ("K1", "K3", 1), "K2": ("K2", "K3", 1)}


def test_cycles_unknown_parents_and_their_descendants_are_rejected_with_reasons(org, tmp_path):
    path = write(
        tmp_path / "units.csv",
        "code,name,kind,parent_code\n"
        "A,A,team,B\n"  # 2: A → B → A
        "B,B,team,A\n"  # 3
        "C,C,team,A\n"  # 4: under a rejected unit
        "SELF,Self,team,SELF\n"  # 5
        "ORPHAN,Orphan,team,NOWHERE\n"  # 6
        "OK,Fine,team,AG-LIL\n"  # 7: under an existing unit
        "HQ,Banque Test,company,AG-LIL\n",  # 8: the root under its own descendant
    )
    before = tree()

    run = run_import("units", path)

    assert run.code == 1
    assert run.stdout == "created 1, updated 0, unchanged 0, rejected 6\n"
    assert rejects_of(path) == (
        "line,field,reason,code,name,kind,parent_code\r\n"
        "2,parent_code,makes a cycle: A → B → A,A,A,team,B\r\n"
        "3,parent_code,makes a cycle: A → B → A,B,B,team,A\r\n"
        "4,parent_code,its parent “A” was rejected (line 2),C,C,team,A\r\n"
        "5,parent_code,a unit cannot be its own parent,SELF,Self,team,SELF\r\n"
        "6,parent_code,unknown unit “NOWHERE” (not in the file nor in the database),"
        "ORPHAN,Orphan,team,NOWHERE\r\n"
        "8,parent_code,makes a cycle: HQ → AG-LIL → R-N → HQ,HQ,Banque Test,company,AG-LIL\r\n"
    )
    assert tree() == {**before, "OK": ("Fine", "AG-LIL", 3)}


def test_a_rerun_changes_nothing_and_says_so(org, tmp_path):
    path = write(
        tmp_path / "units.csv",
        "code,name,kind,parent_code\n"
        "HQ,Banque Test,company,\n"
        "R-N,Région Nord,region,HQ\n"
        "AG-NEW,Agence Neuve,agency,R-N\n",
    )
    assert run_import("units", path).stdout == "created 1, updated 0, unchanged 2, rejected 0\n"
    before = list(Unit.objects.values_list("pk", "code", "name", "kind", "parent", "path", "depth"))

    run = run_import("units", path)

    assert run == Run(0, "created 0, updated 0, unchanged 3, rejected 0\n", "")
    assert (
        list(Unit.objects.values_list("pk", "code", "name", "kind", "parent", "path", "depth"))
        == before
    )


def test_a_changed_name_is_an_update(org, tmp_path):
    path = write(
        tmp_path / "units.csv",
        "code,name,kind,parent_code\nAG-LIL,Agence Lille Centre,agence,R-N\n",
    )

    run = run_import("units", path)

    assert run == Run(0, "created 0, updated 1, unchanged 0, rejected 0\n", "")
    lille = Unit.objects.get(code="AG-LIL")
    assert (lille.name, lille.kind, lille.parent, lille.path) == (
        "Agence Lille Centre",
        "agency",
        org.north,
        org.lille.path,
    )


def test_a_unit_moved_by_a_reimport_takes_its_subtree_along(org, tmp_path):
    path = write(
        tmp_path / "units.csv", "code,name,kind,parent_code\nAG-LIL,Agence Lille,agency,R-S\n"
    )
    before = tree()

    run = run_import("units", path)

    assert run == Run(0, "created 0, updated 1, unchanged 0, rejected 0\n", "")
    assert tree() == {
        **before,
        "AG-LIL": ("Agence Lille", "R-S", 2),
        "T-LIL": ("Équipe Lille", "AG-LIL", 3),
    }
    lille = Unit.objects.get(code="AG-LIL")
    team = Unit.objects.get(code="T-LIL")
    assert lille.path == org.south.path + path_segment(lille.pk)
    assert team.path == lille.path + path_segment(team.pk)
    assert sorted(Unit.objects.subtree_of(org.south).values_list("code", flat=True)) == [
        "AG-LIL",
        "AG-MAR",
        "R-S",
        "T-LIL",
    ]
    assert sorted(Unit.objects.subtree_of(org.north).values_list("code", flat=True)) == [
        "AG-ROU",
        "R-N",
    ]


def test_a_unit_made_a_root_by_a_reimport(org, tmp_path):
    path = write(tmp_path / "units.csv", "code,name,kind,parent_code\nR-N,Région Nord,region,\n")

    assert run_import("units", path).stdout == "created 0, updated 1, unchanged 0, rejected 0\n"
    assert tree()["T-LIL"] == ("Équipe Lille", "AG-LIL", 2)
    assert tree()["R-N"] == ("Région Nord", None, 0)


def test_a_key_twice_in_one_file_keeps_the_first_and_rejects_the_second(tmp_path):
    path = write(
        tmp_path / "units.csv",
        "code,name,kind,parent_code\nA,First,team,\nB,Other,team,\nA,Second,team,\n",
    )

    run = run_import("units", path)

    assert run.stdout == "created 2, updated 0, unchanged 0, rejected 1\n"
    assert Unit.objects.get(code="A").name == "First"
    assert rejects_of(path) == (
        "line,field,reason,code,name,kind,parent_code\r\n"
        "4,code,“A” already appears at line 2 of this file,A,Second,team,\r\n"
    )


def test_a_bad_code_is_rejected_naming_the_field(tmp_path):
    path = write(
        tmp_path / "units.csv", "code,name,kind,parent_code\nA B,Espace,team,\nOK,Ok,team,\n"
    )

    run = run_import("units", path)

    assert run.stdout == "created 1, updated 0, unchanged 0, rejected 1\n"
    assert rejects_of(path) == (
        "line,field,reason,code,name,kind,parent_code\r\n"
        '2,code,"“A B”: Use letters, digits, dots, dashes and underscores, starting with a letter '
        'or digit.",A B,Espace,team,\r\n'
    )


# ---------------------------------------------------------------- roles


def test_roles_from_a_french_spreadsheet(tmp_path):
    path = write(
        tmp_path / "roles.csv",
        "code;name;org_wide;goodwill_max_eur;fee_waiver;decisions\n"
        "advisor;Conseiller;non;50;;report|postpone an instalment\n"
        'director;Directeur d\'agence;NON;"1 234,50";oui;\n'
        "cx_lead;Responsable CX;Oui;;x;\n"
        "bad;Mauvais;peut-être;0;0;\n",
        "cp1252",
    )

    run = run_import("roles", path)

    assert run.stdout == "created 3, updated 0, unchanged 0, rejected 1\n"
    assert rejects_of(path) == (
        "line;field;reason;code;name;org_wide;goodwill_max_eur;fee_waiver;decisions\r\n"
        "5;org_wide;“peut-être” is not yes or no;bad;Mauvais;peut-être;0;0;\r\n"
    )
    roles = {
        role.code: (
            role.name,
            role.is_org_wide,
            role.goodwill_max_eur,
            role.may_waive_fees,
            role.decisions,
        )
        for role in Role.objects.all()
    }
    assert roles == {
        "advisor": (
            "Conseiller",
            False,
            Decimal("50.00"),
            False,
            ["report", "postpone an instalment"],
        ),
        "director": ("Directeur d'agence", False, Decimal("1234.50"), True, []),
        "cx_lead": ("Responsable CX", True, Decimal("0.00"), True, []),
    }

    again = run_import("roles", path)
    assert again.stdout == "created 0, updated 0, unchanged 3, rejected 1\n"

    write(path, "code,name,goodwill_max_eur\nadvisor,Conseiller,75\n")
    assert run_import("roles", path) == Run(
        0, "created 0, updated 1, unchanged 0, rejected 0\n", ""
    )
    advisor = Role.objects.get(code="advisor")
    assert (advisor.goodwill_max_eur, advisor.decisions) == (Decimal("75.00"), [])


# ---------------------------------------------------------------- employees


def employees() -> dict[str, tuple[object, ...]]:
    return {
        e.external_id: (
            e.user.username,
            e.user.email,
            e.user.first_name,
            e.user.last_name,
            e.user.is_active,
            e.unit.code,
            e.role.code,
            e.hire_date,
            e.leave_date,
            e.is_manager,
        )
        for e in Employee.objects.select_related("user", "unit", "role")
    }


def test_employees_with_iso_and_french_dates(org, tmp_path):
    path = write(
        tmp_path / "employees.csv",
        EMPLOYEE_HEADER.replace(",", ";") + "\n"
        "E1;Zoe.Ecole@Example.FR;Zoé;Écolé;AG-LIL;advisor;01/03/2024;;oui\n"
        "E2;gaston@example.fr;Gaston;Gone;AG-ROU;director;2019-01-07;31/12/2020;x\n"
        "E3;noemie@example.fr;Noémie;Neuve;T-LIL;advisor;7/1/2025;2099-12-31;\n",
    )

    run = run_import("employees", path)

    assert run == Run(0, "created 3, updated 0, unchanged 0, rejected 0\n", "")
    assert employees() == {
        "E1": (
            "zoe.ecole@example.fr",
            "zoe.ecole@example.fr",
            "Zoé",
            "Écolé",
            True,
            "AG-LIL",
            "advisor",
            dt.date(2024, 3, 1),
            None,
            True,
        ),
        "E2": (
            "gaston@example.fr",
            "gaston@example.fr",
            "Gaston",
            "Gone",
            False,
            "AG-ROU",
            "director",
            dt.date(2019, 1, 7),
            dt.date(2020, 12, 31),
            True,
        ),
        "E3": (
            "noemie@example.fr",
            "noemie@example.fr",
            "Noémie",
            "Neuve",
            True,
            "T-LIL",
            "advisor",
            dt.date(2025, 1, 7),
            dt.date(2099, 12, 31),
            False,
        ),
    }
    # New accounts have no usable password until their owner sets one.
    assert not any(user.has_usable_password() for user in User.objects.all())


def test_bad_employee_rows_are_rejected_naming_the_field(org, manager, outsider, tmp_path):
    path = write(
        tmp_path / "employees.csv",
        EMPLOYEE_HEADER + "\n"
        "E1,one@example.fr,One,Un,AG-LIL,advisor,2024-01-01,,\n"  # 2: fine
        "E2,two@example.fr,Two,Deux,NOPE,advisor,2024-01-01,,\n"  # 3
        "E3,three@example.fr,Three,Trois,AG-LIL,pilot,2024-01-01,,\n"  # 4
        "E4,not-an-email,Four,Quatre,AG-LIL,advisor,2024-01-01,,\n"  # 5
        "E5,five@example.fr,Five,Cinq,AG-LIL,advisor,31/02/2024,,\n"  # 6
        "E6,six@example.fr,Six,Six,AG-LIL,advisor,2024-01-01,2023-12-31,\n"  # 7
        "E7,mona.manager@example.fr,Seven,Sept,AG-LIL,advisor,2024-01-01,,\n"  # 8
        "E8,olga.outsider@example.fr,Eight,Huit,AG-LIL,advisor,2024-01-01,,\n"  # 9
        "E9,one@example.fr,Nine,Neuf,AG-LIL,advisor,2024-01-01,,\n"  # 10: E1's address
        "E1,other@example.fr,One,Again,AG-LIL,advisor,2024-01-01,,\n"  # 11
        ",nobody@example.fr,No,Body,AG-LIL,advisor,2024-01-01,,\n"  # 12
        "E10,ten@example.fr,Ten,Dix,AG-LIL,advisor,2024-01-01,,maybe\n",  # 13
    )
    before_users = User.objects.count()

    run = run_import("employees", path)

    assert run.code == 1
    assert run.stdout == "created 1, updated 0, unchanged 0, rejected 11\n"
    assert rejects_of(path) == (
        f"line,field,reason,{EMPLOYEE_HEADER}\r\n"
        "3,unit_code,unknown unit “NOPE”,E2,two@example.fr,Two,Deux,NOPE,advisor,2024-01-01,,\r\n"
        "4,role,unknown role “pilot”,E3,three@example.fr,Three,Trois,AG-LIL,pilot,2024-01-01,,\r\n"
        "5,email,“not-an-email” is not an e-mail address,"
        "E4,not-an-email,Four,Quatre,AG-LIL,advisor,2024-01-01,,\r\n"
        "6,hire_date,“31/02/2024” is not a date (use YYYY-MM-DD or DD/MM/YYYY),"
        "E5,five@example.fr,Five,Cinq,AG-LIL,advisor,31/02/2024,,\r\n"
        "7,leave_date,is before the hire date,"
        "E6,six@example.fr,Six,Six,AG-LIL,advisor,2024-01-01,2023-12-31,\r\n"
        "8,email,“mona.manager@example.fr” is already used by employee E-MGR,"
        "E7,mona.manager@example.fr,Seven,Sept,AG-LIL,advisor,2024-01-01,,\r\n"
        "9,email,“olga.outsider@example.fr” is already used by employee "
        "(an account with no employee),"
        "E8,olga.outsider@example.fr,Eight,Huit,AG-LIL,advisor,2024-01-01,,\r\n"
        "10,email,“one@example.fr” is already used by employee E1,"
        "E9,one@example.fr,Nine,Neuf,AG-LIL,advisor,2024-01-01,,\r\n"
        "11,external_id,“E1” already appears at line 2 of this file,"
        "E1,other@example.fr,One,Again,AG-LIL,advisor,2024-01-01,,\r\n"
        "12,external_id,is required,,nobody@example.fr,No,Body,AG-LIL,advisor,2024-01-01,,\r\n"
        "13,is_manager,“maybe” is not yes or no,"
        "E10,ten@example.fr,Ten,Dix,AG-LIL,advisor,2024-01-01,,maybe\r\n"
    )
    assert User.objects.count() == before_users + 1
    assert sorted(Employee.objects.values_list("external_id", flat=True)) == ["E-MGR", "E1"]
    assert User.objects.get(pk=manager.user.pk).first_name == "Mona"


def test_employees_rerun_is_unchanged_and_a_change_is_one_update(org, tmp_path):
    rows = [
        "E1,one@example.fr,One,Un,AG-LIL,advisor,2024-01-01,,",
        "E2,two@example.fr,Two,Deux,AG-ROU,director,2024-01-01,,oui",
    ]
    path = write(tmp_path / "employees.csv", "\n".join([EMPLOYEE_HEADER, *rows]) + "\n")
    assert run_import("employees", path).stdout == "created 2, updated 0, unchanged 0, rejected 0\n"
    before = employees()

    assert run_import("employees", path) == Run(
        0, "created 0, updated 0, unchanged 2, rejected 0\n", ""
    )
    assert employees() == before

    rows[0] = "E1,one@example.fr,One,Un,AG-MAR,advisor,2024-01-01,2024-06-30,"
    write(path, "\n".join([EMPLOYEE_HEADER, *rows]) + "\n")
    assert run_import("employees", path) == Run(
        0, "created 0, updated 1, unchanged 1, rejected 0\n", ""
    )
    assert employees() == {
        **before,
        "E1": (
            "one@example.fr",
            "one@example.fr",
            "One",
            "Un",
            False,
            "AG-MAR",
            "advisor",
            dt.date(2024, 1, 1),
            dt.date(2024, 6, 30),
            False,
        ),
    }


def test_an_employee_may_change_address(org, frontline, tmp_path):
    path = write(
        tmp_path / "employees.csv",
        EMPLOYEE_HEADER + "\n"
        "E-FRONT,Felix.F@example.fr,Félix,Frontline,AG-LIL,advisor,2020-01-06,,\n",
    )

    assert run_import("employees", path) == Run(
        0, "created 0, updated 1, unchanged 0, rejected 0\n", ""
    )
    user = User.objects.get(pk=frontline.user.pk)
    assert (user.username, user.email) == ("felix.f@example.fr", "felix.f@example.fr")
    assert user.check_password("correct horse battery staple")
    assert not has_rejects(path)
