"""Fixtures of the org tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Every persona has a password; hashing each with Argon2 made these tests take minutes.

    The login itself is not under test here (tests/accounts covers it).
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
