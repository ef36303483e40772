"""`symetrie import` for customers, identities, interactions, campaigns and deliveries.

On PostgreSQL these run the COPY path (staging table, set-based upsert), on SQLite the
executemany path: the same expectations hold for both.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from symetrie.core.importing import worker
from symetrie.customers.models import Campaign, Customer, Delivery, Identity, Interaction
from symetrie.customers.services import customer_create
from symetrie.org.models import Employee
from tests.conftest import Org, unavailable
from tests.customers.support import has_rejects, rejects_of, run_import, write

NO_CLEANING_PROCESS = "no cleaning process on this system (Linux only)"

UTC = dt.UTC
CUSTOMERS = "external_id,first_name,last_name,segment,language,home_unit_code,advisor_external_id\n"
INTERACTIONS = (
    "external_id,customer_external_id,occurred_at,channel,unit_code,employee_external_id,"
    "subject,summary,outcome\n"
)
CAMPAIGNS = "external_id,name,channel,message,offer,internal_launch,external_launch,end,audience\n"
DELIVERIES = "campaign_external_id,customer_external_id,sent_at,opened_at,clicked_at,converted_at\n"


def customers_state() -> list[tuple[Any, ...]]:
    return list(
        Customer.objects.order_by("external_id").values_list(
            "external_id",
            "first_name",
            "last_name",
            "first_name_folded",
            "last_name_folded",
            "segment",
            "language",
            "home_unit__code",
            "advisor__external_id",
            "preferred_channel",
            "consent_email",
            "consent_sms",
            "consent_phone",
        )
    )


def identities_state() -> list[tuple[str, str, str]]:
    return list(
        Identity.objects.order_by("type", "value").values_list(
            "customer__external_id", "type", "value"
        )
    )


def interactions_state() -> list[tuple[Any, ...]]:
    return list(
        Interaction.objects.order_by("external_id").values_list(
            "external_id",
            "customer__external_id",
            "occurred_at",
            "channel",
            "unit__code",
            "employee__external_id",
            "subject",
            "summary",
            "outcome",
            "campaign__external_id",
        )
    )


@pytest.fixture
def customers(org: Org, frontline: Employee) -> list[Customer]:
    """C-1 served by Agence Lille and advised by Félix; C-2 served by Marseille; C-3 by no one."""
    return [
        customer_create(external_id="C-1", first_name="Élodie", last_name="Lefèvre",
                        segment="premium", home_unit=org.lille, advisor=frontline),
        customer_create(external_id="C-2", first_name="Jean", last_name="Dupont",
                        home_unit=org.marseille),
        customer_create(external_id="C-3", first_name="Zoé", last_name="Martin"),
    ]  # fmt: skip


# ---------------------------------------------------------------- customers


def test_customers_are_created_then_a_rerun_changes_nothing(tmp_path: Path, org, frontline):
    path = write(
        tmp_path / "customers.csv",
        CUSTOMERS
        + "C-1,Élodie,Lefèvre,premium,fr,AG-LIL,E-FRONT\n"
        + "C-2, Jean ,Dupont,,EN,AG-MAR,\n"
        + "C-3,Zoé,Martin,jeune,,,\n",
    )

    first = run_import("customers", path)
    second = run_import("customers", path)

    assert (first.code, first.summary) == (0, "created 3, updated 0, unchanged 0, rejected 0")
    assert (second.code, second.summary) == (0, "created 0, updated 0, unchanged 3, rejected 0")
    assert not has_rejects(path)
    assert customers_state() == [
        ("C-1", "Élodie", "Lefèvre", "elodie", "lefevre", "premium", "fr", "AG-LIL", "E-FRONT",
         "", False, False, False),
        ("C-2", "Jean", "Dupont", "jean", "dupont", "", "en", "AG-MAR", None, "", False, False,
         False),
        ("C-3", "Zoé", "Martin", "zoe", "martin", "jeune", "fr", None, None, "", False, False,
         False),
    ]  # fmt: skip
    assert Customer.objects.get(external_id="C-1").created_at is not None


def test_customers_changed_in_the_file_are_updated_and_only_they(tmp_path: Path, customers):
    before = Customer.objects.get(external_id="C-2").created_at
    path = write(
        tmp_path / "customers.csv",
        CUSTOMERS
        + "C-1,Élodie,Lefèvre,premium,fr,AG-LIL,E-FRONT\n"
        + "C-2,Jean,Dupont-Durand,pro,fr,AG-ROU,\n"
        + "C-3,Zoé,Martin,,fr,,\n"
        + "C-4,Hugo,Petit,,fr,,\n",
    )

    run = run_import("customers", path)

    assert (run.code, run.summary) == (0, "created 1, updated 1, unchanged 2, rejected 0")
    c2 = Customer.objects.select_related("home_unit").get(external_id="C-2")
    assert (c2.last_name, c2.last_name_folded, c2.segment, c2.home_unit and c2.home_unit.code) == (
        "Dupont-Durand", "dupont-durand", "pro", "AG-ROU",
    )  # fmt: skip
    assert c2.created_at == before


def test_bad_customer_rows_are_rejected_naming_line_and_field(tmp_path: Path, org, frontline):
    path = write(
        tmp_path / "customers.csv",
        CUSTOMERS
        + "C-1,Élodie,Lefèvre,premium,fr,AG-LIL,E-FRONT\n"  # 2: fine
        + "C-2,Jean,Dupont,,fr,AG-NOPE,\n"  # 3
        + "C-3,Zoé,Martin,,fr,,E-NOPE\n"  # 4
        + ",Sans,Identifiant,,fr,,\n"  # 5
        + "C-5,Hugo,Petit,,klingon,,\n"  # 6
        + f"C-6,Inès,Moreau,{'x' * 33},fr,,\n"  # 7
        + "C-1,Élodie,Doublon,,fr,,\n"  # 8
        + "C-8,Noël,Girard,,fr\n",  # 9: a field short
    )

    run = run_import("customers", path)

    assert (run.code, run.summary) == (1, "created 1, updated 0, unchanged 0, rejected 7")
    assert rejects_of(path) == [
        ("3", "home_unit_code", "unknown unit “AG-NOPE”"),
        ("4", "advisor_external_id", "unknown employee “E-NOPE”"),
        ("5", "external_id", "is required"),
        ("6", "language", "“klingon” is not one of: en, fr"),
        ("7", "segment", "is too long (33 characters, at most 32)"),
        ("8", "external_id", "“C-1” already appears at line 2 of this file"),
        ("9", "", "the row has 5 fields where the header has 7"),
    ]
    assert [c[0] for c in customers_state()] == ["C-1"]


def test_a_customer_naming_two_unknown_references_is_rejected_for_the_first(tmp_path, org):
    path = write(tmp_path / "c.csv", CUSTOMERS + "C-1,A,B,,fr,AG-NOPE,E-NOPE\n")

    run = run_import("customers", path)

    assert run.summary == "created 0, updated 0, unchanged 0, rejected 1"
    assert rejects_of(path) == [("2", "home_unit_code", "unknown unit “AG-NOPE”")]


def test_optional_columns_absent_from_the_file_are_left_as_they_are(tmp_path: Path, org):
    with_consents = write(
        tmp_path / "with.csv",
        CUSTOMERS.rstrip("\n") + ",preferred_channel,consent_email,consent_sms,consent_phone\n"
        "C-1,Élodie,Lefèvre,,fr,,,téléphone,oui,non,x\n"
        "C-2,Jean,Dupont,,fr,,,,,,\n",
    )
    without = write(tmp_path / "without.csv", CUSTOMERS + "C-1,Élodie,Lefèvre,,fr,,\n")

    assert run_import("customers", with_consents).summary == (
        "created 2, updated 0, unchanged 0, rejected 0"
    )
    assert run_import("customers", without).summary == (
        "created 0, updated 0, unchanged 1, rejected 0"
    )
    assert [row[9:] for row in customers_state()] == [
        ("phone", True, False, True),
        ("", False, False, False),
    ]


def test_a_semicolon_windows_1252_export_is_read(tmp_path: Path, org):
    path = write(
        tmp_path / "clients.csv",
        CUSTOMERS.replace(",", ";") + "C-1;Élodie;Lefèvre;;français;AG-LIL;\r\n",
        encoding="cp1252",
    )

    run = run_import("customers", path)

    assert run.summary == "created 1, updated 0, unchanged 0, rejected 0"
    assert customers_state()[0][:8] == (
        "C-1", "Élodie", "Lefèvre", "elodie", "lefevre", "", "fr", "AG-LIL",
    )  # fmt: skip


def test_a_file_lacking_a_column_is_unreadable_and_nothing_is_written(tmp_path: Path, org):
    path = write(tmp_path / "c.csv", "external_id,first_name\nC-1,A\n")

    run = run_import("customers", path)

    assert run.code == 2
    assert "lacks the column(s): last_name, segment, language" in run.stderr
    assert Customer.objects.count() == 0


# ---------------------------------------------------------------- identities


def test_identifiers_are_stored_in_normal_form_whatever_their_spelling(tmp_path, customers):
    path = write(
        tmp_path / "ids.csv",
        "customer_external_id,type,value\n"
        "C-1,phone,06 12 34 56 78\n"
        "C-1,email, Elodie.Lefevre@Example.FR \n"
        "C-1,carte,1234 5678-9012\n"
        "C-2,account,fr76-3000.6000/0112\n"
        "C-2,contrat,ab-12 34\n"
        "C-3,app_id,zoé@app\n",
    )

    run = run_import("identities", path)

    assert (run.code, run.summary) == (1, "created 5, updated 0, unchanged 0, rejected 1")
    assert identities_state() == [
        ("C-2", "account", "FR76300060000112"),
        ("C-2", "contract", "AB1234"),
        ("C-1", "email", "elodie.lefevre@example.fr"),
        ("C-1", "loyalty_card", "123456789012"),
        ("C-1", "phone", "+33612345678"),
    ]
    assert rejects_of(path) == [
        ("7", "value", "“zoé@app” is not an identifier (letters and digits only)"),
    ]


def test_one_number_however_typed_is_one_identifier(tmp_path: Path, customers):
    first = write(tmp_path / "a.csv", "customer_external_id,type,value\nC-1,phone,06 12 34 56 78\n")
    again = write(
        tmp_path / "b.csv",
        "customer_external_id,type,value\nC-1,téléphone,+33 6 12 34 56 78\nC-1,mobile,0612345678\n",
    )

    assert run_import("identities", first).summary == (
        "created 1, updated 0, unchanged 0, rejected 0"
    )
    run = run_import("identities", again)

    assert run.summary == "created 0, updated 0, unchanged 1, rejected 1"
    assert rejects_of(again) == [
        ("3", "value", "“phone:+33612345678” already appears at line 2 of this file")
    ]
    assert identities_state() == [("C-1", "phone", "+33612345678")]


def test_an_identifier_of_another_customer_is_rejected_not_moved(tmp_path: Path, customers):
    write(tmp_path / "a.csv", "customer_external_id,type,value\nC-1,loyalty_card,4970 1234\n")
    run_import("identities", tmp_path / "a.csv")
    path = write(
        tmp_path / "b.csv",
        "customer_external_id,type,value\nC-2,loyalty_card,4970-1234\nC-2,email,jean@example.fr\n",
    )

    run = run_import("identities", path)

    assert run.summary == "created 1, updated 0, unchanged 0, rejected 1"
    assert rejects_of(path) == [("2", "value", "already belongs to customer “C-1”")]
    assert identities_state() == [
        ("C-2", "email", "jean@example.fr"),
        ("C-1", "loyalty_card", "49701234"),
    ]


def test_bad_identity_rows_are_rejected_naming_the_field(tmp_path: Path, customers):
    path = write(
        tmp_path / "ids.csv",
        "customer_external_id,type,value\n"
        "C-9,email,nobody@example.fr\n"  # 2
        "C-1,fax,01 23 45 67 89\n"  # 3
        "C-1,phone,12\n"  # 4
        "C-1,email,not-an-address\n"  # 5
        "C-1,email,\n"  # 6
        ",email,a@example.fr\n",  # 7
    )

    run = run_import("identities", path)

    assert (run.code, run.summary) == (1, "created 0, updated 0, unchanged 0, rejected 6")
    assert rejects_of(path) == [
        ("2", "customer_external_id", "unknown customer “C-9”"),
        ("3", "type", "“fax” is not one of: account, app_id, contract, email, loyalty_card, "
                      "phone"),
        ("4", "value", "“12” is not a phone number"),
        ("5", "value", "“not-an-address” is not an e-mail address"),
        ("6", "value", "is required"),
        ("7", "customer_external_id", "is required"),
    ]  # fmt: skip
    assert Identity.objects.count() == 0


# ---------------------------------------------------------------- interactions


@pytest.fixture(params=["in a thread", "in a process"])
def cleaning(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A small file of interactions is cleaned in a thread, a big one in a process of its own
    (`worker.cleaned_apart`): these tests run both ways, whatever the size of their files."""
    from symetrie.core.importing import files

    apart = request.param == "in a process"
    if apart and not worker.CAN_FORK:
        unavailable(NO_CLEANING_PROCESS)
    monkeypatch.setattr(files, "APART_FROM_BYTES", 0 if apart else 1 << 62)
    return str(request.param)


@pytest.fixture
def campaign(customers) -> Campaign:
    return Campaign.objects.create(
        external_id="CAMP-1", name="Printemps", channel="email", message="Offre",
        internal_launch=dt.date(2024, 3, 1), external_launch=dt.date(2024, 3, 8),
        end=dt.date(2024, 4, 30),
    )  # fmt: skip


@pytest.mark.usefixtures("cleaning")
def test_interactions_are_imported_with_times_in_paris_and_rerun_unchanged(
    tmp_path: Path, customers, campaign
):
    path = write(
        tmp_path / "interactions.csv",
        INTERACTIONS.rstrip("\n") + ",campaign_external_id\n"
        "I-1,C-1,2024-03-01T10:15,agence,AG-LIL,E-FRONT,Prêt immobilier,Simulation remise,"
        "rappel prévu,\n"
        "I-2,C-1,15/07/2024 14:30,téléphone,,,Carte bloquée,,résolu,CAMP-1\n"
        "I-3,C-2,2024-03-01T10:15:00+00:00,app,,,Virement,,,\n"
        'I-4,C-3,01/12/2024,EMAIL,,,Question,"Bonjour, merci",,\n',
    )

    first = run_import("interactions", path)
    second = run_import("interactions", path)

    assert (first.code, first.summary) == (0, "created 4, updated 0, unchanged 0, rejected 0")
    assert (second.code, second.summary) == (0, "created 0, updated 0, unchanged 4, rejected 0")
    assert interactions_state() == [
        ("I-1", "C-1", dt.datetime(2024, 3, 1, 9, 15, tzinfo=UTC), "branch", "AG-LIL", "E-FRONT",
         "Prêt immobilier", "Simulation remise", "rappel prévu", None),
        ("I-2", "C-1", dt.datetime(2024, 7, 15, 12, 30, tzinfo=UTC), "phone", None, None,
         "Carte bloquée", "", "résolu", "CAMP-1"),
        ("I-3", "C-2", dt.datetime(2024, 3, 1, 10, 15, tzinfo=UTC), "app", None, None,
         "Virement", "", "", None),
        ("I-4", "C-3", dt.datetime(2024, 11, 30, 23, 0, tzinfo=UTC), "email", None, None,
         "Question", "Bonjour, merci", "", None),
    ]  # fmt: skip


@pytest.mark.usefixtures("cleaning")
def test_changed_interactions_are_updated(tmp_path: Path, customers, campaign):
    write(tmp_path / "a.csv", INTERACTIONS + "I-1,C-1,2024-03-01T10:15,branch,,,Prêt,,\n"
          "I-2,C-2,2024-03-02T10:15,web,,,Connexion,,\n")  # fmt: skip
    run_import("interactions", tmp_path / "a.csv")
    path = write(
        tmp_path / "b.csv",
        INTERACTIONS + "I-1,C-1,2024-03-01T10:15,branch,AG-LIL,,Prêt,,accordé\n"
        "I-2,C-2,2024-03-02T10:15,web,,,Connexion,,\n"
        "I-3,C-3,2024-03-03T10:15,chat,,,Bonjour,,\n",
    )

    run = run_import("interactions", path)

    assert run.summary == "created 1, updated 1, unchanged 1, rejected 0"
    assert interactions_state()[0][4:] == ("AG-LIL", None, "Prêt", "", "accordé", None)


@pytest.mark.usefixtures("cleaning")
def test_an_interaction_naming_anything_unknown_is_rejected_with_that_reason(
    tmp_path: Path, customers, campaign
):
    path = write(
        tmp_path / "interactions.csv",
        INTERACTIONS.rstrip("\n") + ",campaign_external_id\n"
        "I-1,C-1,2024-03-01T10:15,branch,AG-LIL,E-FRONT,Ok,,,CAMP-1\n"  # 2: fine
        "I-2,C-9,2024-03-01T10:15,branch,,,Client inconnu,,,\n"  # 3
        "I-3,C-1,2024-03-01T10:15,branch,AG-NOPE,,Agence inconnue,,,\n"  # 4
        "I-4,C-1,2024-03-01T10:15,branch,,E-NOPE,Employé inconnu,,,\n"  # 5
        "I-5,C-1,2024-03-01T10:15,email,,,Campagne inconnue,,,CAMP-9\n"  # 6
        "I-6,C-1,31/02/2024 10:00,branch,,,Date,,,\n"  # 7
        "I-7,C-1,hier,branch,,,Date,,,\n"  # 8
        "I-8,C-1,2024-03-01T10:15,pigeon,,,Canal,,,\n"  # 9
        "I-9,C-1,2024-03-01T10:15,branch,,,,,,\n"  # 10
        "I-1,C-2,2024-03-01T10:15,branch,,,Doublon,,,\n"  # 11
        ",C-1,2024-03-01T10:15,branch,,,Sans id,,,\n",  # 12
    )

    run = run_import("interactions", path)

    assert (run.code, run.summary) == (1, "created 1, updated 0, unchanged 0, rejected 10")
    date_hint = "is not a date and time (use YYYY-MM-DDTHH:MM or DD/MM/YYYY HH:MM)"
    assert rejects_of(path) == [
        ("3", "customer_external_id", "unknown customer “C-9”"),
        ("4", "unit_code", "unknown unit “AG-NOPE”"),
        ("5", "employee_external_id", "unknown employee “E-NOPE”"),
        ("6", "campaign_external_id", "unknown campaign “CAMP-9”"),
        ("7", "occurred_at", f"“31/02/2024 10:00” {date_hint}"),
        ("8", "occurred_at", f"“hier” {date_hint}"),
        ("9", "channel", "“pigeon” is not one of: app, branch, chat, email, letter, phone, "
                         "social, web"),
        ("10", "subject", "is required"),
        ("11", "external_id", "“I-1” already appears at line 2 of this file"),
        ("12", "external_id", "is required"),
    ]  # fmt: skip
    assert [row[0] for row in interactions_state()] == ["I-1"]


@pytest.mark.usefixtures("cleaning")
def test_rejects_keep_their_lines_across_batches(tmp_path: Path, customers):
    rows = [f"I-{n},C-{'9' if n % 3 == 0 else '1'},2024-03-01T10:{n:02d},web,,,S{n},,\n"
            for n in range(1, 11)]  # fmt: skip
    path = write(tmp_path / "interactions.csv", INTERACTIONS + "".join(rows))

    run = run_import("interactions", path, "--batch-size", "4")

    assert run.summary == "created 7, updated 0, unchanged 0, rejected 3"
    assert rejects_of(path) == [
        (str(n + 1), "customer_external_id", "unknown customer “C-9”") for n in (3, 6, 9)
    ]


@pytest.mark.usefixtures("cleaning")
def test_interactions_in_json_lines(tmp_path: Path, customers):
    path = write(
        tmp_path / "interactions.jsonl",
        '{"external_id": "I-1", "customer_external_id": "C-1", "occurred_at": '
        '"2024-03-01T10:15:00+01:00", "channel": "chat", "subject": "Bonjour"}\n'
        '{"external_id": "I-2", "customer_external_id": "C-1", "occurred_at": "2024-03-02", '
        '"channel": "web", "subject": "Connexion", "unit_code": null, "outcome": 3}\n',
    )

    run = run_import("interactions", path)

    assert run.summary == "created 2, updated 0, unchanged 0, rejected 0"
    assert [row[:4] + row[8:9] for row in interactions_state()] == [
        ("I-1", "C-1", dt.datetime(2024, 3, 1, 9, 15, tzinfo=UTC), "chat", ""),
        ("I-2", "C-1", dt.datetime(2024, 3, 1, 23, 0, tzinfo=UTC), "web", "3"),
    ]


# ---------------------------------------------------------------- campaigns and deliveries


def test_campaigns_are_imported_and_dates_checked(tmp_path: Path, org):
    path = write(
        tmp_path / "campaigns.csv",
        CAMPAIGNS + "CAMP-1,Printemps,email,Profitez de -20%,Remise 20 %,2024-03-01,08/03/2024,"
        "2024-04-30,premium|jeune| premium\n"  # 2: fine
        + "CAMP-2,Été,sms,Message,,2024-06-01,2024-06-08,2024-07-31,\n"  # 3
        + "CAMP-3,Automne,email,Message,,2024-09-08,2024-09-01,2024-10-31,\n"  # 4
        + "CAMP-4,Hiver,email,Message,,2024-12-01,2024-12-08,2024-12-07,\n"  # 5
        + "CAMP-5,Noël,courrier,,,2024-12-01,2024-12-08,2024-12-31,\n"  # 6
        + "CAMP-6,Rentrée,web,Message,,2024-08-25,2024-09-01,2024-09-30,\n",  # 7: fine
    )

    first = run_import("campaigns", path)
    second = run_import("campaigns", path)

    assert (first.code, first.summary) == (1, "created 2, updated 0, unchanged 0, rejected 4")
    assert second.summary == "created 0, updated 0, unchanged 2, rejected 4"
    assert rejects_of(path) == [
        ("3", "channel", "“sms” is not one of: app, branch, chat, email, letter, phone, social, "
                         "web"),
        ("4", "external_launch", "is before the internal launch"),
        ("5", "end", "is before the external launch"),
        ("6", "message", "is required"),
    ]  # fmt: skip
    assert list(
        Campaign.objects.order_by("external_id").values_list(
            "external_id", "name", "channel", "offer", "audience_segments", "internal_launch",
            "external_launch", "end",
        )
    ) == [
        ("CAMP-1", "Printemps", "email", "Remise 20 %", ["jeune", "premium"],
         dt.date(2024, 3, 1), dt.date(2024, 3, 8), dt.date(2024, 4, 30)),
        ("CAMP-6", "Rentrée", "web", "", [], dt.date(2024, 8, 25), dt.date(2024, 9, 1),
         dt.date(2024, 9, 30)),
    ]  # fmt: skip


def test_a_campaign_file_without_audience_keeps_the_stored_one(tmp_path: Path, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(audience_segments=["premium"])
    path = write(
        tmp_path / "c.csv",
        CAMPAIGNS.replace(",audience", "")
        + "CAMP-1,Printemps,email,Offre,,2024-03-01,2024-03-08,2024-04-30\n",
    )

    run = run_import("campaigns", path)

    assert run.summary == "created 0, updated 0, unchanged 1, rejected 0"
    campaign.refresh_from_db()
    assert campaign.audience_segments == ["premium"]


def test_deliveries_by_campaign_and_customer(tmp_path: Path, customers, campaign):
    path = write(
        tmp_path / "deliveries.csv",
        DELIVERIES
        + "CAMP-1,C-1,2024-03-08T09:00,2024-03-08T12:00,,\n"  # 2
        + "CAMP-1,C-2,2024-03-08T09:00,,,\n"  # 3
        + "CAMP-9,C-3,2024-03-08T09:00,,,\n"  # 4
        + "CAMP-1,C-9,2024-03-08T09:00,,,\n"  # 5
        + "CAMP-1,C-3,2024-03-08T09:00,2024-03-07T09:00,,\n"  # 6
        + "CAMP-1,C-1,2024-03-09T09:00,,,\n",  # 7
    )

    run = run_import("deliveries", path)

    assert (run.code, run.summary) == (1, "created 2, updated 0, unchanged 0, rejected 4")
    assert rejects_of(path) == [
        ("4", "campaign_external_id", "unknown campaign “CAMP-9”"),
        ("5", "customer_external_id", "unknown customer “C-9”"),
        ("6", "opened_at", "is before sent_at"),
        ("7", "customer_external_id", "“CAMP-1 / C-1” already appears at line 2 of this file"),
    ]
    opened = write(
        tmp_path / "again.csv",
        DELIVERIES
        + "CAMP-1,C-1,2024-03-08T09:00,2024-03-08T12:00,,\n"
        + "CAMP-1,C-2,2024-03-08T09:00,2024-03-09T10:00,2024-03-09T10:01,2024-03-10\n",
    )
    assert run_import("deliveries", opened).summary == (
        "created 0, updated 1, unchanged 1, rejected 0"
    )
    assert list(
        Delivery.objects.order_by("customer__external_id").values_list(
            "customer__external_id", "sent_at", "opened_at", "clicked_at", "converted_at"
        )
    ) == [
        ("C-1", dt.datetime(2024, 3, 8, 8, tzinfo=UTC), dt.datetime(2024, 3, 8, 11, tzinfo=UTC),
         None, None),
        ("C-2", dt.datetime(2024, 3, 8, 8, tzinfo=UTC), dt.datetime(2024, 3, 9, 9, tzinfo=UTC),
         dt.datetime(2024, 3, 9, 9, 1, tzinfo=UTC), dt.datetime(2024, 3, 9, 23, tzinfo=UTC)),
    ]  # fmt: skip


# ---------------------------------------------------------------- crash safety


def _numbered(count: int) -> str:
    return INTERACTIONS + "".join(
        f"I-{n},C-1,2024-03-01T10:{n:02d},web,,,S{n},,\n" for n in range(1, count + 1)
    )


@pytest.mark.usefixtures("cleaning")
def test_a_batch_failing_mid_file_keeps_the_batches_before_and_a_rerun_completes(
    tmp_path: Path, customers, monkeypatch
):
    from symetrie.customers import bulk

    path = write(tmp_path / "interactions.csv", _numbered(10))
    real = bulk.staged_upsert
    calls = []

    def dying(spec: Any, lines: Any) -> Any:
        calls.append(len(lines))
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return real(spec, lines)

    monkeypatch.setattr(bulk, "staged_upsert", dying)
    with pytest.raises(RuntimeError, match="went away"):
        run_import("interactions", path, "--batch-size", "4")
    monkeypatch.setattr(bulk, "staged_upsert", real)

    # Two batches of four were written before the third failed.
    assert sorted(row[0] for row in interactions_state()) == sorted(f"I-{n}" for n in range(1, 9))
    rerun = run_import("interactions", path, "--batch-size", "4")
    assert rerun.summary == "created 2, updated 0, unchanged 8, rejected 0"


@pytest.mark.usefixtures("cleaning")
def test_an_error_while_cleaning_stops_the_import_after_the_batches_before(
    tmp_path: Path, customers, monkeypatch
):
    from symetrie.customers.imports import InteractionKind

    path = write(tmp_path / "interactions.csv", _numbered(10))
    real = InteractionKind.clean

    def broken(self: InteractionKind, row: Any) -> Any:
        if row["external_id"] == "I-7":
            raise RuntimeError("a bug in clean")
        return real(self, row)

    monkeypatch.setattr(InteractionKind, "clean", broken)
    monkeypatch.setattr(InteractionKind, "cells_cleaner", lambda self, columns: None)
    with pytest.raises(RuntimeError, match="a bug in clean"):
        run_import("interactions", path, "--batch-size", "3")

    assert sorted(row[0] for row in interactions_state()) == sorted(f"I-{n}" for n in range(1, 7))


# ---------------------------------------------------------------- new rows straight into the table


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the COPY of new rows is PostgreSQL's path"
)
@pytest.mark.usefixtures("cleaning")
def test_keys_inserted_meanwhile_by_another_writer_send_the_batch_the_staged_way(
    tmp_path: Path, customers, monkeypatch
):
    """If the lookup of existing keys misses a row (another import inserted it since), the COPY
    fails on the unique key; the batch then goes through the upsert, and counts stay right."""
    from symetrie.core.importing import sql

    write(tmp_path / "a.csv", INTERACTIONS + "I-1,C-1,2024-03-01T10:15,branch,,,Prêt,,\n")
    run_import("interactions", tmp_path / "a.csv")
    path = write(
        tmp_path / "b.csv",
        INTERACTIONS + "I-1,C-1,2024-03-01T10:15,branch,,,Prêt,,\n"
        "I-2,C-9,2024-03-02T10:15,web,,,Inconnu,,\n"
        "I-3,C-2,2024-03-03T10:15,chat,,,Bonjour,,\n",
    )
    real = sql._NewRowsByCopy.write

    def blind(self: Any, lines: Any, result: Any) -> Any:
        query = self.exists
        self.exists = query + " AND false"  # sees no existing key, as if I-1 were not there yet
        try:
            return real(self, lines, result)
        finally:
            self.exists = query

    monkeypatch.setattr(sql._NewRowsByCopy, "write", blind)
    run = run_import("interactions", path)

    assert (run.code, run.summary) == (1, "created 1, updated 0, unchanged 1, rejected 1")
    assert rejects_of(path) == [("3", "customer_external_id", "unknown customer “C-9”")]
    assert [row[:2] for row in interactions_state()] == [("I-1", "C-1"), ("I-3", "C-2")]


@pytest.mark.usefixtures("cleaning")
def test_a_batch_with_an_existing_key_among_new_ones_counts_each_row_once(
    tmp_path: Path, customers
):
    """A big batch is COPYed whole when a few of its keys, probed, are new: an existing key
    that the probe missed (here the sixth of forty) is caught, and the batch written right."""
    write(tmp_path / "a.csv", INTERACTIONS + "I-06,C-1,2024-03-01T10:06,web,,,Avant,,\n")
    run_import("interactions", tmp_path / "a.csv")
    path = write(
        tmp_path / "b.csv",
        INTERACTIONS
        + "".join(f"I-{n:02d},C-2,2024-03-01T10:{n:02d},web,,,S{n},,\n" for n in range(1, 41)),
    )

    run = run_import("interactions", path)

    assert (run.code, run.summary) == (0, "created 39, updated 1, unchanged 0, rejected 0")
    state = interactions_state()
    assert [row[0] for row in state] == [f"I-{n:02d}" for n in range(1, 41)]
    assert {row[1] for row in state} == {"C-2"}
    assert state[5][6] == "S6"


@pytest.mark.usefixtures("cleaning")
def test_interactions_follow_their_customer_and_campaign_when_deleted(
    tmp_path: Path, customers, campaign
):
    """No database constraint on the timeline's references: Django's on_delete does it."""
    path = write(
        tmp_path / "interactions.csv",
        INTERACTIONS.rstrip("\n") + ",campaign_external_id\n"
        "I-1,C-1,2024-03-01T10:15,email,,,Offre,,,CAMP-1\n"
        "I-2,C-2,2024-03-02T10:15,email,,,Offre,,,CAMP-1\n",
    )
    run_import("interactions", path)

    customers[0].delete()
    campaign.delete()

    assert [row[:2] + row[9:] for row in interactions_state()] == [("I-2", "C-2", None)]


# ---------------------------------------------------------------- cleaned in a process of its own


@pytest.fixture
def cleaning_process() -> None:
    if not worker.CAN_FORK:
        unavailable(NO_CLEANING_PROCESS)


apart_only = pytest.mark.usefixtures("cleaning_process")


@apart_only
def test_a_clean_that_would_use_the_database_stops_the_import_and_harms_nothing(
    tmp_path: Path, customers, monkeypatch
):
    """The cleaning process shares this one's connections: it must never use them (it would
    speak on this process's session); it refuses to, and says so here."""
    from symetrie.core.importing import files
    from symetrie.customers.imports import InteractionKind

    monkeypatch.setattr(files, "APART_FROM_BYTES", 0)
    real = InteractionKind.clean

    def querying(self: InteractionKind, row: Any) -> Any:
        Customer.objects.count()
        return real(self, row)

    monkeypatch.setattr(InteractionKind, "clean", querying)
    monkeypatch.setattr(InteractionKind, "cells_cleaner", lambda self, columns: None)
    with pytest.raises(RuntimeError, match="must not use the database"):
        run_import("interactions", write(tmp_path / "interactions.csv", _numbered(3)))

    # This process's connection (inside the test's transaction) is as it was.
    assert Customer.objects.count() == 3
    assert interactions_state() == []


@apart_only
def test_an_error_that_cannot_be_pickled_still_tells_what_happened(
    tmp_path: Path, customers, monkeypatch
):
    from symetrie.core.importing import files
    from symetrie.customers.imports import InteractionKind

    class Odd(Exception):
        def __init__(self, handle: Any) -> None:
            super().__init__("an odd failure")
            self.handle = handle

    monkeypatch.setattr(files, "APART_FROM_BYTES", 0)

    def broken(self: InteractionKind, row: Any) -> Any:
        raise Odd(lambda: None)  # a lambda does not pickle

    monkeypatch.setattr(InteractionKind, "clean", broken)
    monkeypatch.setattr(InteractionKind, "cells_cleaner", lambda self, columns: None)
    with pytest.raises(RuntimeError, match="an odd failure"):
        run_import("interactions", write(tmp_path / "interactions.csv", _numbered(3)))


@apart_only
def test_rejects_made_in_the_cleaning_process_are_in_the_callers_language(
    tmp_path: Path, customers, monkeypatch
):
    from django.core.management import call_command
    from django.utils import translation
    from django.utils.translation import gettext

    from symetrie.core.importing import files

    monkeypatch.setattr(files, "APART_FROM_BYTES", 0)
    path = write(
        tmp_path / "interactions.csv",
        INTERACTIONS + "I-1,C-1,2024-03-01T10:15,web,,,,,\nI-2,C-9,2024-03-01T10:15,web,,,S,,\n",
    )
    with translation.override("fr"):
        required, unknown = gettext("is required"), gettext("unknown customer “%(value)s”")
        with pytest.raises(SystemExit):
            call_command("import", "interactions", str(path), "--no-progress")

    assert required != "is required"
    assert rejects_of(path) == [
        ("2", "subject", required),
        ("3", "customer_external_id", unknown % {"value": "C-9"}),
    ]


@pytest.mark.usefixtures("cleaning")
def test_a_rejected_row_goes_to_the_rejects_file_as_it_was_in_the_file(tmp_path: Path, customers):
    """The writer rejects a row naming an unknown customer: the rejects file shows the row's
    cells as read (spaces, spelling, quotes), whichever process cleaned it."""
    import csv
    import io

    path = write(
        tmp_path / "interactions.csv",
        INTERACTIONS + "I-1,C-1,2024-03-01T10:15,web,,,Ok,,\n"
        'I-2, C-9 ,01/03/2024 10:15,Téléphone,,,"Frais, encore",« trop »,\n'
        "I-3,C-8,2024-03-01T10:15,web,,,Sujet,,\n",
    )

    run = run_import("interactions", path)

    assert run.summary == "created 1, updated 0, unchanged 0, rejected 2"
    text = (tmp_path / "interactions.csv.rejects.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == [
        "3", "customer_external_id", "unknown customer “C-9”",
        "I-2", " C-9 ", "01/03/2024 10:15", "Téléphone", "", "", "Frais, encore", "« trop »", "",
        "",
    ]  # fmt: skip
    assert rows[2] == [
        "4", "customer_external_id", "unknown customer “C-8”",
        "I-3", "C-8", "2024-03-01T10:15", "web", "", "", "Sujet", "", "", "",
    ]  # fmt: skip


KILLED_ROWS = 80_000  # over 8 MB: cleaned in a process of its own
KILLED_BATCH = 1_000


def _big_interactions(path: Path) -> Path:
    summary = "Le client souhaite comprendre les frais prélevés ; explications données."
    with path.open("w", encoding="utf-8") as handle:
        handle.write(INTERACTIONS)
        for n in range(KILLED_ROWS):
            handle.write(f"I-{n:06d},C-{n % 3 + 1},2024-03-01T10:15,web,,,Frais,{summary},ok\n")
    return path


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.django_db(transaction=True)
@apart_only
def test_a_big_import_killed_midway_loses_one_batch_at_most_and_its_cleaner_goes_too(
    tmp_path: Path, customers
):
    if not Path("/proc/self/stat").exists():
        unavailable("this test finds the cleaning process in /proc")
    import time

    from symetrie.core.importing import files
    from tests.core.imports_support import kill, run_symetrie, start_symetrie, wait_for_rows

    path = _big_interactions(tmp_path / "interactions.csv")
    assert path.stat().st_size >= files.APART_FROM_BYTES
    args = ("import", "interactions", str(path), "--batch-size", str(KILLED_BATCH))
    process = start_symetrie(*args)
    wait_for_rows(process, Interaction.objects.count, 2 * KILLED_BATCH)
    cleaners = _children(process.pid)
    kill(process)

    committed = Interaction.objects.count()
    assert len(cleaners) == 1, "the import had no cleaning process"
    assert 0 < committed < KILLED_ROWS, "the kill came too late to test anything"
    assert committed % KILLED_BATCH == 0, "a batch was committed in part"
    deadline = time.monotonic() + 10
    while _alive(cleaners[0]):
        assert time.monotonic() < deadline, "the cleaning process outlived its import"
        time.sleep(0.05)

    done = run_symetrie(*args, timeout=120)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        f"created {KILLED_ROWS - committed}, updated 0, unchanged {committed}, rejected 0"
    )
    assert Interaction.objects.count() == KILLED_ROWS
    assert not has_rejects(path)
