"""Importing a file: the rejects file beside it, progress on a terminal, the summary's exit code."""

from __future__ import annotations

import csv
import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from symetrie.core.importing import worker
from symetrie.core.importing.contract import Counts, ImportKind, Reject, run_rows
from symetrie.core.importing.reader import open_table

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_UNREADABLE = 2
# From this size, a file of a kind that allows it is read and cleaned in a process of its own
# (`worker.cleaned_apart`); a smaller one in a thread, which costs less to start.
APART_FROM_BYTES = 8 << 20


@dataclass(frozen=True)
class FileImport:
    counts: Counts
    rejects_path: Path | None

    @property
    def exit_code(self) -> int:
        return EXIT_REJECTED if self.counts.rejected else EXIT_OK


def rejects_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".rejects.csv")


def import_file(
    kind: ImportKind[Any],
    path: Path,
    *,
    batch_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FileImport:
    """Import one file; raises UnreadableFile before writing anything if it can't be read."""
    with (
        _collecting_less(),
        open_table(path, required_columns=kind.required_columns) as table,
        _RejectsFile(rejects_path_for(path), kind.columns, table.delimiter) as rejects,
    ):
        counts = run_rows(
            kind,
            table.rows(),
            on_reject=rejects.write,
            on_batch=(lambda _c: progress(table.position(), table.size)) if progress else None,
            batch_size=batch_size,
            # (The process shares the file's offset with this one: `position` follows it.)
            cleaned=worker.cleaned_apart if _apart(kind, table.size) else None,
        )
        if progress:
            progress(table.size, table.size)
    return FileImport(counts, rejects.path if counts.rejected else None)


def _apart(kind: ImportKind[Any], size: int) -> bool:
    return kind.clean_apart and worker.CAN_FORK and size >= APART_FROM_BYTES


@contextmanager
def _collecting_less() -> Iterator[None]:
    """Run the cyclic garbage collector less often while a file is imported.

    A big file makes millions of small containers (each row's cells, record and line) that
    live until their batch is written; with the default thresholds (a collection every 700
    allocations) the collector walks them over and over: measured on 200 000 interactions,
    half the CPU time of reading and cleaning them. They make no reference cycles, so a
    collection every 50 000 allocations loses nothing.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 50_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


class _RejectsFile:
    """`FILE.rejects.csv`: written aside then renamed, and removed when nothing was rejected,
    so that what lies beside the file always belongs to its latest complete import."""

    def __init__(self, path: Path, columns: tuple[str, ...], delimiter: str) -> None:
        self.path = path
        self.columns = columns
        self.delimiter = delimiter
        # One name, not one per process: a run killed midway leaves it behind, and the next
        # run of the same file overwrites or removes it.
        self._tmp = path.with_name(path.name + ".tmp")
        self._handle: IO[str] | None = None
        self._writer: Any = None
        self.count = 0

    def __enter__(self) -> _RejectsFile:
        return self

    def write(self, reject: Reject) -> None:
        if self._writer is None:
            # A BOM so that spreadsheet programs read the accents right.
            self._handle = self._tmp.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._handle, delimiter=self.delimiter)
            self._writer.writerow(["line", "field", "reason", *self.columns])
        raw = reject.raw
        if "_raw" in raw and len(raw) == 1:
            values = [raw["_raw"]]
        else:
            values = [_cell(raw.get(column)) for column in self.columns]
        self._writer.writerow([reject.line, reject.field, reject.reason, *values])
        self.count += 1

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if self._handle is not None:
            self._handle.close()
        if exc_type is not None:
            self._tmp.unlink(missing_ok=True)
            return
        if self.count:
            self._tmp.replace(self.path)
        else:
            self._tmp.unlink(missing_ok=True)
            self.path.unlink(missing_ok=True)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@contextmanager
def terminal_progress(
    enabled: bool, description: str
) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
