"""Helpers for the import tests: run `symetrie import` in-process or as a real subprocess."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
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


def start_symetrie(*args: str) -> subprocess.Popen[bytes]:
    """`symetrie ARGS` started as a real process on the test database, left running."""
    return subprocess.Popen(
        symetrie_command(*args),
        env=subprocess_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_rows(process: subprocess.Popen[bytes], count: Callable[[], int], rows: int) -> None:
    """Until `count()` (rows committed by the running import) reaches `rows`."""
    deadline = time.monotonic() + 60
    while count() < rows:
        assert process.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline, "no batch committed within a minute"
        time.sleep(0.005)


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL, as a crash or the OOM killer would."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    time.sleep(0.2)  # a COMMIT sent just before the kill may still be landing (PostgreSQL)
