"""`symetrie demo`: builds once, says so the next time, rebuilds with --reset, then serves."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from symetrie.customers.models import Identity
from symetrie.demo.management.commands import demo as demo_command
from symetrie.demo.personas import DEMO_PASSWORD, PERSONAS
from symetrie.org.models import Employee, Unit
from tests.demo.conftest import TEST_SIZE

# The command runs migrations and wipes with --reset: outside a test transaction.
pytestmark = pytest.mark.usefixtures("transactional_db")


def run(*args: str) -> str:
    out = StringIO()
    call_command(
        "demo", "--no-serve", "--today", "2025-06-16", "--size", TEST_SIZE, *args, stdout=out
    )
    return out.getvalue()


def first_employee_name() -> str:
    return str(Employee.objects.select_related("user").order_by("external_id").first())


def test_builds_the_demo_and_prints_every_persona_login():
    output = run()

    assert "Built in" in output
    assert "60 agencies" in output
    assert "1200 customers" in output
    assert f"password: {DEMO_PASSWORD}" in output
    for spec in PERSONAS:
        assert spec.email in output
    assert Unit.objects.filter(kind="agency").count() == 60


def test_prints_a_loyalty_card_for_the_frontline_persona_to_search_for():
    lines = run().splitlines()
    frontline = next(i for i, line in enumerate(lines) if "Frontline employee" in line)
    hint = lines[frontline + 1].strip()
    card = hint.removeprefix("try: search for ").split()[0]

    assert hint.startswith("try: search for ")
    assert Identity.objects.filter(type="loyalty_card", value=card).exists()
    # Printed again when the demo is served as it is, from the database.
    assert f"try: search for {card}" in run()


def test_a_second_run_keeps_the_data_and_reset_rebuilds_it():
    run()
    name = first_employee_name()

    again = run("--seed", "7")
    assert "already holds" in again
    assert "Built in" not in again
    assert first_employee_name() == name
    assert "conseiller@demo.symetrie.fr" in again

    rebuilt = run("--seed", "7", "--reset")
    assert "Built in" in rebuilt
    assert first_employee_name() != name
    assert Unit.objects.filter(code="AG-LYON-PART-DIEU").count() == 1


def test_serves_after_printing_the_logins(monkeypatch):
    calls: list[tuple[Any, ...]] = []
    real_call_command = demo_command.call_command

    def fake(name: str, *args: Any, **options: Any) -> None:
        if name == "runserver":
            calls.append((name, *args, options))
        else:
            real_call_command(name, *args, **options)

    monkeypatch.setattr(demo_command, "call_command", fake)
    out = StringIO()

    call_command("demo", "--addr", "127.0.0.1:8123", "--size", TEST_SIZE, stdout=out)

    assert calls == [("runserver", "127.0.0.1:8123", {"use_reloader": False})]
    assert "directeur.agence@demo.symetrie.fr" in out.getvalue()


def test_a_bad_reference_date_is_refused():
    with pytest.raises(CommandError, match="--today"):
        call_command("demo", "--no-serve", "--today", "16/06/2025")


def test_an_unknown_size_is_refused_naming_the_sizes_on_offer():
    with pytest.raises(
        CommandError, match=r"--size: invalid choice: 'medium' \(choose from small, large\)"
    ):
        call_command("demo", "--no-serve", "--size", "medium")


def test_prints_the_listening_summary_the_results_page_and_a_survey_link():
    from symetrie.listening.distribution import invitation_for_token

    output = run()
    lines = output.splitlines()
    manager = next(i for i, line in enumerate(lines) if "Agency manager" in line)
    link = next(line for line in lines if "answer a survey at" in line).split()[-1]
    token = link.rstrip("/").rsplit("/", 1)[-1]
    invitation = invitation_for_token(token)

    assert "Listening in" in output and "6 surveys" in output
    assert lines[manager + 1].strip().startswith("see: /results/")
    assert invitation is not None and not invitation.used
    assert invitation.survey.external_id == "DEMO-NPS-RELATION"
    # The showcase customer's own link the first time; served again, a fresh one.
    assert invitation.customer is not None
    again = next(line for line in run().splitlines() if "answer a survey at" in line)
    assert again.split()[-1] != link
