"""`symetrie remind`: send the reminders of cases and commitments that are due."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from symetrie.cases.tasks import send_reminders


class Command(BaseCommand):
    help = (
        "Send the reminders of cases and commitments that are due (before and at the due "
        "date; never twice). Run it every few minutes from cron, or with --enqueue to hand it "
        "to the task worker (symetrie db_worker)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the task for a worker instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = send_reminders.enqueue()
            self.stdout.write(f"queued: {result.id}")
            return
        counts = send_reminders.call()
        self.stdout.write(
            "reminders sent: cases before due {cases_before}, cases due {cases_due}, "
            "commitments before due {commitments_before}, "
            "commitments due {commitments_due}".format(**counts)
        )
