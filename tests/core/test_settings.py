"""Settings come from the environment only, and a production deployment is safe by default.

Each case runs in a subprocess with a bare environment (PATH and HOME, plus the variables under
test), as a fresh server would start.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from symetrie.settings import env_bool, env_int, env_list


def run(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def symetrie(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run(tmp_path, sys.executable, "-m", "symetrie", *args, **env)


def python(tmp_path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run(
        tmp_path, sys.executable, "-c", code, DJANGO_SETTINGS_MODULE="symetrie.settings", **env
    )


def production(tmp_path) -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "symetrie.example.fr",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }


# ---------------------------------------------------------------- refusing to start


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    done = symetrie(tmp_path, "check", ALLOWED_HOSTS="symetrie.example.fr")

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(
        "symetrie: configuration error: SECRET_KEY is required when DEBUG is off"
    )
    assert len(done.stderr.splitlines()) == 1


def test_production_without_allowed_hosts_refuses_to_start(tmp_path):
    done = symetrie(tmp_path, "check", SECRET_KEY=secrets.token_urlsafe(50))

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(
        "symetrie: configuration error: ALLOWED_HOSTS is required when DEBUG is off"
    )
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_a_debug_that_is_neither_yes_nor_no_refuses_to_start(tmp_path, value):
    done = symetrie(tmp_path, "check", DEBUG=value, **production(tmp_path))

    assert done.returncode == 2
    assert done.stderr == (
        f"symetrie: configuration error: DEBUG={value!r} is not a boolean: "
        "use 1/0, true/false, yes/no.\n"
    )


def test_development_needs_neither_secret_key_nor_allowed_hosts(tmp_path):
    done = symetrie(tmp_path, "check", DEBUG="1", ALLOWED_HOSTS="")

    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "System check identified no issues (0 silenced).\n",
        "",
    )


# ---------------------------------------------------------------- a production deployment


def test_production_settings_pass_the_deployment_checks_without_a_warning(tmp_path):
    done = symetrie(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production(tmp_path)
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout == "System check identified no issues (1 silenced).\n"
    assert done.stderr == ""


def test_production_defaults_are_the_safe_ones(tmp_path):
    done = python(
        tmp_path,
        "import json; from django.conf import settings as s; print(json.dumps({name: "
        "getattr(s, name) for name in ['DEBUG', 'ALLOWED_HOSTS', 'SECURE_SSL_REDIRECT', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_PROXY_SSL_HEADER', 'LANGUAGE_CODE']}))",
        ALLOWED_HOSTS="a.example.fr, b.example.fr,",
        SECRET_KEY=secrets.token_urlsafe(50),
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "DEBUG": False,
        "ALLOWED_HOSTS": ["a.example.fr", "b.example.fr"],
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "LANGUAGE_CODE": "fr",
    }


# ---------------------------------------------------------------- databases


def test_database_url_to_postgresql_is_honoured(tmp_path):
    done = python(
        tmp_path,
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'], default=str))",
        DEBUG="1",
        DATABASE_URL="postgres://sym:s%40cret@db.example.fr:6543/symetrie_prod",
        DB_CONN_MAX_AGE="120",
    )

    assert done.returncode == 0, done.stderr
    db = json.loads(done.stdout)
    assert {
        key: db[key]
        for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "CONN_MAX_AGE")
    } == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "symetrie_prod",
        "USER": "sym",
        "PASSWORD": "s@cret",
        "HOST": "db.example.fr",
        "PORT": 6543,
        "CONN_MAX_AGE": 120,
    }
    assert db["CONN_HEALTH_CHECKS"] is True
    assert "init_command" not in db.get("OPTIONS", {})


PRAGMAS = (
    "import django; django.setup(); from django.db import connection; "
    "cursor = connection.cursor(); "
    "print(*[cursor.execute(f'PRAGMA {name}').fetchone()[0] "
    "for name in ('journal_mode', 'foreign_keys', 'busy_timeout', 'synchronous')])"
)


@pytest.mark.parametrize("how", ["default", "database_url"])
def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path, how):
    env = {"DEBUG": "1"}
    if how == "database_url":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"

    done = python(tmp_path, PRAGMAS, **env)

    assert done.returncode == 0, done.stderr
    # synchronous=NORMAL is 1: safe in WAL mode, and much faster than FULL.
    assert done.stdout.split() == ["wal", "1", "20000", "1"]
    expected = "elsewhere.sqlite3" if how == "database_url" else "var/symetrie.sqlite3"
    assert (tmp_path / expected).is_file()


@pytest.mark.django_db
def test_the_test_database_has_the_same_pragmas():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        values = [
            cursor.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        ]
    assert values[0] == "wal"
    assert values[1] == 1
    assert values[2] > 0


@pytest.mark.django_db
def test_postgresql_prepares_the_statements_a_connection_repeats():
    # Django turns psycopg's prepared statements off unless `prepare_threshold` is given:
    # binding on the server alone still planned every query on every request.
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    query = "SELECT id FROM auth_user WHERE id = %s"
    with connection.cursor() as cursor:
        for n in range(7):
            cursor.execute(query, [n])
        cursor.execute(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE 'SELECT id FROM auth_user WHERE id = $1%%'"
        )
        prepared = cursor.fetchall()
    # Five runs as text (psycopg's threshold), then the 6th and 7th from the prepared one.
    assert prepared == [("SELECT id FROM auth_user WHERE id = $1", 2)]


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        (" ON ", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_env_bool_reads_clear_yes_and_no(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", not expected) is expected


def test_env_bool_default_and_refusal(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert env_bool("SOME_FLAG", True) is True
    monkeypatch.setenv("SOME_FLAG", "oui")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG='oui' is not a boolean"):
        env_bool("SOME_FLAG", False)


def test_env_int_and_env_list(monkeypatch):
    monkeypatch.setenv("SOME_INT", " ")
    assert env_int("SOME_INT", 7) == 7
    monkeypatch.setenv("SOME_INT", "12")
    assert env_int("SOME_INT", 7) == 12
    monkeypatch.setenv("SOME_INT", "12s")
    with pytest.raises(ImproperlyConfigured, match="SOME_INT='12s' is not an integer"):
        env_int("SOME_INT", 7)
    monkeypatch.setenv("SOME_LIST", " a , ,b,")
    assert env_list("SOME_LIST") == ["a", "b"]
    monkeypatch.delenv("SOME_LIST")
    assert env_list("SOME_LIST", "x,y") == ["x", "y"]
