"""`symetrie import KIND FILE`: the import contract on the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from symetrie.core.importing import UnreadableFile, get_kind, kind_names
from symetrie.core.importing.files import EXIT_UNREADABLE, import_file, terminal_progress


class Command(BaseCommand):
    help = (
        "Import a CSV (, or ;) or JSON Lines file. Ends with one line: created N, updated N, "
        "unchanged N, rejected N. Rejected rows go to FILE.rejects.csv. Exit code 0: all rows "
        "imported; 1: some rows rejected; 2: the file could not be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="what the file holds: " + ", ".join(kind_names()))
        parser.add_argument("file", type=Path)
        parser.add_argument("--batch-size", type=int, default=None, help="rows per transaction")
        parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            kind = get_kind(options["kind"])
        except LookupError:
            raise CommandError(
                f"unknown kind {options['kind']!r}; known kinds: {', '.join(kind_names())}",
                returncode=EXIT_UNREADABLE,
            ) from None
        path: Path = options["file"]
        show = not options["no_progress"] and sys.stderr.isatty()
        try:
            with terminal_progress(show, f"{kind.name} ← {path.name}") as progress:
                result = import_file(
                    kind, path, batch_size=options["batch_size"], progress=progress
                )
        except UnreadableFile as error:
            raise CommandError(str(error), returncode=EXIT_UNREADABLE) from None
        self.stdout.write(result.counts.summary_line())
        if result.rejects_path is not None:
            self.stderr.write(f"rejected rows and their reasons: {result.rejects_path}")
        if result.exit_code:
            sys.exit(result.exit_code)
