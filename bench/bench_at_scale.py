"""Every figure of "production at scale" (issue 15) in one run, each beside its anchor.

    .venv/bin/python bench/bench_at_scale.py [--only start,matching,...] [--long]

Runs the benches one after another, each printing its own figures beside the anchor that
does the same work (a trivial process, hand-written SQL, a bulk insert, ReportLab, /healthz):

  start     `capmap --help` and `capmap match` on 3 applicants: CPU seconds, beside
            `python -c pass` and `python -c "import django"`          (goal <= 0.5 s CPU)
  matching  `capmap match` on 50,000 applicants x 5,000 places, whole command beside the
            solver alone                               (goal <= 3 s stable, <= 6 s max-preference)
  import    `capmap import-staff` of 50,000 rows, twice, beside a bulk insert, on SQLite and
            PostgreSQL                                     (goal <= 15 s, again <= 10 s)
  data      (before load, pages and reports) the 5,000-staff PostgreSQL database they share:
            migrate, `capmap generate --staff 5000 --seed 1`, ANALYZE
  load      every persona's pages under load beside /healthz on one gunicorn server with two
            processes (adds the demo's personas and sign-ins at scale to the shared database)
                                                  (goal >= 30% of /healthz, p95 < 250 ms)
  pages     heatmap and training-needs pages and selectors beside their best SQL, on
            PostgreSQL and SQLite; the 50-person heatmap's size
                                                             (goal <= 1.5x SQL, <= 100 KB)
  reports   team-capability and staff-list reports, XLSX and PDF, beside plain openpyxl
            and ReportLab drawing the same rows                    (goal <= 2 s, <= 5 s)
  backup    (--long) backup, restore, backup of 1,000 and 5,000 staff beside pg_dump
  region    (--long) `capmap generate --staff 100000` (goal <= 300 s), then the pages on it
                                                        (goal heatmap <= 150 ms, TNA <= 2 s)

Scratch PostgreSQL databases are named bench_scale_* and dropped at the end. The machine's
load is printed before each step: on a shared machine, read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PG = "postgres://postgres@127.0.0.1:5432"
SHARED = "bench_scale_5000"
REGION = "bench_scale_100000"
STEPS = ["start", "matching", "import", "load", "pages", "reports"]
LONG_STEPS = ["backup", "region"]

TINY_INSTANCE = {
    "applicants": [
        {"id": "a1", "preferences": ["p1", "p2"]},
        {"id": "a2", "preferences": ["p1", "p2"]},
        {"id": "a3", "preferences": ["p2"]},
    ],
    "placements": [
        {"id": "p1", "capacity": 1, "priority": ["a1", "a2"]},
        {"id": "p2", "capacity": 1, "priority": ["a2", "a3"]},
    ],
}


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f} {five:.1f} {fifteen:.1f}"


def heading(step: str) -> None:
    print(f"\n=== {step} ({load()}, {time.strftime('%H:%M:%S')})", flush=True)


def run(*args: str, url: str = "") -> None:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # SQLite unless the step names a database
    env |= {"DATABASE_URL": url} if url else {}
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)
    label = " ".join(Path(a).name for a in args[:3])
    print(f"--- {label}: {time.perf_counter() - started:.0f} s, {load()}", flush=True)


def psql(sql: str, database: str = "postgres") -> None:
    import psycopg

    with psycopg.connect(f"{PG}/{database}", autocommit=True) as connection:
        connection.execute(sql)


def cpu_of(command: list[str], repeat: int = 5) -> float:
    """Best CPU seconds (user + system) of a fresh process running the command."""
    best = float("inf")
    for _ in range(repeat):
        before = os.times()
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        after = os.times()
        spent = (after.children_user - before.children_user) + (
            after.children_system - before.children_system
        )
        best = min(best, spent)
    return best


def start() -> None:
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder, "instance.json")
        instance.write_text(json.dumps(TINY_INSTANCE))
        python, capmap = [sys.executable], [sys.executable, "-m", "capmap.cli"]
        rows = [
            ("python -c pass (anchor)", [*python, "-c", "pass"]),
            ('python -c "import django" (anchor)', [*python, "-c", "import django"]),
            ("capmap --help", [*capmap, "--help"]),
            ("capmap match, 3 applicants", [*capmap, "match", str(instance)]),
        ]
        print(f"{'command':40} {'CPU s (best of 5)':>18}")
        for label, command in rows:
            print(f"{label:40} {cpu_of(command):18.2f}", flush=True)


def step(name: str) -> None:
    heading(name)
    shared = f"{PG}/{SHARED}"
    if name == "start":
        start()
    elif name == "matching":
        run(str(BENCH / "bench_matching.py"), "--sizes", "50000x5000", "--repeat", "1")
    elif name == "import":
        run(str(BENCH / "bench_import_staff.py"), url="")
        psql("DROP DATABASE IF EXISTS bench_scale_import")
        psql("CREATE DATABASE bench_scale_import")
        run(str(BENCH / "bench_import_staff.py"), url=f"{PG}/bench_scale_import")
    elif name == "data":
        cli = ["-m", "capmap.cli"]
        run(*cli, "migrate", "--verbosity", "0", url=shared)
        run(*cli, "generate", "--staff", "5000", "--seed", "1", url=shared)
        psql("ANALYZE", SHARED)
    elif name == "load":
        run(str(BENCH / "bench_load.py"), "--staff", "5000", url=shared)
    elif name == "pages":
        run(str(BENCH / "bench_capability.py"), "--one", "--staff", "5000", url=shared)
        with tempfile.TemporaryDirectory() as folder:  # the same on SQLite, generated there
            sqlite = f"sqlite:///{folder}/capability.sqlite3"
            run("-m", "capmap.cli", "migrate", "--verbosity", "0", url=sqlite)
            run(str(BENCH / "bench_capability.py"), "--one", "--staff", "5000", url=sqlite)
        run(str(BENCH / "bench_heatmap_size.py"), "--database-url", shared, url=shared)
    elif name == "reports":
        run(str(BENCH / "bench_report_xlsx.py"), "--database-url", shared, url=shared)
        run(str(BENCH / "bench_report_pdf.py"), "--database-url", shared, url=shared)
    elif name == "backup":
        run(str(BENCH / "bench_backup_restore.py"), "--staff", "1000", "5000")
    elif name == "region":
        region = f"{PG}/{REGION}"
        generate = str(BENCH / "bench_generate.py")
        run(generate, "--staff", "100000", "--database", REGION, "--keep", url=f"{PG}/postgres")
        run(str(BENCH / "bench_capability.py"), "--one", "--staff", "100000", url=region)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated steps, in any order")
    parser.add_argument("--long", action="store_true", help="also: " + ", ".join(LONG_STEPS))
    args = parser.parse_args()
    chosen = STEPS + (LONG_STEPS if args.long else [])
    if args.only:
        chosen = [s for s in STEPS + LONG_STEPS if s in args.only.split(",")]
    psql(f"DROP DATABASE IF EXISTS {SHARED}")
    psql(f"CREATE DATABASE {SHARED}")
    if {"load", "pages", "reports"} & set(chosen):
        chosen.insert(0, "data")
    started = time.perf_counter()
    try:
        for name in chosen:
            step(name)
    finally:
        for database in (SHARED, REGION, "bench_scale_import"):
            psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    print(f"\n=== all steps: {time.perf_counter() - started:.0f} s, {load()}")


if __name__ == "__main__":
    main()
