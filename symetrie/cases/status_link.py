"""Signed, expiring links that show a customer the status of their case.

A token names the case (its id and reference) and the moment it expires, signed with the
installation's SECRET_KEY and a salt of its own, so that it is useless for any other signed
value. `case_for_status_token` refuses a token that was altered, made for another purpose,
that names a case which no longer exists, or that has expired: it raises `InvalidStatusLink`
with `reason` "invalid" or "expired" (the page says which, and nothing else).
"""

from __future__ import annotations

import datetime as dt
import time

from django.core import signing

from symetrie.cases.models import Case

SALT = "symetrie.cases.status_link"


class InvalidStatusLink(Exception):
    """The token cannot show a case: `reason` is "invalid" (altered, unknown) or "expired"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def make_status_token(case: Case, *, max_age: dt.timedelta | int) -> str:
    """A token for `case`'s status page, valid for `max_age` (a timedelta or seconds)."""
    seconds = max_age.total_seconds() if isinstance(max_age, dt.timedelta) else max_age
    if seconds <= 0:
        raise ValueError("max_age must be positive")
    expires = int(time.time() + seconds)
    return signing.dumps({"c": case.pk, "r": case.external_id, "e": expires}, salt=SALT)


def status_token_expires_at(token: str) -> dt.datetime:
    """When a (valid) token expires."""
    return dt.datetime.fromtimestamp(_payload(token)[2], tz=dt.UTC)


def _payload(token: str) -> tuple[int, str, int]:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise InvalidStatusLink("invalid") from None
    if not isinstance(data, dict):
        raise InvalidStatusLink("invalid")
    pk, reference, expires = data.get("c"), data.get("r"), data.get("e")
    if not isinstance(pk, int) or not isinstance(reference, str) or not isinstance(expires, int):
        raise InvalidStatusLink("invalid")
    return pk, reference, expires


def case_for_status_token(token: str) -> Case:
    """The case a token shows; `InvalidStatusLink` if it was tampered with or has expired."""
    pk, reference, expires = _payload(token)
    if time.time() >= expires:
        raise InvalidStatusLink("expired")
    case = Case.objects.select_related("unit").filter(pk=pk, external_id=reference).first()
    if case is None:
        raise InvalidStatusLink("invalid")
    return case
