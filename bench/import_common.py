"""What the import benchmarks (import_interactions.py, import_responses.py) share: running
`symetrie` as a user would, recreating the bench databases, the reference loads, the
interleaved measurement and its report, and the command line. Not a benchmark itself."""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.gettempdir()) / "symetrie_bench"
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; "
    "PRAGMA mmap_size=134217728; PRAGMA cache_size=-65536;"
)

# ---------------------------------------------------------------- data


def agency_code(number: int) -> str:
    return f"AG-{number:03d}"


def write_units(path: Path, regions: int, agencies_per_region: int) -> None:
    """HQ, `regions` regions, `agencies_per_region` agencies in each (AG-000, AG-001, …)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "kind", "parent_code"])
        writer.writerow(["HQ", "Banque Bench", "company", ""])
        for region in range(regions):
            writer.writerow([f"R-{region}", f"Région {region}", "region", "HQ"])
            for agency in range(agencies_per_region):
                number = region * agencies_per_region + agency
                writer.writerow([agency_code(number), f"Agence {number}", "agency", f"R-{region}"])


def count_rows(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _line in handle) - 1


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


def symetrie(database_url: str, *args: str, check: bool = True, last_line: bool = False) -> float:
    """Run `symetrie ARGS` as a user would; returns the wall time in seconds. An import prints
    the command's output (with `last_line`, its last line only)."""
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
        output = done.stdout.strip()
        if last_line:
            output = output.splitlines()[-1]
        print(
            f"    symetrie {' '.join(args[1:3])}: {output}  ({elapsed:.1f} s, "
            f"{cpu:.1f} s of CPU in the command)"
        )
    return elapsed


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes: unlike wall time, hardly
    moved by other work on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def migrate_and_import(
    database_url: str, imports: Sequence[tuple[str, Path]], *, last_line: bool = False
) -> None:
    """Migrate, then `symetrie import KIND PATH` each of `imports` in order."""
    symetrie(database_url, "migrate", "--no-input")
    for kind, path in imports:
        symetrie(database_url, "import", kind, str(path), "--no-progress", last_line=last_line)


# ---------------------------------------------------------------- PostgreSQL


def recreate_postgres(url: str) -> None:
    import psycopg

    base, _slash, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def copy_into(url: str, table: str, data: Path) -> float:
    """The reference on PostgreSQL: a raw COPY of `data` into `table`; returns the seconds."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        conn.execute("SET TIME ZONE 'Europe/Paris'")
        with (
            conn.cursor() as cursor,
            data.open("rb") as handle,
            cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        conn.commit()
    return time.perf_counter() - started


# ---------------------------------------------------------------- SQLite


def fresh_sqlite(path: Path) -> str:
    """Remove the bench file (and its WAL); returns its DATABASE_URL."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def sqlite_connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(SQLITE_PRAGMAS)
    return conn


def insert_into(
    conn: sqlite3.Connection, table: str, header: Sequence[str], data: Path, *, show_cpu: bool
) -> float:
    """The reference on SQLite, on a fresh `conn` that it checkpoints first and closes at the
    end: the csv module reading `data`, one executemany in one transaction into `table`;
    returns the seconds (with `show_cpu`, prints its CPU time)."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    started = time.perf_counter()
    cpu = time.process_time()
    with data.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            f"INSERT INTO {table} ({', '.join(header)}) VALUES ({', '.join('?' * len(header))})",
            reader,
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    if show_cpu:
        print(f"    reference CPU: {time.process_time() - cpu:.1f} s")
    conn.close()
    return elapsed


# ---------------------------------------------------------------- reporting

QUIET = {"load": 0.0, "wait": 0, "always": False}


def wait_for_quiet() -> None:
    """The machine may be shared: before a measurement, wait (a while at most) until the
    1-minute load average is below `--quiet-load`. Prints the load average then, or always
    where the script asked for it."""
    if not QUIET["load"] and not QUIET["always"]:
        return
    if QUIET["load"]:
        deadline = time.monotonic() + QUIET["wait"]
        while os.getloadavg()[0] >= QUIET["load"] and time.monotonic() < deadline:
            time.sleep(5)
    print(f"    (load average {os.getloadavg()[0]:.2f})")


def compare(
    label: str,
    rows: int,
    runs: int,
    ours: Callable[[], float],
    reference: Callable[[], float],
    *,
    rows_note: str = "",
    name_width: int = 16,
    rate_width: int = 10,
    target: str = "",
) -> dict[str, float]:
    """Measure `ours` and `reference` `runs` times each, interleaved, and report the medians.
    The keywords only shape the report: a note after the row count, the widths of the name
    and rows/s columns, a target after the ratio."""
    print(f"\n{label}: {rows:,} rows{rows_note}, {runs} runs each", flush=True)
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
    for name, median, times in (
        ("symetrie import", ours_median, ours_times),
        ("reference", reference_median, reference_times),
    ):
        print(
            f"  {name:<{name_width}}: median {median:6.1f} s  {rows / median:>{rate_width},.0f} "
            f"rows/s  (runs: {', '.join(f'{t:.1f}' for t in times)})"
        )
    print(f"  {'ratio':<{name_width}}: {ratio:.0%} of the reference's rows/s{target}")
    return {"ours": ours_median, "reference": reference_median, "ratio": ratio}


# ---------------------------------------------------------------- command line


def parse_args(
    parser: argparse.ArgumentParser, pg_url: str, sqlite_path: Path, *, always_show_load: bool
) -> argparse.Namespace:
    """Add the options every import benchmark takes (after the script's own), parse them, set
    up the quiet wait and line-buffered output, and make sure the work folder exists."""
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["postgres", "sqlite"])
    parser.add_argument("--pg-url", default=pg_url, help="the bench database (recreated)")
    parser.add_argument("--sqlite-path", type=Path, default=sqlite_path)
    parser.add_argument(
        "--quiet-load",
        type=float,
        default=0.0,
        help="before each measurement, wait (up to --quiet-wait seconds) until the 1-minute "
        "load average is below this",
    )
    parser.add_argument("--quiet-wait", type=int, default=300)
    args = parser.parse_args()
    QUIET.update(load=args.quiet_load, wait=args.quiet_wait, always=always_show_load)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    WORK.mkdir(parents=True, exist_ok=True)
    return args


def ensure_data(data: Path, write: Callable[[Path], None]) -> None:
    """Generate `data` with `write` unless it is already there (it is kept between runs)."""
    if not data.exists():
        started = time.perf_counter()
        write(data)
        print(f"generated {data} in {time.perf_counter() - started:.0f} s")
    print(f"{data}: {data.stat().st_size / 1e6:.0f} MB, {os.cpu_count()} CPU cores")


def run_benches(
    only: str | None,
    postgres: Callable[[], dict[str, float]],
    sqlite: Callable[[], dict[str, float]],
) -> dict[str, dict[str, float]]:
    """Run the PostgreSQL bench, then the SQLite one, unless `--only` names one."""
    results = {}
    if only in (None, "postgres"):
        results["postgres"] = postgres()
    if only in (None, "sqlite"):
        results["sqlite"] = sqlite()
    return results
