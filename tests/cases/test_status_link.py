"""The customer's status link: signed, expiring; altered, foreign or expired tokens refused."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import signing

from symetrie.cases import status_link
from symetrie.cases.models import Case
from symetrie.cases.status_link import (
    InvalidStatusLink,
    case_for_status_token,
    make_status_token,
    status_token_expires_at,
)


def refused(token: str) -> str:
    with pytest.raises(InvalidStatusLink) as error:
        case_for_status_token(token)
    return error.value.reason


def test_a_token_shows_its_case(complaint):
    token = make_status_token(complaint, max_age=dt.timedelta(days=30))
    assert case_for_status_token(token) == complaint
    assert "/" not in token and " " not in token  # fits in a URL path as it is


def test_an_expired_token_is_refused(complaint, monkeypatch):
    now = time.time()
    monkeypatch.setattr(status_link.time, "time", lambda: now)
    token = make_status_token(complaint, max_age=3600)
    assert status_token_expires_at(token) == dt.datetime.fromtimestamp(int(now + 3600), dt.UTC)

    monkeypatch.setattr(status_link.time, "time", lambda: now + 3599)
    assert case_for_status_token(token) == complaint
    monkeypatch.setattr(status_link.time, "time", lambda: now + 3601)
    assert refused(token) == "expired"


def test_an_altered_token_is_refused(complaint):
    token = make_status_token(complaint, max_age=3600)
    for position in (0, len(token) // 2, len(token) - 1):
        character = "A" if token[position] != "A" else "B"
        assert refused(token[:position] + character + token[position + 1 :]) == "invalid"
    assert refused(token + "x") == "invalid"
    assert refused("") == "invalid"


def test_a_token_cannot_be_forged_for_another_case_or_lifetime(complaint):
    forged = signing.dumps({"c": complaint.pk, "r": complaint.external_id, "e": 2**40})
    assert refused(forged) == "invalid"  # signed, but not with the status links' salt
    forged = signing.dumps(
        {"c": complaint.pk, "r": "sym-guess", "e": 2**40}, salt=status_link.SALT, key="guess"
    )
    assert refused(forged) == "invalid"
    odd = signing.dumps(["not", "a", "dict"], salt=status_link.SALT)
    assert refused(odd) == "invalid"


def test_a_token_of_a_deleted_case_is_refused(complaint):
    token = make_status_token(complaint, max_age=3600)
    Case.objects.filter(pk=complaint.pk).delete()
    assert refused(token) == "invalid"


def test_a_lifetime_must_be_positive(complaint):
    with pytest.raises(ValueError, match="positive"):
        make_status_token(complaint, max_age=0)
