"""Kinds, rows, rejects and counts: the parts of the import contract that know no file format."""

from __future__ import annotations

import abc
import datetime as dt
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

R = TypeVar("R")


class RowError(Exception):
    """A row cannot be imported: names the field at fault and says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class Line(NamedTuple, Generic[R]):
    """A cleaned record and where it came from. (A named tuple: a big file makes millions.)"""

    number: int
    record: R
    raw: Mapping[str, Any]


@dataclass(frozen=True)
class Reject:
    """A rejected row: its line (1 = the header of a CSV file), the field, the reason, the row."""

    line: int
    field: str
    reason: str
    raw: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "reason": self.reason}


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected += other.rejected

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected

    def summary_line(self) -> str:
        """The one line every import ends with (in English: scripts parse it)."""
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        )


@dataclass
class BatchResult:
    counts: Counts = field(default_factory=Counts)
    rejects: list[Reject] = field(default_factory=list)

    def reject(self, line: Line[Any], field_name: str, reason: str) -> None:
        self.counts.rejected += 1
        self.rejects.append(Reject(line.number, field_name, reason, line.raw))


class ImportKind(abc.ABC, Generic[R]):
    """One kind of data: its columns, how to clean a row, how to write a batch of rows.

    `clean` is pure (no database): it parses and validates one row. `write` runs inside a
    transaction with the batch's cleaned records; it resolves references (unknown unit...) and
    upserts by the kind's external key, reporting what it created, updated or left unchanged.
    """

    name: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]
    required_columns: ClassVar[tuple[str, ...]]
    key_column: ClassVar[str]
    # Rows written per transaction; None = the whole file in one (for kinds whose rows refer
    # to each other in any order, such as units and their parents).
    batch_size: ClassVar[int | None] = 2000
    # A big file of this kind may be read and cleaned in a process of its own (see
    # `worker.cleaned_apart`): `clean` and `cells_cleaner` use no database and keep no state
    # that `write` reads, and `write` takes any sequence of lines (a `worker.LineColumns`,
    # which gives its records column by column).
    clean_apart: ClassVar[bool] = False

    @abc.abstractmethod
    def clean(self, row: Mapping[str, Any]) -> R: ...

    @abc.abstractmethod
    def key(self, record: R) -> str: ...

    @abc.abstractmethod
    def write(self, lines: list[Line[R]]) -> BatchResult: ...

    def finish(self) -> None:
        """Called once after the last batch, in its own transaction: what a kind does once per
        import rather than per batch (the listening engine's end-of-round releases)."""

    def cells_cleaner(self, columns: Sequence[str]) -> Callable[[list[str]], R | None] | None:
        """Optionally, a faster `clean` for the rows of a CSV file with these `columns`: a
        function of a row's cells (in the file's order) returning the same record as `clean`,
        or None to let `clean` judge the row (a reject with its reason, an unusual value)."""
        return None


class RawRow(Mapping[str, Any]):
    """A row as read from a file: its data, or why it could not even be parsed.

    It is the mapping of its data (column → value). A CSV row keeps its cells in the file's
    order (`cells`, with the file's `columns`) and makes the mapping only when something asks
    for it (`clean`, a reject): with a kind's `cells_cleaner`, most rows of a big file never
    need one.
    """

    __slots__ = ("_data", "cells", "columns", "error", "line")

    def __init__(
        self,
        line: int,
        data: Mapping[str, Any] | None = None,
        error: str | None = None,
        cells: list[str] | None = None,
        columns: Sequence[str] | None = None,
    ) -> None:
        self.line = line
        self._data = data
        self.error = error
        self.cells = cells
        self.columns = columns

    @property
    def data(self) -> Mapping[str, Any]:
        if self._data is None:
            self._data = dict(zip(self.columns or (), self.cells or (), strict=False))
        return self._data

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


def run_rows(
    kind: ImportKind[R],
    rows: Iterable[RawRow],
    *,
    on_reject: Callable[[Reject], None],
    on_batch: Callable[[Counts], None] | None = None,
    batch_size: int | None = None,
    cleaned: Cleaning[R] | None = None,
) -> Counts:
    """Clean, de-duplicate and write rows batch by batch; each batch is one transaction.

    `batch_size` overrides the kind's own, except for a kind written in one batch (None):
    splitting it would reject rows whose references come later in the file. `cleaned` makes
    the batches (by default `_cleaned_ahead`, a thread one batch ahead).
    """
    size = (batch_size or kind.batch_size) if kind.batch_size is not None else None
    total = Counts()
    for batch, rejected in (cleaned or _cleaned_ahead)(kind, rows, size):
        total.rejected += len(rejected)
        if batch:
            with transaction.atomic():
                # A list, or for a kind cleaned apart any sequence (see `clean_apart`).
                result = kind.write(cast("list[Line[R]]", batch))
            rejected.extend(result.rejects)
            total.add(result.counts)
        # Rejects are reported in line order, batch by batch.
        for reject in sorted(rejected, key=lambda r: r.line):
            on_reject(reject)
        if on_batch is not None:
            on_batch(total)
    with transaction.atomic():
        kind.finish()
    return total


_Batch = tuple[Sequence[Line[R]], list[Reject]]
# How batches are made from rows: `_cleaned_ahead`, `worker.cleaned_apart`.
Cleaning = Callable[["ImportKind[R]", Iterable[RawRow], int | None], Iterator[_Batch[R]]]
_DONE = object()


def _cleaned_ahead(
    kind: ImportKind[R], rows: Iterable[RawRow], size: int | None
) -> Iterator[_Batch[R]]:
    """The batches of `_cleaned`, made by a thread one batch ahead of the caller.

    While the caller's thread writes a batch (waiting on the database, without the GIL), this
    thread reads and cleans the next one: on a big file, the database and Python work at the
    same time. `clean` is pure, so it may run in any thread; it runs in the caller's language.
    The database is only ever used by the caller's thread, in its transactions.
    """
    language = translation.get_language()
    handoff: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            with translation.override(language):
                for batch in _cleaned(kind, rows, size):
                    if not put(batch):
                        return
            put(_DONE)
        except BaseException as error:  # handed to the caller's thread, raised there
            put(error)

    thread = threading.Thread(target=produce, name=f"import-{kind.name}-clean", daemon=True)
    thread.start()
    try:
        while (item := handoff.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


def _cleaned(
    kind: ImportKind[R], rows: Iterable[RawRow], size: int | None
) -> Iterator[tuple[list[Line[R]], list[Reject]]]:
    """Batches of cleaned, de-duplicated lines, each with the rows rejected while cleaning it;
    the last one may be empty."""
    seen: dict[str, int] = {}
    batch: list[Line[R]] = []
    rejected: list[Reject] = []
    key = kind.key
    columns: Sequence[str] | None = None
    cleaner: Callable[[list[str]], R | None] | None = None
    for raw in rows:
        # The fast path of a CSV row: its cells cleaned as they are, no mapping made.
        cells = raw.cells
        if cells is not None and raw.error is None:
            if raw.columns is not columns:
                columns = raw.columns
                cleaner = kind.cells_cleaner(columns) if columns is not None else None
            record = cleaner(cells) if cleaner is not None else None
            if record is not None and (record_key := key(record)) not in seen:
                seen[record_key] = raw.line
                batch.append(Line(raw.line, record, raw))
                if size is not None and len(batch) >= size:
                    yield batch, rejected
                    batch, rejected = [], []
                continue
        reject = _clean_into(kind, raw, seen, batch)
        if reject is not None:
            rejected.append(reject)
        if size is not None and len(batch) >= size:
            yield batch, rejected
            batch, rejected = [], []
    yield batch, rejected


def _clean_into(
    kind: ImportKind[R], raw: RawRow, seen: dict[str, int], batch: list[Line[R]]
) -> Reject | None:
    if raw.error is not None:
        return Reject(raw.line, "", raw.error, raw.data)
    try:
        record = kind.clean(raw.data)
    except RowError as error:
        return Reject(raw.line, error.field, error.reason, raw.data)
    key = kind.key(record)
    first = seen.get(key)
    if first is not None:
        return Reject(
            raw.line,
            kind.key_column,
            _("“%(key)s” already appears at line %(line)d of this file")
            % {"key": key, "line": first},
            raw.data,
        )
    seen[key] = raw.line
    batch.append(Line(raw.line, record, raw))
    return None


def iter_raw(rows: Iterable[Mapping[str, Any]], first_line: int = 1) -> Iterator[RawRow]:
    """Rows given as mappings (the bulk API), numbered from `first_line`."""
    for number, data in enumerate(rows, start=first_line):
        if isinstance(data, Mapping):
            yield RawRow(number, data)
        else:
            yield RawRow(number, {}, _("a record must be an object"))


# Field parsers shared by the kinds: each raises RowError naming the field.


def text(row: Mapping[str, Any], name: str, *, required: bool = False, max_length: int = 0) -> str:
    value = row.get(name)
    result = "" if value is None else str(value).strip()
    if required and not result:
        raise RowError(name, _("is required"))
    if max_length and len(result) > max_length:
        raise RowError(
            name,
            _("is too long (%(length)d characters, at most %(max)d)")
            % {"length": len(result), "max": max_length},
        )
    return result


_FR_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def date(row: Mapping[str, Any], name: str, *, required: bool = False) -> dt.date | None:
    """ISO dates (2024-03-01) or French ones (01/03/2024)."""
    value = text(row, name, required=required)
    if not value:
        return None
    try:
        match = _FR_DATE.match(value)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RowError(
            name, _("“%(value)s” is not a date (use YYYY-MM-DD or DD/MM/YYYY)") % {"value": value}
        ) from None


_TRUE_WORDS = {"1", "true", "yes", "y", "oui", "o", "vrai", "x"}
_FALSE_WORDS = {"0", "false", "no", "n", "non", "faux", ""}


def boolean(row: Mapping[str, Any], name: str) -> bool:
    value = row.get(name)
    if isinstance(value, bool):
        return value
    word = "" if value is None else str(value).strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise RowError(name, _("“%(value)s” is not yes or no") % {"value": value})


def decimal(row: Mapping[str, Any], name: str, *, default: Decimal | None = None) -> Decimal:
    """A decimal number; a French decimal comma (12,50) is accepted."""
    value = text(row, name).replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if not value:
        if default is None:
            raise RowError(name, _("is required"))
        return default
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise RowError(name, _("“%(value)s” is not a number") % {"value": value}) from None
    if not number.is_finite():
        raise RowError(name, _("“%(value)s” is not a number") % {"value": value})
    return number


def email(row: Mapping[str, Any], name: str, *, required: bool = False) -> str:
    value = text(row, name, required=required, max_length=254).lower()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise RowError(
                name, _("“%(value)s” is not an e-mail address") % {"value": value}
            ) from None
    return value


def choice(row: Mapping[str, Any], name: str, choices: Mapping[str, str]) -> str:
    """A value among `choices` (accepted spellings → stored value), case-insensitive."""
    value = text(row, name, required=True)
    stored = choices.get(value.lower())
    if stored is None:
        allowed = ", ".join(sorted(set(choices.values())))
        raise RowError(
            name, _("“%(value)s” is not one of: %(allowed)s") % {"value": value, "allowed": allowed}
        )
    return stored
