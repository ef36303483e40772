"""The Python cost of one request of the customer screen, the search and the bare view.

    .venv/bin/python bench/screen_profile.py                  # once customer_screen.py built it
    .venv/bin/python bench/screen_profile.py screen --top 40 # and the 40 costliest functions

In-process (Django's test client, DEBUG off, the bench's URLconf) on the large demo that
`customer_screen.py` builds, as the frontline persona: for each page, 10 requests of warm-up,
then the median Python CPU time (`time.process_time`: PostgreSQL's time is not in it) of 40
requests and the Python calls per request under cProfile (20 requests). Calls are
deterministic, unlike timings on a shared machine: use them to compare two versions.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", default=["bare", "screen", "search"])
    parser.add_argument("--top", type=int, default=0, help="print the costliest functions")
    parser.add_argument("--sort", default="tottime", help="order of --top (e.g. cumulative)")
    parser.add_argument("--callers", default="", help="print who calls functions matching this")
    parser.add_argument("--database", default="symetrie_bench_large")
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]
    data_dir = tempfile.mkdtemp(prefix="symetrie-screen-profile-")
    os.environ.update(
        DEBUG="0", SECRET_KEY="bench-only-" + "x" * 50, ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        DB_CONN_MAX_AGE="600", DJANGO_SETTINGS_MODULE="screen_site.settings", DATA_DIR=data_dir,
    )  # fmt: skip
    import django

    django.setup()
    import customer_screen
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    customer_screen.use_database(args.database)
    call_command("collectstatic", interactive=False, verbosity=0)
    pks, queries = customer_screen.scope_sample(42)
    client = Client()
    client.force_login(get_user_model().objects.get(username=customer_screen.LOGIN))
    paths = {
        "bare": ["/bench/bare/"] * 50,
        "screen": [f"/workspace/customers/{pk}/" for pk in pks[:50]],
        "search": ["/workspace/?q=" + urllib.parse.quote(q) for q in queries[:50]],
    }
    for page in args.pages:
        for path in paths[page][:10]:
            client.get(path)
        cpu = []
        for path in paths[page][10:]:
            started = time.process_time()
            status = client.get(path).status_code
            cpu.append(time.process_time() - started)
            assert status in (200, 302), (path, status)
        profile = cProfile.Profile()
        profile.enable()
        for path in paths[page][10:30]:
            client.get(path)
        profile.disable()
        stats = pstats.Stats(profile)
        print(
            f"{page}: {stats.total_calls / 20:,.0f} Python calls per request, "
            f"CPU median {statistics.median(cpu) * 1000:.1f} ms"
        )
        if args.top:
            stats.sort_stats(args.sort).print_stats(args.top)
        if args.callers:
            stats.print_callers(args.callers)


if __name__ == "__main__":
    main()
