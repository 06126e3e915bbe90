"""Each persona page's cost in one process, independent of the machine's load.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/capmap_bench \\
        .venv/bin/python bench/profile_pages.py [--staff 5000] [--seed 1] [--repeat 10] \\
        [--only TEXT] [--profile TEXT] [--queries TEXT]

Uses the personas and pages of bench_load.py on the same database (built by it). For
each page it signs the persona in (Django's test client) and prints, per request: the
queries, their SQL time as the database driver saw it, the rest (Python: middleware,
selectors, templates) and the CPU time, the mean of --repeat requests after two warm
ones. --queries TEXT prints the slowest queries, and --profile TEXT a cProfile (sorted by
$PROFILE_SORT, cumulative by default), of the pages whose persona or name contains TEXT.
Numbers only, beside the load average at the time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(client, path: str, repeat: int) -> tuple[float, float, float, float, int]:
    """Mean queries, SQL ms, wall ms and CPU ms per request; the status of the last one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        client.get(path)
    queries = sql = wall = cpu = 0.0
    status = 0
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as captured:
            status = client.get(path).status_code
        wall += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
        queries += len(captured)
        sql += sum(float(q["time"]) for q in captured.captured_queries)
    return queries / repeat, sql * 1000 / repeat, wall * 1000 / repeat, cpu * 1000 / repeat, status


def slowest_queries(client, path: str, n: int = 5) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    ranked = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:n]
    return "\n".join(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:400]}" for q in ranked)


def profile(client, path: str) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    order = os.environ.get("PROFILE_SORT", "cumulative")
    pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(35)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default="")
    parser.add_argument("--queries", default="", help="print the slowest queries of these pages")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.chdir(ROOT)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DEBUG", "false")
    from bench_load import prepare
    from django.contrib.auth import get_user_model
    from django.test import Client

    personas, _ = prepare(args.staff, args.seed)
    users = get_user_model().objects
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'persona':30} {'page':20} {'queries':>7} {'SQL ms':>7} {'other ms':>8} {'CPU ms':>7}")
    for persona in personas:
        client = Client()
        client.force_login(users.get(email=persona.email))
        for name, path in persona.pages:
            if args.only and args.only not in persona.label and args.only not in name:
                continue
            queries, sql, wall, cpu, status = measure(client, path, args.repeat)
            note = "" if status == 200 else f"  answered {status}"
            print(
                f"{persona.label[:30]:30} {name[:20]:20} {queries:7.0f} {sql:7.1f}"
                f" {wall - sql:8.1f} {cpu:7.1f}{note}",
                flush=True,
            )
            if args.queries and (args.queries in persona.label or args.queries in name):
                print(slowest_queries(client, path))
            if args.profile and (args.profile in persona.label or args.profile in name):
                print(profile(client, path))
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
