"""Import kinds of the cases app: `cases` and their history, `case_events`.

Import cases after customers and employees, and their events after the cases. Both are
idempotent by external id: a re-run of the same file changes nothing.

`cases`: external_id, audience (customer | employee), type (request | complaint | information
for customers, irritant | internal_request for employees), customer_external_id (required for a
customer case), raised_by_external_id, unit_code (required), owner_external_id, subject,
description, channel, priority (low | normal | high | urgent, default normal), status (new |
in_progress | waiting_customer | waiting_team | resolved | closed, default new), opened_at
(required), closed_at (when it was resolved or closed; only for those statuses), and an
optional `process` (the process or tool an irritant names; left as it is when the column is
absent). The due date is computed from the SLA policy of the type and priority, from opened_at.

`case_events`: external_id, case_external_id, kind (created, status, reopened, assigned,
handoff, escalated, escalation_decided, commitment_added, commitment_done, decision, note,
next_step, friction, reminder), at, actor_external_id, from_status, to_status (required for
status and reopened events), note.

French spellings of the values are accepted too (client, salarié, réclamation, urgente, en
cours, clos...).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from symetrie.cases import sla
from symetrie.cases.models import (
    TYPES_BY_AUDIENCE,
    Case,
    CaseEvent,
    CaseType,
    EventKind,
    Priority,
    SlaPolicy,
    Status,
)
from symetrie.core.audience import Audience
from symetrie.core.importing import BatchResult, ImportKind, Line, RowError, register
from symetrie.core.importing.contract import choice, text
from symetrie.core.importing.sql import Ref, StagedUpsert, staged_upsert
from symetrie.customers.imports import CHANNELS, moment

UNKNOWN_CUSTOMER = gettext_lazy("unknown customer “%(value)s”")
UNKNOWN_UNIT = gettext_lazy("unknown unit “%(value)s”")
UNKNOWN_EMPLOYEE = gettext_lazy("unknown employee “%(value)s”")
UNKNOWN_CASE = gettext_lazy("unknown case “%(value)s”")


def _spellings(values: Sequence[str], extra: Mapping[str, str]) -> dict[str, str]:
    found = {value: value for value in values}
    found.update({value.replace("_", " "): value for value in values})
    found.update(extra)
    return found


AUDIENCES = _spellings(
    Audience.values,
    {
        "client": "customer", "clients": "customer", "salarié": "employee",
        "salarie": "employee", "employé": "employee", "employe": "employee",
        "collaborateur": "employee",
    },
)  # fmt: skip
TYPES = _spellings(
    CaseType.values,
    {
        "demande": "request", "réclamation": "complaint", "reclamation": "complaint",
        "plainte": "complaint", "renseignement": "information", "irritant": "irritant",
        "demande interne": "internal_request",
    },
)  # fmt: skip
PRIORITIES = _spellings(
    Priority.values,
    {
        "basse": "low", "faible": "low", "normale": "normal", "haute": "high",
        "élevée": "high", "elevee": "high", "urgente": "urgent",
    },
)  # fmt: skip
STATUSES = _spellings(
    Status.values,
    {
        "nouveau": "new", "ouvert": "new", "en cours": "in_progress",
        "en attente client": "waiting_customer", "en attente du client": "waiting_customer",
        "en attente équipe": "waiting_team", "en attente d'une autre équipe": "waiting_team",
        "résolu": "resolved", "resolu": "resolved", "clos": "closed", "fermé": "closed",
        "ferme": "closed",
    },
)  # fmt: skip
EVENT_KINDS = _spellings(EventKind.values, {})


def _optional(row: Mapping[str, Any], name: str, max_length: int) -> str | None:
    value = text(row, name, max_length=max_length)
    return value or None


def _choice_or(row: Mapping[str, Any], name: str, choices: Mapping[str, str], default: str) -> str:
    return choice(row, name, choices) if text(row, name) else default


class CaseRecord(NamedTuple):
    external_id: str
    audience: str
    type: str
    subject: str
    description: str
    channel: str
    priority: str
    status: str
    process: str | None  # None: the column is absent (left as it is)
    opened_at: dt.datetime
    due_at: dt.datetime | None  # from the SLA policy, filled in by `write`
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    customer_external_id: str | None
    raised_by_external_id: str | None
    unit_code: str
    owner_external_id: str | None


CASES = StagedUpsert(
    model=Case,
    key=("external_id",),
    values=CaseRecord._fields[:13],
    refs=(
        Ref("customer_external_id", "customer", "external_id", UNKNOWN_CUSTOMER),
        Ref("raised_by_external_id", "raised_by", "external_id", UNKNOWN_EMPLOYEE),
        Ref("unit_code", "unit", "code", UNKNOWN_UNIT, required=True),
        Ref("owner_external_id", "owner", "external_id", UNKNOWN_EMPLOYEE),
    ),
    keep_if_absent=("process",),
    on_insert=("next_step",),
)


@register
class CaseKind(ImportKind[CaseRecord]):
    name = "cases"
    columns = (
        "external_id", "audience", "type", "customer_external_id", "raised_by_external_id",
        "unit_code", "owner_external_id", "subject", "description", "channel", "priority",
        "status", "opened_at", "closed_at",
    )  # fmt: skip
    required_columns = ("external_id", "audience", "type", "unit_code", "subject", "opened_at")
    key_column = "external_id"
    batch_size = 5000

    def __init__(self) -> None:
        self.tz = timezone.get_default_timezone()

    def clean(self, row: Mapping[str, Any]) -> CaseRecord:
        external_id = text(row, "external_id", required=True, max_length=64)
        audience = choice(row, "audience", AUDIENCES)
        type_ = choice(row, "type", TYPES)
        if type_ not in TYPES_BY_AUDIENCE[audience]:
            raise RowError(
                "type",
                _("“%(type)s” is not a type of %(audience)s case (use %(allowed)s)")
                % {
                    "type": type_,
                    "audience": audience,
                    "allowed": ", ".join(sorted(TYPES_BY_AUDIENCE[audience])),
                },
            )
        customer = _optional(row, "customer_external_id", 64)
        if audience == Audience.CUSTOMER and customer is None:
            raise RowError("customer_external_id", _("is required for a customer case"))
        status = _choice_or(row, "status", STATUSES, Status.NEW)
        opened_at = moment(row, "opened_at", self.tz, required=True)
        closed_at = moment(row, "closed_at", self.tz)
        assert opened_at is not None
        if closed_at is not None:
            if status not in (Status.RESOLVED, Status.CLOSED):
                raise RowError("closed_at", _("is set but the case is still open"))
            if closed_at < opened_at:
                raise RowError("closed_at", _("is before opened_at"))
        channel = text(row, "channel")
        return CaseRecord(
            external_id=external_id,
            audience=audience,
            type=type_,
            subject=text(row, "subject", required=True, max_length=200),
            description=text(row, "description"),
            channel=choice(row, "channel", CHANNELS) if channel else "",
            priority=_choice_or(row, "priority", PRIORITIES, Priority.NORMAL),
            status=status,
            process=text(row, "process", max_length=120) if "process" in row else None,
            opened_at=opened_at,
            due_at=None,
            resolved_at=closed_at,
            closed_at=closed_at if status == Status.CLOSED else None,
            customer_external_id=customer,
            raised_by_external_id=_optional(row, "raised_by_external_id", 64),
            unit_code=text(row, "unit_code", required=True, max_length=32),
            owner_external_id=_optional(row, "owner_external_id", 64),
        )

    def key(self, record: CaseRecord) -> str:
        return record.external_id

    def write(self, lines: list[Line[CaseRecord]]) -> BatchResult:
        return case_upsert_many(lines)


def case_upsert_many(lines: Sequence[Line[CaseRecord]]) -> BatchResult:
    """Create or update cases by external id, each due per its SLA policy (one query for the
    policies, business time computed in Python, then one staged upsert)."""
    hours = {
        (policy.type, policy.priority): policy.resolution_hours
        for policy in SlaPolicy.objects.all()
    }
    cal = sla.calendar()
    dated = []
    for line in lines:
        record = line.record
        policy_hours = hours.get((record.type, record.priority))
        due = (
            None
            if policy_hours is None
            else sla.add_business_hours(record.opened_at, policy_hours, cal=cal)
        )
        dated.append(Line(line.number, record._replace(due_at=due), line.raw))
    return staged_upsert(CASES, dated)


class CaseEventRecord(NamedTuple):
    external_id: str
    kind: str
    at: dt.datetime
    from_status: str
    to_status: str
    note: str
    case_external_id: str
    actor_external_id: str | None


CASE_EVENTS = StagedUpsert(
    model=CaseEvent,
    key=("external_id",),
    values=("external_id", "kind", "at", "from_status", "to_status", "note"),
    refs=(
        Ref("case_external_id", "case", "external_id", UNKNOWN_CASE, required=True),
        Ref("actor_external_id", "actor", "external_id", UNKNOWN_EMPLOYEE),
    ),
    on_insert=("data",),
)


@register
class CaseEventKind(ImportKind[CaseEventRecord]):
    name = "case_events"
    columns = (
        "external_id", "case_external_id", "kind", "at", "actor_external_id", "from_status",
        "to_status", "note",
    )  # fmt: skip
    required_columns = ("external_id", "case_external_id", "kind", "at")
    key_column = "external_id"
    batch_size = 10_000

    def __init__(self) -> None:
        self.tz = timezone.get_default_timezone()

    def clean(self, row: Mapping[str, Any]) -> CaseEventRecord:
        kind = choice(row, "kind", EVENT_KINDS)
        from_status = _choice_or(row, "from_status", STATUSES, "")
        to_status = _choice_or(row, "to_status", STATUSES, "")
        if kind in (EventKind.STATUS, EventKind.REOPENED) and not to_status:
            raise RowError("to_status", _("is required for a change of status"))
        at = moment(row, "at", self.tz, required=True)
        assert at is not None
        return CaseEventRecord(
            external_id=text(row, "external_id", required=True, max_length=64),
            kind=kind,
            at=at,
            from_status=from_status,
            to_status=to_status,
            note=text(row, "note"),
            case_external_id=text(row, "case_external_id", required=True, max_length=64),
            actor_external_id=_optional(row, "actor_external_id", 64),
        )

    def key(self, record: CaseEventRecord) -> str:
        return record.external_id

    def write(self, lines: list[Line[CaseEventRecord]]) -> BatchResult:
        return case_event_upsert_many(lines)


def case_event_upsert_many(lines: Sequence[Line[CaseEventRecord]]) -> BatchResult:
    """Create or update case events by external id (a case's history from another system)."""
    return staged_upsert(CASE_EVENTS, lines)
