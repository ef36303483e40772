"""Helpers for the import tests: run `symetrie import` in-process or as a real subprocess."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

EMPLOYEE_HEADER = (
    "external_id,email,first_name,last_name,unit_code,role,hire_date,leave_date,is_manager"
)


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def run_import(kind: str, path: Path, *args: str) -> Run:
    """`symetrie import` in this process, in English, as the command line would end."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with translation.override("en"):
        try:
            call_command("import", kind, str(path), *args, stdout=out, stderr=err)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        except CommandError as error:
            code = error.returncode
            err.write(str(error))
    return Run(code, out.getvalue(), err.getvalue())


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def rejects_of(path: Path) -> str:
    """The rejects file beside `path`, as text (it starts with a BOM for spreadsheets)."""
    raw = (path.parent / (path.name + ".rejects.csv")).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return raw[3:].decode("utf-8")


def has_rejects(path: Path) -> bool:
    return (path.parent / (path.name + ".rejects.csv")).exists()


def database_url() -> str:
    """The test database, as a DATABASE_URL that a subprocess can use."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            pytest.skip("the SQLite test database is in memory: a subprocess cannot reach it")
        return f"sqlite:///{name}"
    user = quote(str(db["USER"] or ""), safe="")
    password = quote(str(db["PASSWORD"] or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{credentials}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def subprocess_env() -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url(), "DB_CONN_MAX_AGE": "0"}


def symetrie_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "symetrie", *args]


def run_symetrie(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`symetrie ARGS` as a real process on the test database (needs `transactional_db`)."""
    return subprocess.run(
        symetrie_command(*args),
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )
