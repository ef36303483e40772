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
import random
import sys
import tempfile
from pathlib import Path

import import_common as common

PG_URL = "postgres://postgres@127.0.0.1:5432/symetrie_bench"
SQLITE_PATH = Path(tempfile.gettempdir()) / "symetrie_bench.sqlite3"
HEADER = [
    "external_id", "customer_external_id", "occurred_at", "channel", "unit_code",
    "employee_external_id", "subject", "summary", "outcome",
]  # fmt: skip
TARGET = " (target: at least 40%)"

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


def write_org(folder: Path) -> tuple[Path, Path, Path]:
    units, roles, employees = folder / "units.csv", folder / "roles.csv", folder / "employees.csv"
    common.write_units(units, REGIONS, AGENCIES_PER_REGION)
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
                    common.agency_code(number // EMPLOYEES_PER_AGENCY), "advisor", "2020-01-06",
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
                    rng.choice(segments), "fr", common.agency_code(agency), f"E{advisor:05d}",
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
                    common.agency_code(agency) if staffed else "",
                    f"E{employee:05d}" if staffed else "",
                    rng.choice(SUBJECTS),
                    rng.choice(SUMMARIES),
                    rng.choice(OUTCOMES),
                ]
            )


# ---------------------------------------------------------------- running things


def prepare(database_url: str, folder: Path, customers: Path) -> None:
    units, roles, employees = write_org(folder)
    common.migrate_and_import(
        database_url,
        [("units", units), ("roles", roles), ("employees", employees), ("customers", customers)],
    )


# ---------------------------------------------------------------- PostgreSQL


def bench_postgres(url: str, data: Path, customers: Path, runs: int) -> dict[str, float]:
    import psycopg

    common.recreate_postgres(url)
    prepare(url, data.parent, customers)
    rows = common.count_rows(data)

    def ours() -> float:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("TRUNCATE customers_interaction")
            conn.execute("CHECKPOINT")
        return common.symetrie(url, "import", "interactions", str(data), "--no-progress")

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
        return common.copy_into(url, "bench_interaction", data)

    return common.compare("PostgreSQL", rows, runs, ours, reference, target=TARGET)


# ---------------------------------------------------------------- SQLite


def bench_sqlite(path: Path, data: Path, customers: Path, runs: int) -> dict[str, float]:
    url = common.fresh_sqlite(path)
    prepare(url, data.parent, customers)
    rows = common.count_rows(data)

    def ours() -> float:
        conn = common.sqlite_connect(path)
        conn.execute("DELETE FROM customers_interaction")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        return common.symetrie(url, "import", "interactions", str(data), "--no-progress")

    def reference() -> float:
        conn = common.sqlite_connect(path)
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
        return common.insert_into(conn, "bench_interaction", HEADER, data, show_cpu=True)

    return common.compare("SQLite", rows, runs, ours, reference, target=TARGET)


# ---------------------------------------------------------------- command line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    args = common.parse_args(parser, PG_URL, SQLITE_PATH, always_show_load=False)

    rng = random.Random(20240301)
    customers = common.WORK / f"customers-{args.customers}.csv"
    if not customers.exists():
        write_customers(customers, args.customers, rng)
    data = common.WORK / f"interactions-{args.rows}-{args.customers}.csv"
    common.ensure_data(data, lambda path: write_interactions(path, args.rows, args.customers, rng))

    results = common.run_benches(
        args.only,
        lambda: bench_postgres(args.pg_url, data, customers, args.runs),
        lambda: bench_sqlite(args.sqlite_path, data, customers, args.runs),
    )
    short = [name for name, result in results.items() if result["ratio"] < 0.4]
    if short:
        sys.exit(f"below the 40% target: {', '.join(short)}")


if __name__ == "__main__":
    main()
