"""Benchmark: `symetrie import responses FILE` against the database's own fastest load.

    .venv/bin/python bench/import_responses.py                   # 200 000 rows, both databases
    .venv/bin/python bench/import_responses.py --rows 20000 --only sqlite --runs 1

It builds a bench database (PostgreSQL: `symetrie_bench_responses`, recreated; SQLite: a file
under /tmp), imports an org of 200 agencies in 4 regions and a monthly employee pulse of 5
questions (eNPS 0–10, three 1–5 agreements, an open comment) through `symetrie import`, opens
it, generates a realistic answers CSV (a year of monthly rounds, answers spread over the
agencies, a comment on one answer in three, tenure bands), then measures, each `--runs` times
(medians are reported), interleaved:

- the whole command as a user runs it (a subprocess, wall time, into empty answer tables):
  cleaning, the keyed hash of each id, the writes of responses and answers, the release rule
  per batch and the end-of-round pooling at the end;
- PostgreSQL: a raw `COPY ... FROM STDIN (FORMAT csv)` of the same file into a bare table with
  the file's columns and its unique key (survey_external_id, external_id);
- SQLite: Python's csv module reading the same file and one executemany in one transaction
  into an equivalent bare table (same key).

Never point it at a database you care about: it drops and recreates what it uses.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
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
PG_URL = "postgres://symetrie:symetrie@127.0.0.1:5432/symetrie_bench_responses"
SQLITE_PATH = Path(tempfile.gettempdir()) / "symetrie_bench_responses.sqlite3"
WORK = Path(tempfile.gettempdir()) / "symetrie_bench"
SURVEY = "BENCH-PULSE"
QUESTIONS = ("enps", "workload", "manager", "tools", "comment")
HEADER = [
    "survey_external_id", "external_id", "unit_code", "answered_at", "language", *QUESTIONS,
    "tenure_band",
]  # fmt: skip
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; "
    "PRAGMA mmap_size=134217728; PRAGMA cache_size=-65536;"
)
REGIONS = 4
AGENCIES_PER_REGION = 50
COMMENTS = [
    "Trop de réunions, pas assez de temps avec les clients.",
    "L'équipe est soudée, le manager à l'écoute.",
    "Les outils plantent l'après-midi, on perd un temps fou.",
    "Les objectifs commerciaux changent tous les mois.",
    "Merci pour la formation sur le nouveau logiciel.",
    "Hard to get answers from head office.",
    "Le planning est connu trop tard.",
]
TENURES = ["lt1y", "1_3y", "3_5y", "gt5y"]


def agency_code(number: int) -> str:
    return f"AG-{number:03d}"


def write_org(folder: Path) -> tuple[Path, Path]:
    units = folder / "responses-units.csv"
    with units.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "kind", "parent_code"])
        writer.writerow(["HQ", "Banque Bench", "company", ""])
        for region in range(REGIONS):
            writer.writerow([f"R-{region}", f"Région {region}", "region", "HQ"])
            for agency in range(AGENCIES_PER_REGION):
                number = region * AGENCIES_PER_REGION + agency
                writer.writerow([agency_code(number), f"Agence {number}", "agency", f"R-{region}"])
    likert = {"fr": "Pas du tout d'accord … Tout à fait d'accord", "en": "Disagree … Agree"}
    survey = {
        "external_id": SURVEY, "audience": "employee", "kind": "pulse", "cadence": "monthly",
        "title": {"fr": "Pouls du mois", "en": "Monthly pulse"}, "status": "open",
        "questions": [
            {"code": "enps", "kind": "nps", "required": True,
             "text": {"fr": "Recommanderiez-vous votre entreprise ?", "en": "Recommend us?"}},
            {"code": "workload", "kind": "scale_5", "text": likert},
            {"code": "manager", "kind": "scale_5", "text": likert},
            {"code": "tools", "kind": "scale_5", "text": likert},
            {"code": "comment", "kind": "text", "text": {"fr": "Un mot ?", "en": "A word?"}},
        ],
    }  # fmt: skip
    surveys = folder / "responses-surveys.jsonl"
    surveys.write_text(json.dumps(survey, ensure_ascii=False) + "\n", encoding="utf-8")
    return units, surveys


def write_responses(path: Path, rows: int, rng: random.Random) -> None:
    """A year of monthly rounds, in time order, as an HR tool's export would list them."""
    agencies = REGIONS * AGENCIES_PER_REGION
    # Naive on purpose: local times, as a French export; the last round is this month's.
    first = dt.date.today().replace(day=1)  # noqa: DTZ011
    months = [(first.year * 12 + first.month - 1 - back) for back in range(11, -1, -1)]
    # Response rates vary by agency: some answer a lot, a few hardly.
    weights = [rng.uniform(0.2, 1.0) for _ in range(agencies)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number in range(rows):
            month = months[number * len(months) // rows]
            day = dt.datetime(month // 12, month % 12 + 1, rng.randint(1, 25), 9)  # noqa: DTZ001
            when = day + dt.timedelta(minutes=rng.randrange(600))
            agency = rng.choices(range(agencies), weights)[0]
            enps = min(10, max(0, round(rng.gauss(7, 2.2))))
            writer.writerow(
                [
                    SURVEY, f"HR-{number:08d}", agency_code(agency),
                    when.isoformat(timespec="minutes"), "fr" if rng.random() < 0.9 else "en",
                    enps, *(rng.randint(1, 5) for _ in range(3)),
                    rng.choice(COMMENTS) if rng.random() < 0.33 else "", rng.choice(TENURES),
                ]
            )  # fmt: skip


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


def symetrie(database_url: str, *args: str) -> float:
    """Run `symetrie ARGS` as a user would; returns the wall time in seconds."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "symetrie", *args],
        env=env_for(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"symetrie {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    if args[0] == "import":
        cpu = usage.ru_utime + usage.ru_stime - before
        print(f"    symetrie {' '.join(args[1:3])}: {done.stdout.strip().splitlines()[-1]}  "
              f"({elapsed:.1f} s, {cpu:.1f} s of CPU in the command)")  # fmt: skip
    return elapsed


def prepare(database_url: str, folder: Path) -> None:
    symetrie(database_url, "migrate", "--no-input")
    units, surveys = write_org(folder)
    symetrie(database_url, "import", "units", str(units), "--no-progress")
    symetrie(database_url, "import", "surveys", str(surveys), "--no-progress")


RESET = (
    "DELETE FROM listening_answer",
    "DELETE FROM listening_response",
    "UPDATE listening_survey SET releases = 0",
)


def bench_postgres(url: str, data: Path, runs: int) -> dict[str, float]:
    import psycopg

    base, _slash, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    prepare(url, data.parent)

    def ours() -> float:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("TRUNCATE listening_answer, listening_response CASCADE")
            conn.execute(RESET[2])
            conn.execute("VACUUM ANALYZE")
        return symetrie(url, "import", "responses", str(data), "--no-progress")

    def reference() -> float:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS bench_response")
            conn.execute(
                "CREATE TABLE bench_response (survey_external_id text NOT NULL, "
                "external_id text NOT NULL, unit_code text NOT NULL, "
                "answered_at timestamptz NOT NULL, language text, enps smallint, "
                "workload smallint, manager smallint, tools smallint, comment text, "
                "tenure_band text, UNIQUE (survey_external_id, external_id))"
            )
        started = time.perf_counter()
        with psycopg.connect(url) as conn:
            conn.execute("SET TIME ZONE 'Europe/Paris'")
            with (
                conn.cursor() as cursor,
                data.open("rb") as handle,
                cursor.copy("COPY bench_response FROM STDIN (FORMAT csv, HEADER true)") as copy,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            conn.commit()
        return time.perf_counter() - started

    return compare("PostgreSQL", data, runs, ours, reference)


def bench_sqlite(path: Path, data: Path, runs: int) -> dict[str, float]:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    prepare(url, data.parent)

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.executescript(SQLITE_PRAGMAS)
        return conn

    def ours() -> float:
        conn = connect()
        for statement in RESET:
            conn.execute(statement)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        return symetrie(url, "import", "responses", str(data), "--no-progress")

    def reference() -> float:
        conn = connect()
        conn.execute("DROP TABLE IF EXISTS bench_response")
        conn.execute(
            "CREATE TABLE bench_response (id integer PRIMARY KEY, "
            "survey_external_id text NOT NULL, external_id text NOT NULL, "
            "unit_code text NOT NULL, answered_at text NOT NULL, language text, enps integer, "
            "workload integer, manager integer, tools integer, comment text, tenure_band text, "
            "UNIQUE (survey_external_id, external_id))"
        )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        started = time.perf_counter()
        with data.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                f"INSERT INTO bench_response ({', '.join(HEADER)}) "
                f"VALUES ({', '.join('?' * len(HEADER))})",
                reader,
            )
            conn.execute("COMMIT")
        elapsed = time.perf_counter() - started
        conn.close()
        return elapsed

    return compare("SQLite", data, runs, ours, reference)


# ---------------------------------------------------------------- reporting

QUIET = {"load": 0.0, "wait": 0}


def wait_for_quiet() -> None:
    """The machine may be shared: before a measurement, wait (a while at most) until the
    1-minute load average is below `--quiet-load`."""
    if QUIET["load"]:
        deadline = time.monotonic() + QUIET["wait"]
        while os.getloadavg()[0] >= QUIET["load"] and time.monotonic() < deadline:
            time.sleep(5)
    print(f"    (load average {os.getloadavg()[0]:.2f})")


def compare(
    label: str, data: Path, runs: int, ours: Callable[[], float], reference: Callable[[], float]
) -> dict[str, float]:
    with data.open("rb") as handle:
        rows = sum(1 for _line in handle) - 1
    answers = rows * len(QUESTIONS)  # at most: empty comments make no answer
    print(f"\n{label}: {rows:,} rows (up to {answers:,} answers), {runs} runs each", flush=True)
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
    for name, median, times in (
        ("symetrie import", ours_median, ours_times),
        ("reference      ", reference_median, reference_times),
    ):
        print(
            f"  {name}: median {median:6.1f} s  {rows / median:>9,.0f} rows/s"
            f"  (runs: {', '.join(f'{t:.1f}' for t in times)})"
        )
    print(f"  ratio          : {ratio:.0%} of the reference's rows/s")
    return {"ours": ours_median, "reference": reference_median, "ratio": ratio}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows (people's answers)")
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
    data = WORK / f"responses-{args.rows}.csv"
    if not data.exists():
        started = time.perf_counter()
        write_responses(data, args.rows, random.Random(20251121))
        print(f"generated {data} in {time.perf_counter() - started:.0f} s")
    print(f"{data}: {data.stat().st_size / 1e6:.0f} MB, {os.cpu_count()} CPU cores")
    if args.only in (None, "postgres"):
        bench_postgres(args.pg_url, data, args.runs)
    if args.only in (None, "sqlite"):
        bench_sqlite(args.sqlite_path, data, args.runs)


if __name__ == "__main__":
    main()
