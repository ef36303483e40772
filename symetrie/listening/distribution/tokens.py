"""Tokens: 256 random bits, url-safe; only their sha256 is stored (`Invitation.token_hash`)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.urls import reverse

from symetrie.listening.models import (
    Invitation,
)

TOKEN_BYTES = 32  # 256 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a token opens, or None for an unknown token."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("survey", "unit", "customer", "employee")
        .filter(token_hash=token_hash(token))
        .first()
    )


def answer_url(token: str) -> str:
    """The absolute address of the answer page (`SITE_URL`, read now)."""
    base = str(settings.SITE_URL).rstrip("/")
    return base + reverse("listening:answer", args=[token])
