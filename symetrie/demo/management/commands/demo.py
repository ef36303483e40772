"""`symetrie demo`: build the demo company (once), print the persona logins, serve the app."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from symetrie.demo import builder
from symetrie.demo.personas import DEMO_PASSWORD, persona_logins


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        # argparse reports it as a usage error naming the option (--today).
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (use YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Build a fictitious French retail bank (org tree, roles, employees, persona logins) "
        "into an empty database, then serve the app. The same --seed and --today give the "
        "same data. If the database already holds an org, serve it as it is (--reset rebuilds)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="reference date of the generated history, YYYY-MM-DD (default: today)",
        )
        parser.add_argument(
            "--size",
            choices=builder.SIZES,
            default="small",
            help="small: ~60 agencies, ~800 employees (default); large: about ten times more",
        )
        parser.add_argument(
            "--reset", action="store_true", help="wipe the database first, then rebuild"
        )
        parser.add_argument("--no-serve", action="store_true", help="build, then exit")
        parser.add_argument(
            "--addr", default="127.0.0.1:8000", help="address:port to serve on (127.0.0.1:8000)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        # A fresh database gets its schema first, so that one command is enough.
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
        if options["reset"]:
            self.stdout.write("Wiping the database (--reset)...")
            builder.wipe()
        if builder.demo_exists():
            self.stdout.write(
                "The database already holds an organisation: serving it as it is "
                "(use --reset to rebuild the demo)."
            )
        else:
            self._build(options)
        self._print_logins()
        if not options["no_serve"]:
            call_command("runserver", options["addr"], use_reloader=False)

    def _build(self, options: dict[str, Any]) -> None:
        today: dt.date = options["today"] or timezone.localdate()
        self.stdout.write(
            f"Building the demo company (seed {options['seed']}, size {options['size']}, "
            f"reference date {today.isoformat()})..."
        )
        started = time.perf_counter()
        show_progress = self.stderr.isatty() and options["verbosity"] > 0
        ctx = builder.build(
            seed=options["seed"],
            today=today,
            size=options["size"],
            progress=builder.RichProgress() if show_progress else None,
        )
        assert ctx.org is not None
        self.stdout.write(
            f"Built in {time.perf_counter() - started:.1f} s: {ctx.org.units} units "
            f"({len(ctx.org.region_codes)} regions, {len(ctx.org.agency_codes)} agencies), "
            f"{ctx.org.employees} employees ({ctx.org.active_employees} active, "
            f"{ctx.org.leavers} who left)."
        )

    def _print_logins(self) -> None:
        logins = persona_logins()
        if not logins:
            self.stdout.write("No demo persona account in this database.")
            return
        self.stdout.write(f"\nLog in as any of these, with the password: {DEMO_PASSWORD}")
        width = max(len(login.label) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.label:<{width}}  {login.email:<38}  {login.who}")
        self.stdout.write("")
