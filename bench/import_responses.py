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
import random
import tempfile
from collections.abc import Callable
from pathlib import Path

import import_common as common

PG_URL = "postgres://symetrie:symetrie@127.0.0.1:5432/symetrie_bench_responses"
SQLITE_PATH = Path(tempfile.gettempdir()) / "symetrie_bench_responses.sqlite3"
SURVEY = "BENCH-PULSE"
QUESTIONS = ("enps", "workload", "manager", "tools", "comment")
HEADER = [
    "survey_external_id", "external_id", "unit_code", "answered_at", "language", *QUESTIONS,
    "tenure_band",
]  # fmt: skip
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


def write_org(folder: Path) -> tuple[Path, Path]:
    units = folder / "responses-units.csv"
    common.write_units(units, REGIONS, AGENCIES_PER_REGION)
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
                    SURVEY, f"HR-{number:08d}", common.agency_code(agency),
                    when.isoformat(timespec="minutes"), "fr" if rng.random() < 0.9 else "en",
                    enps, *(rng.randint(1, 5) for _ in range(3)),
                    rng.choice(COMMENTS) if rng.random() < 0.33 else "", rng.choice(TENURES),
                ]
            )  # fmt: skip


# ---------------------------------------------------------------- running things


def prepare(database_url: str, folder: Path) -> None:
    units, surveys = write_org(folder)
    common.migrate_and_import(
        database_url, [("units", units), ("surveys", surveys)], last_line=True
    )


RESET = (
    "DELETE FROM listening_answer",
    "DELETE FROM listening_response",
    "UPDATE listening_survey SET releases = 0",
)


def bench_postgres(url: str, data: Path, runs: int) -> dict[str, float]:
    import psycopg

    common.recreate_postgres(url)
    prepare(url, data.parent)
    rows = common.count_rows(data)

    def ours() -> float:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("TRUNCATE listening_answer, listening_response CASCADE")
            conn.execute(RESET[2])
            conn.execute("VACUUM ANALYZE")
        return common.symetrie(
            url, "import", "responses", str(data), "--no-progress", last_line=True
        )

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
        return common.copy_into(url, "bench_response", data)

    return report("PostgreSQL", rows, runs, ours, reference)


def bench_sqlite(path: Path, data: Path, runs: int) -> dict[str, float]:
    url = common.fresh_sqlite(path)
    prepare(url, data.parent)
    rows = common.count_rows(data)

    def ours() -> float:
        conn = common.sqlite_connect(path)
        for statement in RESET:
            conn.execute(statement)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        return common.symetrie(
            url, "import", "responses", str(data), "--no-progress", last_line=True
        )

    def reference() -> float:
        conn = common.sqlite_connect(path)
        conn.execute("DROP TABLE IF EXISTS bench_response")
        conn.execute(
            "CREATE TABLE bench_response (id integer PRIMARY KEY, "
            "survey_external_id text NOT NULL, external_id text NOT NULL, "
            "unit_code text NOT NULL, answered_at text NOT NULL, language text, enps integer, "
            "workload integer, manager integer, tools integer, comment text, tenure_band text, "
            "UNIQUE (survey_external_id, external_id))"
        )
        return common.insert_into(conn, "bench_response", HEADER, data, show_cpu=False)

    return report("SQLite", rows, runs, ours, reference)


# ---------------------------------------------------------------- reporting


def report(
    label: str, rows: int, runs: int, ours: Callable[[], float], reference: Callable[[], float]
) -> dict[str, float]:
    answers = rows * len(QUESTIONS)  # at most: empty comments make no answer
    return common.compare(
        label, rows, runs, ours, reference, rows_note=f" (up to {answers:,} answers)",
        name_width=15, rate_width=9,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows (people's answers)")
    args = common.parse_args(parser, PG_URL, SQLITE_PATH, always_show_load=True)

    data = common.WORK / f"responses-{args.rows}.csv"
    common.ensure_data(data, lambda path: write_responses(path, args.rows, random.Random(20251121)))
    common.run_benches(
        args.only,
        lambda: bench_postgres(args.pg_url, data, args.runs),
        lambda: bench_sqlite(args.sqlite_path, data, args.runs),
    )


if __name__ == "__main__":
    main()
