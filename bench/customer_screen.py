"""Benchmark: the customer screen and the search by identifier under load, on the large demo.

    .venv/bin/python bench/customer_screen.py                    # a worker per core, 20 s, 3 runs
    .venv/bin/python bench/customer_screen.py --duration 30 --runs 5 --workers 5
    .venv/bin/python bench/customer_screen.py --rebuild          # rebuild the large demo first

On PostgreSQL, with the large demo (1 000 000 customers, ~10 000 000 interactions) in its own
database, `symetrie_bench_large`, built once (`symetrie demo --size large`, then VACUUM ANALYZE)
and reused by later runs. The app is served as in production: gunicorn (`symetrie.wsgi`),
DEBUG off, static files collected, persistent database connections, on loopback only. The
frontline persona (conseiller@demo.symetrie.fr) logs in once; wrk then drives, with 8
connections, for `--duration` seconds each, `--runs` times, interleaved:

- screen: the customer screen, `/workspace/customers/<pk>/`, rotating over customers of the
  persona's scope (their agency's and their own);
- search: `/workspace/?q=...`, a loyalty card number or a mobile number typed as people read
  them out ("2987 9035 3126 9", "06 57 33 14 83"), each finding one customer (a redirect);
- bare: `/bench/bare/`, a login-protected view returning two bytes through the same
  middleware (mounted by the bench's own URLconf, `bench/screen_site`, never by the app).

Targets: screen p99 < 50 ms and >= 300 requests/s, and >= 20 % of the bare view's requests/s;
search p99 < 20 ms. Medians of the runs are reported. The database is only read.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE = "symetrie_bench_large"
SERVER_URL = "postgres://postgres@127.0.0.1:5432"
LOGIN = "conseiller@demo.symetrie.fr"
PASSWORD = "symetrie-demo"
LUA = ROOT / "bench" / "wrk" / "rotate.lua"
CONNECTIONS = 8
TARGETS = {"screen_p99_ms": 50.0, "screen_rps": 300.0, "screen_vs_bare": 0.20,
           "search_p99_ms": 20.0}  # fmt: skip
SAMPLE = 2000  # customers of the persona's scope the screen rotates over


# ---------------------------------------------------------------- the database


def database_url() -> str:
    return f"{SERVER_URL}/{DATABASE}"


def use_database(name: str) -> None:
    global DATABASE
    DATABASE = name


def ensure_demo(*, rebuild: bool) -> None:
    """Build the large demo into its own database unless a built one is there already."""
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if exists and not rebuild and _customers() >= 900_000:
            print(f"Reusing the large demo in {DATABASE} ({_customers()} customers).")
            return
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    print(f"Building the large demo into {DATABASE} (several minutes)...", flush=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="symetrie-bench-build-") as data_dir:
        env = {**os.environ, "DEBUG": "1", "DATA_DIR": data_dir, "DATABASE_URL": database_url()}
        subprocess.run(
            [BIN / "symetrie", "demo", "--no-serve", "--size", "large", "--verbosity", "0"],
            env=env,
            check=True,
        )
    built = time.perf_counter() - started
    print(f"Built in {built:.0f} s; VACUUM ANALYZE...", flush=True)
    with psycopg.connect(database_url(), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    print(f"Ready in {time.perf_counter() - started:.0f} s.")


def _customers() -> int:
    try:
        with psycopg.connect(database_url()) as conn:
            row = conn.execute("SELECT count(*) FROM customers_customer").fetchone()
    except psycopg.Error:
        return 0
    return int(row[0]) if row else 0


def scope_sample(seed: int) -> tuple[list[int], list[str]]:
    """Customers the frontline persona may open, and identifiers to search them by."""
    with psycopg.connect(database_url()) as conn:
        row = conn.execute(
            """
            SELECT e.id, CASE WHEN u.kind IN ('agency', 'store') THEN u.path ELSE p.path END
            FROM org_employee e
            JOIN auth_user a ON a.id = e.user_id
            JOIN org_unit u ON u.id = e.unit_id
            LEFT JOIN org_unit p ON p.id = u.parent_id
            WHERE a.username = %s
            """,
            [LOGIN],
        ).fetchone()
        if row is None:
            sys.exit(f"no {LOGIN} in {DATABASE}: rebuild the demo (--rebuild)")
        employee, agency_path = row
        pks = [
            pk
            for (pk,) in conn.execute(
                """
                SELECT c.id FROM customers_customer c
                JOIN org_unit h ON h.id = c.home_unit_id
                WHERE h.path LIKE %s OR c.advisor_id = %s
                ORDER BY c.id
                """,
                [agency_path + "%", employee],
            )
        ]
        rng = random.Random(seed)
        chosen = sorted(rng.sample(pks, min(SAMPLE, len(pks))))
        identities = conn.execute(
            """
            SELECT type, value FROM customers_identity
            WHERE customer_id = ANY(%s)
              AND (type = 'loyalty_card' OR (type = 'phone' AND value ~ '^[+]33[67]'))
            ORDER BY customer_id, type, value
            """,
            [chosen],
        ).fetchall()
    queries = [_as_read_out(kind, value) for kind, value in identities]
    rng.shuffle(queries)
    rng.shuffle(chosen)
    print(f"Scope of {LOGIN}: {len(pks)} customers; rotating over {len(chosen)} of them and "
          f"{len(queries)} of their cards and mobile numbers.")  # fmt: skip
    return chosen, queries


def _as_read_out(kind: str, value: str) -> str:
    """`2987 9035 3126 9`, `06 57 33 14 83`: as a customer reads them out."""
    if kind == "phone":
        national = "0" + value.removeprefix("+33")
        return " ".join(national[i : i + 2] for i in range(0, len(national), 2))
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(data_dir: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url(),
        "DB_CONN_MAX_AGE": "600",
        "DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "screen_site.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
    }


def start_server(
    env: dict[str, str], *, port: int, workers: int, threads: int
) -> subprocess.Popen[bytes]:
    subprocess.run([BIN / "symetrie", "collectstatic", "--noinput", "--verbosity", "0"],
                   env=env, check=True)  # fmt: skip
    command = [
        str(BIN / "gunicorn"), "symetrie.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--error-logfile", str(Path(env["DATA_DIR"]) / "gunicorn.log"),
        "--log-level", "warning",
    ]  # fmt: skip
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn exited: see the log above")
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not answer within 60 s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def log_in(base: str) -> str:
    """The session cookie of the frontline persona, logged in through the login page."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    form = urllib.parse.urlencode(
        {"username": LOGIN, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=form,
                                     headers={"Referer": f"{base}/accounts/login/"})  # fmt: skip
    try:
        opener.open(request)
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise
    cookies = {cookie.name: cookie.value for cookie in jar}
    assert "sessionid" in cookies, "the login did not give a session"
    return f"sessionid={cookies['sessionid']}"


def check(base: str, cookie: str, screen: str, search: str, bare: str) -> None:
    """Each page answers as expected before it is measured."""
    opener = urllib.request.build_opener(NoRedirect)
    for path, status in ((screen, 200), (search, 302), (bare, 200)):
        request = urllib.request.Request(base + path, headers={"Cookie": cookie})
        try:
            response = opener.open(request)
            code, size = response.status, len(response.read())
        except urllib.error.HTTPError as error:
            code, size = error.code, 0
        assert code == status, f"{path} answered {code}, expected {status}"
        print(f"  {path[:60]:<60} {code} ({size} bytes)")


# ---------------------------------------------------------------- wrk


def run_wrk(base: str, paths: Path, cookie: str, seconds: int) -> dict[str, float]:
    output = subprocess.run(
        ["wrk", "--threads", "1", "--connections", str(CONNECTIONS), "--duration",
         f"{seconds}s", "--timeout", "5s", "--latency", "--script", str(LUA), base, "--",
         str(paths), cookie],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}  # type: ignore[union-attr]
    for percent in ("50", "90", "99"):
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        assert found, output
        value, unit = float(found.group(1)), found.group(2)
        result[f"p{percent}_ms"] = value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["errors"] = float(errors.group(1)) if errors else 0.0
    sockets = re.search(r"Socket errors: (.*)", output)
    if sockets:
        print(f"    socket errors: {sockets.group(1)}")
    return result


def wait_for_quiet(threshold: float, patience: int) -> float:
    """The 1-minute load average once below `threshold`, or after `patience` seconds."""
    deadline = time.monotonic() + patience
    load = os.getloadavg()[0]
    while threshold and load >= threshold and time.monotonic() < deadline:
        time.sleep(5)
        load = os.getloadavg()[0]
    return load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per measurement")
    parser.add_argument("--runs", type=int, default=3, help="measurements of each page")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="gunicorn sync workers (default: one per core; see bench/README.md)",
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the customers sampled")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the large demo first")
    parser.add_argument(
        "--database",
        help=f"measure a demo already built in this database instead of {DATABASE} (a dry run "
        "on the small demo, say); it is never rebuilt",
    )
    parser.add_argument("--json", type=Path, help="also write the results there")
    parser.add_argument(
        "--quiet-load",
        type=float,
        default=0.0,
        help="before each measurement, wait (up to --quiet-wait seconds) until the 1-minute "
        "load average is below this (on a machine shared with other work); 0: do not wait",
    )
    parser.add_argument("--quiet-wait", type=int, default=300, help="seconds, see --quiet-load")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")

    if args.database:
        use_database(args.database)
    else:
        ensure_demo(rebuild=args.rebuild)
    customers, queries = scope_sample(args.seed)
    data_dir = Path(tempfile.mkdtemp(prefix="symetrie-screen-bench-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    files = {
        "screen": [f"/workspace/customers/{pk}/" for pk in customers],
        "search": [f"/workspace/?q={urllib.parse.quote_plus(q)}" for q in queries],
        "bare": ["/bench/bare/"],
    }
    for name, lines in files.items():
        (data_dir / f"{name}.txt").write_text("\n".join(lines) + "\n")
    server = start_server(server_env(data_dir), port=port, workers=args.workers,
                          threads=args.threads)  # fmt: skip
    results: dict[str, list[dict[str, float]]] = {name: [] for name in files}
    try:
        cookie = log_in(base)
        print(f"gunicorn: {args.workers} workers x {args.threads} threads on {base}; checks:")
        check(base, cookie, files["screen"][0], files["search"][0], files["bare"][0])
        print("Warming up (5 s each)...", flush=True)
        for name in files:
            run_wrk(base, data_dir / f"{name}.txt", cookie, 5)
        for run in range(1, args.runs + 1):
            for name in files:
                load = wait_for_quiet(args.quiet_load, args.quiet_wait)
                result = run_wrk(base, data_dir / f"{name}.txt", cookie, args.duration)
                result["load"] = load
                results[name].append(result)
                print(f"  run {run} {name:<6} {result['rps']:8.1f} req/s  p50 "
                      f"{result['p50_ms']:6.2f} ms  p90 {result['p90_ms']:6.2f} ms  p99 "
                      f"{result['p99_ms']:6.2f} ms  errors {result['errors']:.0f}  "
                      f"(load {load:.1f})", flush=True)  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(results, args)
    shutil.rmtree(data_dir, ignore_errors=True)


def report(results: dict[str, list[dict[str, float]]], args: argparse.Namespace) -> None:
    medians = {
        name: {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        for name, runs in results.items()
    }
    screen, search, bare = medians["screen"], medians["search"], medians["bare"]
    ratio = screen["rps"] / bare["rps"]
    verdicts = {
        "screen p99 < 50 ms": screen["p99_ms"] < TARGETS["screen_p99_ms"],
        "screen >= 300 req/s": screen["rps"] >= TARGETS["screen_rps"],
        "screen >= 20% of bare": ratio >= TARGETS["screen_vs_bare"],
        "search p99 < 20 ms": search["p99_ms"] < TARGETS["search_p99_ms"],
    }
    print(f"\nMedians of {args.runs} runs of {args.duration} s, {CONNECTIONS} connections, "
          f"{os.cpu_count()} CPUs:")  # fmt: skip
    for name, m in medians.items():
        print(f"  {name:<6} {m['rps']:8.1f} req/s  p50 {m['p50_ms']:6.2f} ms  p90 "
              f"{m['p90_ms']:6.2f} ms  p99 {m['p99_ms']:6.2f} ms")  # fmt: skip
    print(f"  screen / bare: {ratio:.0%}")
    for verdict, ok in verdicts.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {verdict}")
    if args.json:
        payload = {"runs": results, "medians": medians, "screen_vs_bare": ratio,
                   "workers": args.workers, "threads": args.threads}  # fmt: skip
        args.json.write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
