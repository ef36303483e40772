"""Reading and cleaning a big file in a process of its own, a batch ahead of the writes.

In one process, the thread that reads and cleans (`contract._cleaned_ahead`) and the one that
writes share the GIL: on a big file, the Python work of both ran one at a time, however many
cores the machine has. For a kind that allows it (`ImportKind.clean_apart`), `cleaned_apart`
forks a process that reads and cleans the file and hands each batch to the writing process,
packed column by column (`pack`); the writer gets it as a `LineColumns`, a sequence of lines
that also gives its records column by column, so that a set-based write takes them as they
came, without a Python object per row that it does not need.

The cleaning process never uses the database: it forgets the connections it inherited (and
refuses to open one), and it ends by `os._exit`, running no clean-up that could close what
the writing process still uses. An error raised there is raised in the writing process,
with the worker's traceback as a note; a batch written is committed as before, so a failed
or killed import keeps the batches before, and a re-run completes it.
"""

from __future__ import annotations

import array
import contextlib
import datetime as dt
import gc
import io
import operator
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing import get_all_start_methods
from multiprocessing.connection import Connection, Pipe
from typing import Any, Generic, overload

from django.db import connections
from django.utils import translation

from symetrie.core.importing.contract import (
    ImportKind,
    Line,
    R,
    RawRow,
    Reject,
    _cleaned,
)

# Separator of the packed text (the UTC times of a column): ASCII's unit separator.
SEP = "\x1f"
_DONE = b"done"

# Linux only: elsewhere (macOS) a forked copy of a process is not safe to run, and a file is
# cleaned in a thread.
CAN_FORK = sys.platform.startswith("linux") and "fork" in get_all_start_methods()


def cleaned_apart(
    kind: ImportKind[R], rows: Iterable[RawRow], size: int | None
) -> Iterator[tuple[Sequence[Line[R]], list[Reject]]]:
    """The batches of `contract._cleaned`, made by a forked process one batch ahead.

    The process is a copy of this one (the kind, the open file and its reader, the caller's
    language); it sends a batch as soon as it is cleaned, and waits, cleaning nothing more,
    until the caller has taken it (a pipe holds little): at most one batch is cleaned ahead
    of the one being written.
    """
    language = translation.get_language()
    receiving, sending = Pipe(duplex=False)
    # What this process has buffered would be written twice, once by each.
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the cleaning process
        receiving.close()
        _clean_and_send(kind, rows, size, language, sending)  # never returns
    sending.close()
    done = False
    try:
        while True:
            try:
                message = receiving.recv_bytes()
            except EOFError:
                raise RuntimeError(
                    "the import's cleaning process ended without a word (killed?)"
                ) from None
            if message == _DONE:
                done = True
                return
            item = pickle.loads(message)
            if isinstance(item, BaseException):
                raise item
            yield unpack(item)
    finally:
        receiving.close()
        if not done:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)


def _clean_and_send(
    kind: ImportKind[R],
    rows: Iterable[RawRow],
    size: int | None,
    language: str | None,
    sending: Connection,
) -> None:
    code = 0
    try:
        # Ctrl-C reaches the whole process group: the writing process stops this one.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _forget_databases()
        # What was inherited lives as long as this process: the collector need not walk it.
        gc.freeze()
        with translation.override(language):
            for batch, rejected in _cleaned(kind, rows, size):
                sending.send_bytes(pack(batch, rejected))
        sending.send_bytes(_DONE)
    except BrokenPipeError:
        pass  # the writing process has gone: nothing to tell
    except BaseException as error:
        code = 1
        # If even that fails, the writing process sees the pipe end.
        with contextlib.suppress(BaseException):
            sending.send_bytes(_pickled_error(error))
    finally:
        os._exit(code)


_INHERITED: list[Any] = []


def _forget_databases() -> None:
    """The connections inherited are the writing process's: never use, close or free them
    here (freeing one would close it, ending its session on the server)."""

    def refuse() -> None:
        raise RuntimeError("the import's cleaning process must not use the database")

    for connection in connections.all(initialized_only=True):
        _INHERITED.append(connection.connection)
        connection.connection = None
        connection.connect = refuse  # type: ignore[method-assign]


def _pickled_error(error: BaseException) -> bytes:
    text = "".join(traceback.format_exception(error))
    try:
        error.add_note(f"(raised in the import's cleaning process)\n{text}")
        return pickle.dumps(error)
    except Exception:
        return pickle.dumps(RuntimeError(f"in the import's cleaning process: {text}"))


# ---------------------------------------------------------------- batches, column by column


def pack(batch: list[Line[Any]], rejected: list[Reject]) -> bytes:
    """A batch and its rejects as bytes: line numbers, each record column (an aware time as
    its UTC text), the raw rows (a CSV batch's cells pickled apart, read only for a reject).
    Pickled without its memo: each value is pickled once anyway."""
    records = [line.record for line in batch]
    record_type = type(records[0]) if records else tuple
    columns: list[tuple[str, Any]] | None = None
    if hasattr(record_type, "_make"):  # a named tuple: column by column
        # A pass per column (itemgetter, in C): 3× faster than zip(*records) measured.
        columns = [
            _pack_column(list(map(operator.itemgetter(index), records)))
            for index in range(len(records[0]))
        ]
    state = (
        array.array("q", [line.number for line in batch]).tobytes(),
        record_type,
        columns,
        None if columns is not None else records,
        _pack_raws([line.raw for line in batch]),
        [Reject(r.line, r.field, r.reason, dict(r.raw)) for r in rejected],
    )
    return _dumps(state)


def _dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # no memo: measured, 5× faster (a batch holds no cycles)
    pickler.dump(value)
    return buffer.getvalue()


def unpack(state: tuple[Any, ...]) -> tuple[Sequence[Line[Any]], list[Reject]]:
    numbers, record_type, columns, records, raws, rejected = state
    found = array.array("q")
    found.frombytes(numbers)
    batch = LineColumns(found.tolist(), record_type, columns or [], raws)
    if columns is None:  # records of another type: the lines as they are
        return [
            Line(number, record, batch.raw(position))
            for position, (number, record) in enumerate(zip(batch.numbers, records, strict=True))
        ], rejected
    return batch, rejected


def _pack_column(values: list[Any]) -> tuple[str, Any]:
    if values and type(values[0]) is dt.datetime and set(map(type, values)) == {dt.datetime}:
        offsets = list(map(dt.datetime.utcoffset, values))
        if None not in offsets:
            # In C: the wall times made naive, minus their offsets, as text.
            naive = map(_combine, values, map(dt.datetime.time, values))
            return "utc", SEP.join(map(str, map(operator.sub, naive, offsets)))
    return "list", values


def utc_text(value: dt.datetime, offset: dt.timedelta | None = None) -> str:
    """An aware time as UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]" (as Django stores it on
    SQLite; PostgreSQL reads it with "+00"). The wall time minus its offset, made naive by
    `combine`: a third cheaper than `astimezone`."""
    if offset is None:
        offset = value.utcoffset()
    utc = value - offset if offset else value
    return _combine(utc, utc.time()).isoformat(" ")


_combine = dt.datetime.combine
_parse = dt.datetime.fromisoformat
_UTC = "+00:00"


def _pack_raws(raws: list[Any]) -> tuple[str, Any]:
    if raws and set(map(type, raws)) == {RawRow}:
        cells = list(map(_cells_of, raws))
        columns = raws[0].columns
        # The rows of a CSV file: their cells, pickled apart (unpickled only for a reject).
        # Measured: 0.26 µs a row, against 0.96 µs to join them into one text.
        if None not in cells and set(map(id, map(_columns_of, raws))) == {id(columns)}:
            return "cells", (list(columns or ()), _dumps(cells))
    return "rows", [(raw.line, dict(raw), raw.error) for raw in raws]


_cells_of = operator.attrgetter("cells")
_columns_of = operator.attrgetter("columns")


class LineColumns(Sequence[Line[R]], Generic[R]):
    """A batch of cleaned lines as the cleaning process sent it: its line numbers, its
    records column by column (`column`), its raw rows (made only when asked for, by a reject).
    As a sequence, it makes each line (record and raw row) when asked for."""

    def __init__(
        self,
        numbers: list[int],
        record_type: Callable[..., R],
        columns: list[tuple[str, Any]],
        raws: tuple[str, Any],
    ) -> None:
        self.numbers = numbers
        self._record_type: Any = record_type
        self._columns = columns
        self._decoded: dict[int, list[Any]] = {}
        self._raws = raws
        self._raw_rows: list[Any] | None = None
        self._lines: list[Line[R]] | None = None

    def __len__(self) -> int:
        return len(self.numbers)

    def column(self, index: int) -> list[Any]:
        """The records' values at `index`, in line order (the list is shared: don't change
        it)."""
        found = self._decoded.get(index)
        if found is None:
            how, values = self._columns[index]
            if how == "utc":  # parsed with its offset, in C: 0.15 µs a time
                found = list(map(_parse, (values.replace(SEP, _UTC + SEP) + _UTC).split(SEP)))
            else:
                found = values
            self._decoded[index] = found
        return found

    def utc_text(self, index: int) -> list[str] | None:
        """The times at `index` as UTC text (`utc_text`), if that column is aware times."""
        how, values = self._columns[index]
        return values.split(SEP) if how == "utc" else None

    def raw(self, position: int) -> RawRow:
        """The raw row of the line at `position`."""
        how, data = self._raws
        if how == "cells":
            columns, cells = data
            if self._raw_rows is None:
                self._raw_rows = pickle.loads(cells)
            return RawRow(self.numbers[position], None, None, self._raw_rows[position], columns)
        line, mapping, error = data[position]
        return RawRow(line, mapping, error)

    def lines(self) -> list[Line[R]]:
        if self._lines is None:
            make = self._record_type._make
            columns = [self.column(index) for index in range(len(self._columns))]
            self._lines = [
                Line(number, make(values), self.raw(position))
                for position, (number, values) in enumerate(
                    zip(self.numbers, zip(*columns, strict=True), strict=True)
                )
            ]
        return self._lines

    @overload
    def __getitem__(self, index: int) -> Line[R]: ...

    @overload
    def __getitem__(self, index: slice) -> list[Line[R]]: ...

    def __getitem__(self, index: int | slice) -> Line[R] | list[Line[R]]:
        if isinstance(index, slice) or self._lines is not None:
            return self.lines()[index]
        if index < 0:
            index += len(self)
        record = self._record_type._make(
            self.column(position)[index] for position in range(len(self._columns))
        )
        return Line(self.numbers[index], record, self.raw(index))

    def __iter__(self) -> Iterator[Line[R]]:
        return iter(self.lines())
