"""Reading an import file: CSV (`,` or `;`; UTF-8, UTF-8 with BOM or Windows-1252) or JSON Lines."""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from symetrie.core.importing.contract import RawRow

JSON_SUFFIXES = {".jsonl", ".ndjson", ".json"}
_CHUNK = 1 << 20
# CSV fields may be long (free-text summaries, survey comments).
csv.field_size_limit(16 * 1024 * 1024)


class UnreadableFile(Exception):
    """The file cannot be imported at all (exit code 2): missing, binary, wrong columns..."""


@dataclass
class Table:
    """An open import file: its columns, its rows, and how far reading has got (for progress)."""

    path: Path
    format: str  # "csv" or "jsonl"
    encoding: str
    delimiter: str
    columns: list[str]
    size: int
    _handle: IO[str] | None = field(default=None, repr=False)
    _binary: IO[bytes] | None = field(default=None, repr=False)
    _rows: Iterator[RawRow] | None = field(default=None, repr=False)

    def rows(self) -> Iterator[RawRow]:
        assert self._rows is not None
        return self._rows

    def position(self) -> int:
        """Bytes read so far (approximate: the decoder reads ahead)."""
        return self._binary.tell() if self._binary is not None else 0

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else Windows-1252."""
    with path.open("rb") as handle:
        head = handle.read(_CHUNK)
        if b"\x00" in head:
            raise UnreadableFile(
                _("%(path)s looks like a binary file, not CSV or JSON Lines") % {"path": path}
            )
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        for encoding in ("utf-8", "cp1252"):
            handle.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                for chunk in iter(lambda: handle.read(_CHUNK), b""):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return encoding
    raise UnreadableFile(_("%(path)s is neither UTF-8 nor Windows-1252 text") % {"path": path})


def open_table(path: Path, *, required_columns: tuple[str, ...] = ()) -> Table:
    """Open an import file, checking it is readable and has the required columns."""
    if not path.is_file():
        raise UnreadableFile(_("%(path)s: no such file") % {"path": path})
    encoding = detect_encoding(path)
    binary = path.open("rb")
    handle = io.TextIOWrapper(binary, encoding=encoding, newline="")
    size = path.stat().st_size
    try:
        if path.suffix.lower() in JSON_SUFFIXES:
            table = _open_jsonl(path, handle, encoding, size)
        else:
            table = _open_csv(path, handle, encoding, size)
    except BaseException:
        handle.close()
        raise
    table._binary = binary
    missing = [column for column in required_columns if column not in table.columns]
    if missing:
        handle.close()
        raise UnreadableFile(
            _("%(path)s lacks the column(s): %(missing)s (found: %(found)s)")
            % {
                "path": path,
                "missing": ", ".join(missing),
                "found": ", ".join(table.columns) or _("none"),
            }
        )
    return table


def _normalise(column: str) -> str:
    return column.strip().lstrip("\ufeff").strip().lower()


def _open_csv(path: Path, handle: IO[str], encoding: str, size: int) -> Table:
    header_line = handle.readline()
    if not header_line.strip():
        raise UnreadableFile(_("%(path)s is empty: no header line") % {"path": path})
    # French spreadsheets export with ";" (the comma is the decimal separator).
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    columns = [_normalise(c) for c in next(csv.reader([header_line], delimiter=delimiter))]
    reader = csv.reader(handle, delimiter=delimiter)
    table = Table(path, "csv", encoding, delimiter, columns, size, _handle=handle)
    table._rows = _csv_rows(reader, columns)
    return table


def _csv_rows(reader: Any, columns: list[str]) -> Iterator[RawRow]:
    previous_end = 1  # the header's line
    width = len(columns)
    try:
        for values in reader:
            start, previous_end = previous_end + 1, reader.line_num + 1
            # Blank lines, and rows of empty cells (";;;" as spreadsheets export the rows
            # below the data that were once formatted), are not records.
            joined = "".join(values)
            if not joined or joined.isspace():
                continue
            if len(values) == width:
                yield RawRow(start, None, None, values, columns)
                continue
            yield RawRow(
                start,
                dict(zip(columns, values, strict=False)),
                _("the row has %(found)d fields where the header has %(expected)d")
                % {"found": len(values), "expected": width},
            )
    except csv.Error as error:
        yield RawRow(previous_end + 1, {}, _("unreadable CSV: %(error)s") % {"error": error})


def _open_jsonl(path: Path, handle: IO[str], encoding: str, size: int) -> Table:
    # The columns of a JSON Lines file are the keys of its first object. A broken line before
    # it is only that line's reject (as anywhere else in the file); with no object at all, the
    # file is unreadable.
    position = handle.tell()
    columns: list[str] = []
    first_error: str | None = None
    for text_line in handle:
        if not text_line.strip():
            continue
        try:
            first = json.loads(text_line)
        except json.JSONDecodeError:
            first_error = first_error or _("%(path)s: the first line is not JSON") % {"path": path}
            continue
        if not isinstance(first, dict):
            first_error = first_error or (
                _("%(path)s: the first line is not a JSON object") % {"path": path}
            )
            continue
        columns = [_normalise(key) for key in first]
        break
    if not columns:
        raise UnreadableFile(first_error or _("%(path)s is empty: no record") % {"path": path})
    handle.seek(position)
    table = Table(path, "jsonl", encoding, ",", columns, size, _handle=handle)
    table._rows = _jsonl_rows(handle)
    return table


def _jsonl_rows(handle: IO[str]) -> Iterator[RawRow]:
    for number, text_line in enumerate(handle, start=1):
        if not text_line.strip():
            continue
        try:
            data = json.loads(text_line)
        except json.JSONDecodeError as error:
            yield RawRow(
                number,
                {"_raw": text_line.rstrip("\r\n")},
                _("invalid JSON: %(error)s") % {"error": error.msg},
            )
            continue
        if not isinstance(data, dict):
            yield RawRow(
                number, {"_raw": text_line.rstrip("\r\n")}, _("a record must be a JSON object")
            )
            continue
        yield RawRow(number, {_normalise(key): value for key, value in data.items()})
