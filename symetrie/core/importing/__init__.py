"""The import contract, shared by every kind of data and by the bulk API endpoints.

A kind (units, employees, customers...) says how to clean one row and how to write a batch;
this package reads the file (CSV with `,` or `;`, UTF-8 with or without BOM or Windows-1252, or
JSON Lines), rejects bad rows with their line, field and reason, writes each batch in its own
transaction (so a killed import loses at most the batch in flight, and a re-run completes it),
and counts created / updated / unchanged / rejected rows.
"""

from symetrie.core.importing.contract import (
    BatchResult,
    Counts,
    ImportKind,
    Line,
    Reject,
    RowError,
    run_rows,
)
from symetrie.core.importing.reader import Table, UnreadableFile, open_table
from symetrie.core.importing.registry import get_kind, kind_names, register

__all__ = [
    "BatchResult",
    "Counts",
    "ImportKind",
    "Line",
    "Reject",
    "RowError",
    "Table",
    "UnreadableFile",
    "get_kind",
    "kind_names",
    "open_table",
    "register",
    "run_rows",
]
