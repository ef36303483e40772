from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _case_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A case just closed: its customer may get a transactional survey, after the commit (the
    closing never waits for it nor fails because of it)."""
    from symetrie.cases.models import Status

    fields = kwargs.get("update_fields") or ()
    if instance.status != Status.CLOSED or "status" not in fields or instance.customer_id is None:
        return
    from symetrie.listening.distribution import invite_after_case_closed

    pk = instance.pk
    transaction.on_commit(lambda: invite_after_case_closed(case_pk=pk))


def _interaction_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A new interaction: a transactional survey on its channel may follow, after the commit.
    (Bulk imports write without signals: history does not send surveys.)"""
    if not created:
        return
    from symetrie.listening.distribution import invite_after_interaction

    pk = instance.pk
    transaction.on_commit(lambda: invite_after_interaction(interaction_pk=pk))


class ListeningConfig(AppConfig):
    name = "symetrie.listening"
    verbose_name = _("Listening")

    def ready(self) -> None:
        # Listening listens to cases and customers; they never import listening.
        from symetrie.cases.models import Case
        from symetrie.customers.models import Interaction

        post_save.connect(_case_saved, sender=Case, dispatch_uid="listening.case_closed")
        post_save.connect(
            _interaction_saved, sender=Interaction, dispatch_uid="listening.interaction"
        )
