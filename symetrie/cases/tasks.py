"""Background work of the cases app: the reminders of cases and commitments.

`send_reminders` sends, by e-mail (Django's e-mail backend), a reminder before the due date
(`CASES_REMINDER_LEAD_HOURS` business hours before, default 24) and one at the due date, for
every open case and every open commitment; it never sends one twice (see
`services.reminders_send`). Run it every few minutes, either way:

- from cron, directly: ``*/10 * * * *  symetrie remind``
- through the task queue: ``symetrie remind --enqueue`` from cron, with a worker running
  ``symetrie db_worker`` (the database-backed queue of django-tasks: nothing is lost when a
  process dies).
"""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from symetrie.cases.services import reminders_send


@task()
def send_reminders() -> dict[str, int]:
    """Send the reminders that are due; returns how many of each kind were sent."""
    return asdict(reminders_send())
