"""Reminders before and at the due date of cases and commitments, by e-mail, never twice;
`symetrie remind` runs them or queues them for the worker."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from symetrie.cases import services
from symetrie.cases.models import Case, Commitment
from symetrie.cases.services import ReminderCounts, reminders_send
from tests.cases.conftest import paris

# Monday 24 November 2025, 10:00: the complaint (due Tuesday 25 at 17:00) is 16 business hours
# away, within the 24-hour lead.
MONDAY = paris(2025, 11, 24, 10)


@pytest.fixture
def planned(complaint, frontline):
    commitment = Commitment.objects.create(
        case=complaint, text="Je vous rappelle mardi", due_at=paris(2025, 11, 25, 11),
        made_by=frontline,
    )  # fmt: skip
    return commitment


def sent() -> list[tuple[str, list[str]]]:
    return [(message.subject, message.to) for message in mail.outbox]


def test_reminders_before_the_due_date(complaint, planned, frontline):
    counts = reminders_send(now=MONDAY)

    assert counts == ReminderCounts(cases_before=1, commitments_before=1)
    ref = complaint.external_id
    assert sent() == [
        (f"Le dossier {ref} arrive à échéance le 25/11/2025 17:00", ["félix.frontline@example.fr"]),
        ("Engagement à échéance le 25/11/2025 11:00\u00a0: Je vous rappelle mardi",
         ["félix.frontline@example.fr"]),
    ]  # fmt: skip
    assert mail.outbox[0].body == (
        f"Le dossier {ref} arrive à échéance le 25/11/2025 17:00\n\n"
        "Objet\u00a0: Frais prélevés deux fois\n"
        "Statut\u00a0: Nouveau\nProchaine étape\u00a0: –"
    )
    complaint.refresh_from_db()
    assert complaint.reminded_before_due_at == MONDAY
    events = list(complaint.events.filter(kind="reminder").order_by("pk"))
    assert [(e.actor, e.data) for e in events] == [
        (None, {"which": "before", "commitment": None, "to": ["E-FRONT"]}),
        (None, {"which": "before", "commitment": planned.pk, "to": ["E-FRONT"]}),
    ]


def test_nothing_is_sent_twice(complaint, planned):
    reminders_send(now=MONDAY)
    assert reminders_send(now=MONDAY + dt.timedelta(hours=1)) == ReminderCounts()
    assert len(mail.outbox) == 2


def test_reminders_at_the_due_date(complaint, planned):
    reminders_send(now=MONDAY)
    tuesday_evening = paris(2025, 11, 25, 17)
    counts = reminders_send(now=tuesday_evening)
    assert counts == ReminderCounts(cases_due=1, commitments_due=1)
    assert [subject for subject, _to in sent()[2:]] == [
        f"Le dossier {complaint.external_id} est en retard (échéance le 25/11/2025 17:00)",
        "Engagement en retard (échéance le 25/11/2025 11:00)\u00a0: Je vous rappelle mardi",
    ]
    assert reminders_send(now=tuesday_evening + dt.timedelta(days=3)) == ReminderCounts()


def test_the_lead_is_in_business_hours_and_configurable(complaint, settings):
    # Friday 17:30: Tuesday 17:00 is 17.5 business hours away, within 24.
    assert reminders_send(now=paris(2025, 11, 21, 17, 30)).cases_before == 1
    Case.objects.filter(pk=complaint.pk).update(reminded_before_due_at=None)
    settings.CASES_REMINDER_LEAD_HOURS = 8
    assert reminders_send(now=paris(2025, 11, 24, 17)).cases_before == 0  # 9 hours away
    assert reminders_send(now=paris(2025, 11, 25, 9)).cases_before == 1  # 8 hours away


def test_a_case_already_overdue_gets_only_the_overdue_reminder(complaint):
    assert reminders_send(now=paris(2025, 12, 1, 9)) == ReminderCounts(cases_due=1)


def test_closed_cases_and_kept_commitments_are_not_reminded(complaint, planned, frontline):
    services.commitment_done(actor=frontline, commitment=planned)
    services.case_transition(actor=frontline, case=complaint, to="resolved")
    assert reminders_send(now=paris(2025, 12, 1, 9)) == ReminderCounts()
    assert mail.outbox == []


def test_an_unowned_case_reminds_the_unit_s_manager(frontline, manager):
    case = services.case_open(
        actor=frontline, audience="employee", type="internal_request", subject="Badge",
        opened_at=paris(2025, 11, 21, 17),
    )  # fmt: skip
    reminders_send(now=paris(2026, 1, 5, 9))
    assert sent() == [
        (f"Le dossier {case.external_id} est en retard (échéance le 28/11/2025 17:00)",
         ["mona.manager@example.fr"]),
    ]  # fmt: skip


def test_a_failed_send_is_retried_on_the_next_run(complaint, monkeypatch):
    def broken(self, fail_silently=False):
        raise OSError("SMTP down")

    monkeypatch.setattr(mail.EmailMessage, "send", broken)
    with pytest.raises(OSError):
        reminders_send(now=MONDAY)
    complaint.refresh_from_db()
    assert complaint.reminded_before_due_at is None
    assert complaint.events.filter(kind="reminder").count() == 0
    monkeypatch.undo()
    assert reminders_send(now=MONDAY).cases_before == 1


def test_a_reminder_claimed_meanwhile_by_another_worker_is_not_sent(complaint, monkeypatch):
    # Another worker claims each reminder between this one's listing and its claim.
    real = services._remind_one

    def raced(queryset, window, field, pk, **kwargs):
        queryset.filter(pk=pk).update(**{field: MONDAY})
        return real(queryset, window, field, pk, **kwargs)

    monkeypatch.setattr(services, "_remind_one", raced)
    assert reminders_send(now=MONDAY) == ReminderCounts()
    assert mail.outbox == []
    assert complaint.events.filter(kind="reminder").count() == 0


def test_symetrie_remind_runs_them(complaint):
    out = io.StringIO()
    Case.objects.filter(pk=complaint.pk).update(due_at=paris(2025, 1, 6, 9))
    call_command("remind", stdout=out)
    assert out.getvalue() == (
        "reminders sent: cases before due 0, cases due 1, commitments before due 0, "
        "commitments due 0\n"
    )


def test_symetrie_remind_can_queue_them_for_the_worker(complaint, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    out = io.StringIO()
    call_command("remind", "--enqueue", stdout=out)
    assert out.getvalue().startswith("queued: ")
    assert [r.task.name for r in default_task_backend.results] == ["send_reminders"]
    assert mail.outbox == []
