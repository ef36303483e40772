"""`symetrie demo`: build the demo company (once), print the persona logins, serve the app."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse
from django.utils import timezone

from symetrie.demo import builder
from symetrie.demo.customers import showcase_customer
from symetrie.demo.listening import sample_survey_link
from symetrie.demo.personas import DEMO_PASSWORD, persona_logins


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        # argparse reports it as a usage error naming the option (--today).
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (use YYYY-MM-DD)") from None


def _size(value: str) -> str:
    # "tiny" (the small network with a few customers) is for tests: accepted, not offered.
    if value not in builder.ALL_SIZES:
        raise argparse.ArgumentTypeError(
            f"invalid choice: {value!r} (choose from {', '.join(builder.SIZES)})"
        )
    return value


class Command(BaseCommand):
    help = (
        "Build a fictitious French retail bank (org tree, roles, employees, persona logins, "
        "customers with a year of history, campaigns) into an empty database, then serve the "
        "app. The same --seed and --today give the same data. If the database already holds "
        "an org, serve it as it is (--reset rebuilds)."
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
            type=_size,
            default="small",
            metavar="{small,large}",
            help="small: ~60 agencies, ~800 employees, 20 000 customers, ~200 000 interactions "
            "(default); large: ~600 agencies, 1 000 000 customers, ~10 000 000 interactions",
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
        self._today: dt.date = options["today"] or timezone.localdate()
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
        today = self._today
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
        assert ctx.org is not None and ctx.customers is not None
        org, customers = ctx.org, ctx.customers
        self.stdout.write(
            f"Built in {time.perf_counter() - started:.1f} s: {org.units} units "
            f"({len(org.region_codes)} regions, {len(org.agency_codes)} agencies), "
            f"{org.employees} employees ({org.active_employees} active, "
            f"{org.leavers} who left); {customers.customers} customers "
            f"({customers.identities} identifiers), {customers.interactions} interactions, "
            f"{customers.campaigns} campaigns ({customers.deliveries} deliveries), "
            f"{customers.handoff_notes} handoff notes."
        )
        if ctx.listening is not None:
            heard = ctx.listening
            self.stdout.write(
                f"Listening in {heard.seconds:.1f} s: {heard.surveys} surveys, "
                f"{heard.invitations} invitations, {heard.customer_responses} customer answers, "
                f"{heard.employee_responses} employee answers ({heard.held_back} held back "
                f"until their group is large enough), {heard.comments} comments, "
                f"{heard.follow_ups} detractors of the last days to call back."
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
            if login.key == "frontline":
                self._print_showcase(indent=width + 4)
            elif login.key == "manager":
                self.stdout.write(
                    f"{'':<{width + 4}}see: {reverse('listening:results')} (the team pulse "
                    "and the agency's NPS; small teams below the confidentiality threshold)"
                )
        link = sample_survey_link(today=self._today)
        if link is not None:
            label = "Customer"
            self.stdout.write(f"  {label:<{width}}  no login: answer a survey at {link}")
        self.stdout.write("")

    def _print_showcase(self, *, indent: int) -> None:
        """A customer worth opening for the frontline persona: a loyalty card to search for."""
        showcase = showcase_customer(today=self._today)
        if showcase is not None:
            self.stdout.write(
                f"{'':<{indent}}try: search for {showcase.card} ({showcase.name}'s loyalty "
                "card: an open handoff note, a live campaign received)"
            )
