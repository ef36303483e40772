"""Helpers for the customers import tests: run `symetrie import` in-process, read rejects."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from django.core.management import CommandError, call_command
from django.utils import translation


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def summary(self) -> str:
        return self.stdout.strip().splitlines()[-1]


def run_import(kind: str, path: Path, *args: str) -> Run:
    """`symetrie import KIND FILE` in this process, in English, as the command line ends."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with translation.override("en"):
        try:
            call_command("import", kind, str(path), "--no-progress", *args, stdout=out, stderr=err)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        except CommandError as error:
            code = error.returncode
            err.write(str(error))
    return Run(code, out.getvalue(), err.getvalue())


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def rejects_of(path: Path) -> list[tuple[str, str, str]]:
    """(line, field, reason) of each row of the rejects file beside `path`."""
    import csv

    raw = (path.parent / (path.name + ".rejects.csv")).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert rows[0][:3] == ["line", "field", "reason"]
    return [(row[0], row[1], row[2]) for row in rows[1:]]


def has_rejects(path: Path) -> bool:
    return (path.parent / (path.name + ".rejects.csv")).exists()
