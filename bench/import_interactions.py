"""Benchmark: `symetrie import interactions FILE` against the database's own fastest load.

    .venv/bin/python bench/import_interactions.py                 # 2 000 000 rows, both databases
    .venv/bin/python bench/import_interactions.py --rows 200000 --only sqlite

It builds a bench database (PostgreSQL: `symetrie_bench`, recreated; SQLite: a file under /tmp),
imports an org and 100 000 customers through `symetrie import`, generates a realistic
interactions CSV, then measures, each at least `--runs` times (medians are reported):

- PostgreSQL: the whole command as a user runs it (a subprocess, wall time, into an empty
  interactions table) against a raw `COPY ... FROM STDIN (FORMAT csv)` of the same file into a
  bare table with the same columns (text / timestamptz), the same unique key (external_id) and
  the same timeline index (customer_external_id, occurred_at DESC);
- SQLite: the command against Python's csv module reading the same file and inserting its rows
  with one executemany in one transaction into an equivalent bare table (same key and index).

Target: ours at least 40% of the reference's rows per second on both. Never point it at a
database you care about: it drops and recreates what it uses.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/symetrie_bench"
SQLITE_PATH = Path(tempfile.gettempdir()) / "symetrie_bench.sqlite3"
WORK = Path(tempfile.gettempdir()) / "symetrie_bench"
HEADER = [
    "external_id", "customer_external_id", "occurred_at", "channel", "unit_code",
    "employee_external_id", "subject", "summary", "outcome",
]  # fmt: skip
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; "
    "PRAGMA mmap_size=134217728; PRAGMA cache_size=-65536;"
)

# ---------------------------------------------------------------- data

REGIONS = 4
AGENCIES_PER_REGION = 10
EMPLOYEES_PER_AGENCY = 5
CHANNELS = [
    ("branch", 22), ("phone", 25), ("email", 15), ("app", 18), ("web", 10), ("chat", 6),
    ("social", 2), ("letter", 2),
]  # fmt: skip
SUBJECTS = [
    "Ouverture de compte",
    "Demande de prêt immobilier",
    "Carte bloquée",
    "Changement d'adresse",
    "Réclamation frais bancaires",
    "Virement international",
    "Question sur l'épargne",
    "Assurance habitation",
    "Mise à jour des coordonnées",
    "Opposition carte",
    "Rendez-vous conseiller",
    "Augmentation de plafond",
    "Clôture de compte",
    "Contestation d'opération",
    "Offre de bienvenue",
]
SUMMARIES = [
    "Le client souhaite comprendre les frais prélevés le mois dernier ; explications données.",
    "Demande traitée en une fois, le client repart avec une simulation détaillée.",
    "Client mécontent du délai de traitement, rappel prévu sous 48 heures.",
    "Mise à jour effectuée dans l'application, confirmation envoyée par e-mail.",
    "Le client a reçu l'offre par e-mail et vient en agence pour en profiter.",
    "Transfert vers le service spécialisé, dossier complet transmis.",
    "",
]
OUTCOMES = ["résolu", "en cours", "rappel prévu", "transféré", "sans suite", ""]


def customer_id(number: int) -> str:
    return f"C{number:07d}"


def agency_code(number: int) -> str:
    return f"AG-{number:03d}"


def write_org(folder: Path) -> tuple[Path, Path, Path]:
    units, roles, employees = folder / "units.csv", folder / "roles.csv", folder / "employees.csv"
    with units.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "kind", "parent_code"])
        writer.writerow(["HQ", "Banque Bench", "company", ""])
        for region in range(REGIONS):
            writer.writerow([f"R-{region}", f"Région {region}", "region", "HQ"])
            for agency in range(AGENCIES_PER_REGION):
                number = region * AGENCIES_PER_REGION + agency
                writer.writerow([agency_code(number), f"Agence {number}", "agency", f"R-{region}"])
    roles.write_text("code,name\nadvisor,Conseiller\n", encoding="utf-8")
    with employees.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["external_id", "email", "first_name", "last_name", "unit_code", "role", "hire_date"]
        )
        for number in range(REGIONS * AGENCIES_PER_REGION * EMPLOYEES_PER_AGENCY):
            writer.writerow(
                [
                    f"E{number:05d}", f"e{number}@bench.example", "Prénom", f"Nom{number}",
                    agency_code(number // EMPLOYEES_PER_AGENCY), "advisor", "2020-01-06",
                ]
            )  # fmt: skip
    return units, roles, employees


def write_customers(path: Path, count: int, rng: random.Random) -> None:
    firsts = ["Élodie", "Jean", "Marie", "Luc", "Chloé", "Hugo", "Inès", "Théo", "Zoé", "Noël"]
    lasts = ["Lefèvre", "Dupont", "Martin", "Bernard", "Petit", "Durand", "Moreau", "Girard"]
    segments = ["particulier", "premium", "jeune", "professionnel"]
    agencies = REGIONS * AGENCIES_PER_REGION
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "external_id", "first_name", "last_name", "segment", "language",
                "home_unit_code", "advisor_external_id",
            ]
        )  # fmt: skip
        for number in range(count):
            agency = rng.randrange(agencies)
            advisor = agency * EMPLOYEES_PER_AGENCY + rng.randrange(EMPLOYEES_PER_AGENCY)
            writer.writerow(
                [
                    customer_id(number), rng.choice(firsts), rng.choice(lasts),
                    rng.choice(segments), "fr", agency_code(agency), f"E{advisor:05d}",
                ]
            )  # fmt: skip


def write_interactions(path: Path, rows: int, customers: int, rng: random.Random) -> None:
    """Interactions in time order over three years, as a CRM export would list them."""
    channels = [name for name, _weight in CHANNELS]
    weights = [weight for _name, weight in CHANNELS]
    # Naive on purpose: the file holds local times, as a French export would.
    start = dt.datetime(2023, 1, 1, 8, 0)  # noqa: DTZ001
    span = 3 * 365 * 24 * 3600
    step = span / rows
    agencies = REGIONS * AGENCIES_PER_REGION
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        picked = rng.choices(channels, weights, k=rows)
        for number in range(rows):
            channel = picked[number]
            when = start + dt.timedelta(seconds=int(number * step))
            staffed = channel in ("branch", "phone", "letter")
            agency = rng.randrange(agencies)
            employee = agency * EMPLOYEES_PER_AGENCY + rng.randrange(EMPLOYEES_PER_AGENCY)
            writer.writerow(
                [
                    f"INT{number:09d}",
                    customer_id(rng.randrange(customers)),
                    when.isoformat(timespec="seconds"),
                    channel,
                    agency_code(agency) if staffed else "",
                    f"E{employee:05d}" if staffed else "",
                    rng.choice(SUBJECTS),
                    rng.choice(SUMMARIES),
                    rng.choice(OUTCOMES),
                ]
            )


# ---------------------------------------------------------------- running things


def env_for(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "localhost",
        "DB_CONN_MAX_AGE": "0",
    }


def symetrie(database_url: str, *args: str, check: bool = True) -> float:
    """Run `symetrie ARGS` as a user would; returns the wall time in seconds."""
    before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "symetrie", *args],
        env=env_for(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    cpu = _children_cpu() - before
    if check and done.returncode != 0:
        sys.exit(f"symetrie {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    if args and args[0] == "import":
        print(
            f"    symetrie {' '.join(args[1:3])}: {done.stdout.strip()}  ({elapsed:.1f} s, "
            f"{cpu:.1f} s of CPU in the command)"
        )
    return elapsed


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes: unlike wall time, hardly
    moved by other work on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_of(runs: int, measure: Callable[[], float]) -> tuple[float, list[float]]:
    times = [measure() for _ in range(runs)]
    return statistics.median(times), times


def prepare(database_url: str, folder: Path, customers: Path) -> None:
    symetrie(database_url, "migrate", "--no-input")
    units, roles, employees = write_org(folder)
    for kind, path in (("units", units), ("roles", roles), ("employees", employees)):
        symetrie(database_url, "import", kind, str(path), "--no-progress")
    symetrie(database_url, "import", "customers", str(customers), "--no-progress")


# ---------------------------------------------------------------- PostgreSQL


def bench_postgres(url: str, data: Path, customers: Path, runs: int) -> dict[str, float]:
    import psycopg

    base, _slash, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    prepare(url, data.parent, customers)
    rows = count_rows(data)

    def ours() -> float:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("TRUNCATE customers_interaction")
            conn.execute("CHECKPOINT")
        return symetrie(url, "import", "interactions", str(data), "--no-progress")

    def reference() -> float:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS bench_interaction")
            conn.execute(
                "CREATE TABLE bench_interaction (external_id text NOT NULL UNIQUE, "
                "customer_external_id text NOT NULL, occurred_at timestamptz NOT NULL, "
                "channel text NOT NULL, unit_code text, employee_external_id text, "
                "subject text NOT NULL, summary text, outcome text)"
            )
            conn.execute(
                "CREATE INDEX bench_interaction_timeline "
                "ON bench_interaction (customer_external_id, occurred_at DESC)"
            )
            conn.execute("CHECKPOINT")
        started = time.perf_counter()
        with psycopg.connect(url) as conn:
            conn.execute("SET TIME ZONE 'Europe/Paris'")
            with (
                conn.cursor() as cursor,
                data.open("rb") as handle,
                cursor.copy("COPY bench_interaction FROM STDIN (FORMAT csv, HEADER true)") as copy,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            conn.commit()
        return time.perf_counter() - started

    return compare("PostgreSQL", rows, runs, ours, reference)


# ---------------------------------------------------------------- SQLite


def bench_sqlite(path: Path, data: Path, customers: Path, runs: int) -> dict[str, float]:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    prepare(url, data.parent, customers)
    rows = count_rows(data)

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.executescript(SQLITE_PRAGMAS)
        return conn

    def ours() -> float:
        conn = connect()
        conn.execute("DELETE FROM customers_interaction")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        return symetrie(url, "import", "interactions", str(data), "--no-progress")

    def reference() -> float:
        conn = connect()
        conn.execute("DROP TABLE IF EXISTS bench_interaction")
        conn.execute(
            "CREATE TABLE bench_interaction (id integer PRIMARY KEY, "
            "external_id text NOT NULL UNIQUE, customer_external_id text NOT NULL, "
            "occurred_at text NOT NULL, channel text NOT NULL, unit_code text, "
            "employee_external_id text, subject text NOT NULL, summary text, "
            "outcome text)"
        )
        conn.execute(
            "CREATE INDEX bench_interaction_timeline "
            "ON bench_interaction (customer_external_id, occurred_at DESC)"
        )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        started = time.perf_counter()
        cpu = time.process_time()
        with data.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                f"INSERT INTO bench_interaction ({', '.join(HEADER)}) "
                f"VALUES ({', '.join('?' * len(HEADER))})",
                reader,
            )
            conn.execute("COMMIT")
        elapsed = time.perf_counter() - started
        print(f"    reference CPU: {time.process_time() - cpu:.1f} s")
        conn.close()
        return elapsed

    return compare("SQLite", rows, runs, ours, reference)


# ---------------------------------------------------------------- reporting


def count_rows(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _line in handle) - 1


QUIET = {"load": 0.0, "wait": 0}


def wait_for_quiet() -> None:
    """The machine may be shared: before a measurement, wait (a while at most) until the
    1-minute load average is below `--quiet-load`."""
    if not QUIET["load"]:
        return
    deadline = time.monotonic() + QUIET["wait"]
    while os.getloadavg()[0] >= QUIET["load"] and time.monotonic() < deadline:
        time.sleep(5)
    print(f"    (load average {os.getloadavg()[0]:.2f})")


def compare(
    label: str, rows: int, runs: int, ours: Callable[[], float], reference: Callable[[], float]
) -> dict[str, float]:
    print(f"\n{label}: {rows:,} rows, {runs} runs each", flush=True)
    # Interleaved, so that a noisy minute hurts both sides alike.
    ours_times: list[float] = []
    reference_times: list[float] = []
    for _run in range(runs):
        wait_for_quiet()
        ours_times.append(ours())
        wait_for_quiet()
        reference_times.append(reference())
        print(f"    reference: {reference_times[-1]:.1f} s")
    ours_median = statistics.median(ours_times)
    reference_median = statistics.median(reference_times)
    ratio = reference_median / ours_median
    print(
        f"  symetrie import : median {ours_median:6.1f} s  {rows / ours_median:>10,.0f} rows/s"
        f"  (runs: {', '.join(f'{t:.1f}' for t in ours_times)})"
    )
    print(
        f"  reference       : median {reference_median:6.1f} s  "
        f"{rows / reference_median:>10,.0f} rows/s"
        f"  (runs: {', '.join(f'{t:.1f}' for t in reference_times)})"
    )
    print(f"  ratio           : {ratio:.0%} of the reference's rows/s (target: at least 40%)")
    return {"ours": ours_median, "reference": reference_median, "ratio": ratio}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["postgres", "sqlite"])
    parser.add_argument("--pg-url", default=PG_URL, help="the bench database (recreated)")
    parser.add_argument("--sqlite-path", type=Path, default=SQLITE_PATH)
    parser.add_argument(
        "--quiet-load",
        type=float,
        default=0.0,
        help="before each measurement, wait (up to --quiet-wait seconds) until the 1-minute "
        "load average is below this",
    )
    parser.add_argument("--quiet-wait", type=int, default=300)
    args = parser.parse_args()
    QUIET.update(load=args.quiet_load, wait=args.quiet_wait)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    WORK.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20240301)
    customers = WORK / f"customers-{args.customers}.csv"
    if not customers.exists():
        write_customers(customers, args.customers, rng)
    data = WORK / f"interactions-{args.rows}-{args.customers}.csv"
    if not data.exists():
        started = time.perf_counter()
        write_interactions(data, args.rows, args.customers, rng)
        print(f"generated {data} in {time.perf_counter() - started:.0f} s")
    print(f"{data}: {data.stat().st_size / 1e6:.0f} MB, {os.cpu_count()} CPU cores")

    results = {}
    if args.only in (None, "postgres"):
        results["postgres"] = bench_postgres(args.pg_url, data, customers, args.runs)
    if args.only in (None, "sqlite"):
        results["sqlite"] = bench_sqlite(args.sqlite_path, data, customers, args.runs)
    short = [name for name, result in results.items() if result["ratio"] < 0.4]
    if short:
        sys.exit(f"below the 40% target: {', '.join(short)}")


if __name__ == "__main__":
    main()
