"""Orchestration of the demo company: a list of steps sharing one context.

Each domain adds its part as a step, a function `(ctx) -> None` appended to `STEPS` (org
first; customers, cases, surveys later). Each step draws from its own random generator,
seeded by the seed and the step's name, so that adding a step, or drawing more numbers in
one, never changes what the other steps generate for the same seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, get_args

from django.core.management import call_command
from django.db import transaction

from symetrie.demo import cases, customers, listening, org, personas
from symetrie.org.models import Unit

if TYPE_CHECKING:
    from symetrie.demo.cases import CaseFacts
    from symetrie.demo.customers import CustomerFacts
    from symetrie.demo.listening import ListeningFacts
    from symetrie.demo.org import OrgFacts
    from symetrie.demo.personas import PersonaLogin

# "tiny" is for tests (the small network, a few customers): not offered by the command.
Size = Literal["tiny", "small", "large"]
ALL_SIZES: tuple[Size, ...] = get_args(Size)
SIZES: tuple[Size, ...] = ("small", "large")


class Progress:
    """Where steps report how far they have got; this base class shows nothing."""

    def stage(self, description: str, total: int) -> None:
        """A new stage of `total` items begins (the previous one is done)."""

    def advance(self, amount: int = 1) -> None:
        """`amount` more items of the current stage are done."""

    def close(self) -> None:
        """The build is over."""


class RichProgress(Progress):
    """One bar per stage on stderr, for a person watching a terminal."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TaskID,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as Bars

        self._bars = Bars(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
        )
        self._task: TaskID | None = None
        self._total = 0
        self._bars.start()

    def stage(self, description: str, total: int) -> None:
        self._finish_task()
        self._task = self._bars.add_task(description, total=total)
        self._total = total

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._bars.advance(self._task, amount)

    def close(self) -> None:
        self._finish_task()
        self._bars.stop()

    def _finish_task(self) -> None:
        if self._task is not None:
            self._bars.update(self._task, completed=self._total)
            self._task = None


@dataclass
class DemoContext:
    """What the steps share: the seed, the reference date, the size, and what earlier steps
    produced that later ones build on (each domain adds its own attribute)."""

    seed: int
    today: dt.date
    size: Size
    progress: Progress = field(default_factory=Progress)
    # The current step's own generator (see the module docstring); never the global `random`.
    rng: random.Random = field(init=False)
    # Filled by the org step.
    org: OrgFacts | None = None
    # Filled by the personas step, in the order they are printed.
    personas: list[PersonaLogin] = field(default_factory=list)
    # Filled by the customers step.
    customers: CustomerFacts | None = None
    # Filled by the cases step.
    cases: CaseFacts | None = None
    # Filled by the listening step.
    listening: ListeningFacts | None = None

    def __post_init__(self) -> None:
        self.rng = self.rng_for("")

    def rng_for(self, name: str) -> random.Random:
        """A generator of its own for `name`, reproducible from the seed alone."""
        # A str seed is hashed with SHA-512 by `random`, so it does not depend on
        # PYTHONHASHSEED: the same seed and name give the same numbers in every process.
        return random.Random(f"{self.seed}:{name}")


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[DemoContext], None]


# In order: a step may use what the steps before it built. The domain modules import
# DemoContext for type checking only, so that importing them here makes no cycle.
STEPS: list[Step] = [
    Step("org", org.build_org),
    Step("personas", personas.set_up_personas),
    Step("customers", customers.build_customers),
    Step("cases", cases.build_cases),
    Step("listening", listening.build_listening),
]


def demo_exists() -> bool:
    """Whether the database already holds an org tree (the demo's or anyone's)."""
    return Unit.objects.exists()


def wipe() -> None:
    """Empty every table (keeps the schema), so that the demo is rebuilt from nothing."""
    call_command("flush", interactive=False, verbosity=0)


def build(
    *,
    seed: int = 42,
    today: dt.date,
    size: Size = "small",
    progress: Progress | None = None,
) -> DemoContext:
    """Build the demo company into an empty database; the same arguments give the same data.

    One transaction for the whole build: if a step fails, nothing is left half-built, and the
    next run starts from nothing again instead of finding a partial demo and serving it.
    """
    if size not in ALL_SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    ctx = DemoContext(seed=seed, today=today, size=size, progress=progress or Progress())
    try:
        with transaction.atomic():
            for step in STEPS:
                ctx.rng = ctx.rng_for(step.name)
                step.run(ctx)
    finally:
        ctx.progress.close()
    return ctx
