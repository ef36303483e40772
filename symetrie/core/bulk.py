"""The import contract over HTTP: bulk endpoints run the same kinds as `symetrie import`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError

from symetrie.core.importing import Reject, get_kind, run_rows
from symetrie.core.importing.contract import iter_raw
from symetrie.org.selectors import Reach, scope_for

MAX_RECORDS = 10_000


class RejectOut(Schema):
    record: int
    key: str | None
    field: str | None
    reason: str


class BulkOut(Schema):
    created: int
    updated: int
    unchanged: int
    rejected: int
    rejects: list[RejectOut]


def require_org_admin(request: HttpRequest, permission: str) -> None:
    """Bulk writes: an org-wide user (who sees every unit) holding the model permission."""
    scope = scope_for(request.user)
    if scope.reach is not Reach.EVERYTHING or not request.user.has_perm(permission):
        raise HttpError(403, f"writing here needs the '{permission}' permission, org-wide")


def run_bulk(kind_name: str, records: list[Any]) -> dict[str, Any]:
    """Import `records` (0-based positions name them in rejects); same rules as a file."""
    if len(records) > MAX_RECORDS:
        raise HttpError(413, f"at most {MAX_RECORDS} records per request, got {len(records)}")
    kind = get_kind(kind_name)
    rejects: list[Reject] = []
    counts = run_rows(kind, iter_raw(records, first_line=0), on_reject=rejects.append)
    return {
        "created": counts.created,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "rejected": counts.rejected,
        "rejects": [
            {
                "record": reject.line,
                "key": _key(reject.raw.get(kind.key_column)),
                "field": reject.field or None,
                "reason": reject.reason,
            }
            for reject in rejects
        ],
    }


def _key(value: Any) -> str | None:
    return None if value is None else str(value)
