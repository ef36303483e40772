"""Personal API tokens: `symetrie token create|list|revoke`, and `Authorization: Bearer`."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from symetrie.accounts.models import ApiToken
from symetrie.accounts.services import token_create, token_revoke
from symetrie.org.models import Unit
from tests.core.imports_support import subprocess_env

pytestmark = pytest.mark.django_db

User = get_user_model()


def token(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def bearer(clear: str) -> Client:
    return Client(headers={"authorization": f"Bearer {clear}"})


def unit_codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [unit["code"] for unit in response.json()["items"]]


def database_dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


# ---------------------------------------------------------------- create


@pytest.mark.parametrize("login", ["félix.frontline@example.fr", "félix.FRONTLINE@Example.FR"])
def test_create_prints_the_token_once_and_stores_only_its_hash(frontline, login):
    stdout, stderr = token("create", login, "--name", "tableur")

    clear = stdout.strip()
    assert stdout == clear + "\n"
    assert clear.startswith("sym_")
    assert len(clear) == len("sym_") + 43  # 32 random bytes, URL-safe base64
    stored = ApiToken.objects.get()
    assert (stored.user, stored.name, stored.prefix) == (frontline.user, "tableur", clear[:10])
    assert stored.key_hash == hashlib.sha256(clear.encode()).hexdigest()
    assert stderr == f"token {clear[:10]}… created; it will not be shown again:\n"
    dump = database_dump()
    assert stored.key_hash in dump
    assert clear not in dump
    assert clear[10:] not in dump


def test_create_by_username(outsider):
    outsider.username = "olga"
    outsider.save()

    stdout, _stderr = token("create", "OLGA")

    assert ApiToken.objects.get().user == outsider
    assert ApiToken.objects.get().key_hash == hashlib.sha256(stdout.strip().encode()).hexdigest()


def test_each_token_is_new(frontline):
    first, _ = token("create", frontline.user.username)
    second, _ = token("create", frontline.user.username)

    assert first != second
    assert ApiToken.objects.count() == 2


def test_create_for_an_unknown_user_fails_and_creates_nothing(frontline):
    with pytest.raises(
        CommandError, match=re.escape("no user with username or e-mail 'nobody@example.fr'")
    ):
        token("create", "nobody@example.fr")

    assert ApiToken.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_command_line_prints_the_token_alone_on_stdout_and_fails_on_an_unknown_user(org):
    lead = User.objects.create_user(username="lea", email="lea@example.fr")

    def symetrie(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "symetrie", *args],
            env=subprocess_env(),
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            check=False,
        )

    created = symetrie("token", "create", "lea@example.fr")
    unknown = symetrie("token", "create", "nobody")

    assert created.returncode == 0, created.stderr
    clear = created.stdout.strip()
    assert created.stdout == clear + "\n"
    assert ApiToken.objects.get().user == lead
    assert ApiToken.objects.get().key_hash == hashlib.sha256(clear.encode()).hexdigest()
    assert (unknown.returncode, unknown.stdout) == (1, "")
    assert unknown.stderr == "CommandError: no user with username or e-mail 'nobody'\n"
    assert ApiToken.objects.count() == 1


# ---------------------------------------------------------------- using a token


def test_a_token_acts_with_its_owners_scope(frontline, lead):
    _, frontline_token = token_create(user=frontline.user)
    _, lead_token = token_create(user=lead.user)

    assert unit_codes(bearer(frontline_token).get("/api/units")) == ["AG-LIL"]
    assert sorted(unit_codes(bearer(lead_token).get("/api/units"))) == sorted(
        Unit.objects.values_list("code", flat=True)
    )
    assert len(unit_codes(bearer(lead_token).get("/api/units"))) == 8
    assert bearer(frontline_token).get("/api/units/AG-MAR").status_code == 404


def test_a_used_token_records_when(frontline):
    stored, clear = token_create(user=frontline.user)
    assert stored.last_used_at is None

    bearer(clear).get("/api/units")

    stored.refresh_from_db()
    assert stored.last_used_at is not None
    assert timezone.now() - stored.last_used_at < dt.timedelta(minutes=1)


def test_without_a_token_the_api_answers_401(org):
    response = Client().get("/api/units")

    assert response.status_code == 401
    assert response.json() == {
        "detail": "authentication required: send 'Authorization: Bearer TOKEN'"
    }


@pytest.mark.parametrize(
    "mangle",
    [
        lambda clear: clear[:-1] + ("A" if clear[-1] != "A" else "B"),
        lambda clear: clear[:10],
        lambda clear: clear.upper(),
        lambda clear: "sym_" + "x" * 43,
        lambda clear: "",
    ],
    ids=["one-character-off", "prefix-only", "upper-case", "made-up", "empty"],
)
def test_a_wrong_token_is_401(frontline, mangle):
    _, clear = token_create(user=frontline.user)

    assert bearer(mangle(clear)).get("/api/units").status_code == 401


def test_a_revoked_token_is_401(frontline):
    stored, clear = token_create(user=frontline.user)
    assert bearer(clear).get("/api/units").status_code == 200

    token_revoke(token=stored)

    assert bearer(clear).get("/api/units").status_code == 401


def test_a_departed_employees_token_is_401(departed):
    _, clear = token_create(user=departed.user)
    assert departed.user.is_active is False

    assert bearer(clear).get("/api/units").status_code == 401


def test_a_token_stops_working_when_its_owner_is_deactivated(frontline):
    _, clear = token_create(user=frontline.user)
    assert bearer(clear).get("/api/units").status_code == 200

    User.objects.filter(pk=frontline.user.pk).update(is_active=False)

    assert bearer(clear).get("/api/units").status_code == 401


def test_a_token_may_call_a_bulk_endpoint_without_a_csrf_token(org, lead):
    lead.user.user_permissions.add(Permission.objects.get(codename="change_unit"))
    _, clear = token_create(user=lead.user)
    client = Client(enforce_csrf_checks=True, headers={"authorization": f"Bearer {clear}"})

    response = client.post(
        "/api/units/bulk",
        [{"code": "AG-NEW", "name": "Agence neuve", "kind": "agency", "parent_code": "R-S"}],
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    assert Unit.objects.get(code="AG-NEW").parent == org.south


# ---------------------------------------------------------------- list and revoke


def test_list_shows_a_users_tokens_without_their_secret(frontline, lead):
    older, older_clear = token_create(user=frontline.user, name="ancien")
    ApiToken.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2),
        last_used_at=dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.UTC),
        revoked_at=dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC),
    )
    newer, newer_clear = token_create(user=frontline.user, name="tableur")
    token_create(user=lead.user, name="someone else's")

    stdout, _ = token("list", frontline.user.email)

    # Times in the project's time zone (Europe/Paris: UTC+1 in winter).
    assert stdout == (
        f"{newer.prefix}…\tlive\tlast used never\ttableur\n"
        f"{older.prefix}…\trevoked 2026-02-01\tlast used 2026-01-16 00:30\tancien\n"
    )
    assert older_clear not in stdout
    assert newer_clear not in stdout


def test_revoke_by_prefix(frontline):
    stored, clear = token_create(user=frontline.user)
    other, _ = token_create(user=frontline.user)

    stdout, _ = token("revoke", stored.prefix)

    assert stdout == f"token {stored.prefix}… revoked\n"
    stored.refresh_from_db()
    other.refresh_from_db()
    assert stored.revoked_at is not None
    assert other.revoked_at is None
    assert bearer(clear).get("/api/units").status_code == 401


def test_revoke_needs_a_prefix_naming_one_token(frontline):
    token_create(user=frontline.user)
    token_create(user=frontline.user)

    with pytest.raises(CommandError, match="2 tokens start with 'sym_': give a unique prefix"):
        token("revoke", "sym_")
    with pytest.raises(CommandError, match="0 tokens start with 'nope'"):
        token("revoke", "nope")

    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


def test_revoking_twice_keeps_the_first_date(frontline):
    stored, _ = token_create(user=frontline.user)
    token("revoke", stored.prefix)
    first = ApiToken.objects.get().revoked_at

    token("revoke", stored.prefix)

    assert ApiToken.objects.get().revoked_at == first
