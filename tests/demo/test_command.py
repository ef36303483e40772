"""`symetrie demo`: builds once, says so the next time, rebuilds with --reset, then serves."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from symetrie.demo.management.commands import demo as demo_command
from symetrie.demo.personas import DEMO_PASSWORD, PERSONAS
from symetrie.org.models import Employee, Unit

# The command runs migrations and wipes with --reset: outside a test transaction.
pytestmark = pytest.mark.usefixtures("transactional_db")


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--no-serve", "--today", "2025-06-16", *args, stdout=out)
    return out.getvalue()


def first_employee_name() -> str:
    return str(Employee.objects.select_related("user").order_by("external_id").first())


def test_builds_the_demo_and_prints_every_persona_login():
    output = run()

    assert "Built in" in output
    assert "60 agencies" in output
    assert f"password: {DEMO_PASSWORD}" in output
    for spec in PERSONAS:
        assert spec.email in output
    assert Unit.objects.filter(kind="agency").count() == 60


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

    call_command("demo", "--addr", "127.0.0.1:8123", stdout=out)

    assert calls == [("runserver", "127.0.0.1:8123", {"use_reloader": False})]
    assert "directeur.agence@demo.symetrie.fr" in out.getvalue()


def test_a_bad_reference_date_is_refused():
    with pytest.raises(CommandError, match="--today"):
        call_command("demo", "--no-serve", "--today", "16/06/2025")
