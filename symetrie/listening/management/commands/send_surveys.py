"""`symetrie send_surveys`: send the survey invitations and reminders that are due."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from symetrie.listening.tasks import drafts_complete, invitations_send_batch, reminders_send_batch


class Command(BaseCommand):
    help = (
        "Send the survey invitations and the reminders that are due (throttled, never twice), "
        "and count the answers customers left half-way a day ago. Run it every few minutes "
        "from cron, or with --enqueue to hand it to the task worker (symetrie db_worker)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the tasks for a worker instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tasks = (invitations_send_batch, reminders_send_batch, drafts_complete)
        if options["enqueue"]:
            for queued in tasks:
                self.stdout.write(f"queued: {queued.enqueue().id}")
            return
        invitations = invitations_send_batch.call()
        reminders = reminders_send_batch.call()
        drafts = drafts_complete.call()
        self.stdout.write(
            f"invitations sent: {invitations['invitations']}, "
            f"reminders sent: {reminders['reminders']}, drafts counted: {drafts}"
        )
