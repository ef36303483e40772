"""Background work of the listening engine: sending invitations and reminders by e-mail.

`invitations_send_batch` sends at most `distribution.sending.BATCH_SIZE` e-mails a run (the
throttle) and queues itself again while some are left; each e-mail is claimed by a conditional
update before it goes, so that nothing is sent twice. It is queued after the commit of every
e-mail invitation; `symetrie send_surveys` (from cron) also runs it, with the reminders.
"""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from symetrie.listening import distribution
from symetrie.listening.answering import drafts_complete_stale


@task()
def invitations_send_batch() -> dict[str, int | bool]:
    """Send one batch of due invitation e-mails; queue the next batch if any are left."""
    counts = distribution.invitations_send()
    if counts.more:
        invitations_send_batch.enqueue()
    return asdict(counts)


@task()
def reminders_send_batch() -> dict[str, int | bool]:
    """Send one batch of due reminders; queue the next batch if any are left."""
    counts = distribution.reminders_send()
    if counts.more:
        reminders_send_batch.enqueue()
    return asdict(counts)


@task()
def drafts_complete() -> int:
    """Count the NPS of customer answers left half-way (see `answering`)."""
    return drafts_complete_stale()
