"""Time `capmap generate --like-icb` for the largest ICB and for the whole of England.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/capmap .venv/bin/python \
        bench/bench_generate_like_icb.py [--icb CODE ...] [--skip-england]

Reads the full published files (NHS England's PCN workforce, June 2026, and the practice
registration map, July 2026) from CAPMAP_SHARED_DATA (default /work/shared/data;
benchmarks may read shared data, tests never do). The largest ICB is the one with the most
staff records in the workforce file. Each run goes into a fresh throw-away database
(PostgreSQL `<name>_bench_like_icb` when DATABASE_URL names PostgreSQL, else SQLite in a
temporary folder): migrate, then the command, timed on its own. Prints wall time and the
command's own summary. No assertion on time.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CAPMAP_SHARED_DATA", "/work/shared/data"))
WORKFORCE = SHARED / "nhs-population" / "pcn-workforce-2026-06" / "PCNWFIndividualCSV.062026.zip"
PRACTICE_MAP = SHARED / "nhs-population" / "registrations-2026-07" / "gp-reg-pat-prac-map.zip"


def largest_icb() -> tuple[str, int]:
    with zipfile.ZipFile(WORKFORCE) as archive:
        name = next(n for n in archive.namelist() if n.endswith("Individual Level.csv"))
        text = archive.read(name).decode("utf-8-sig")
    counts = Counter(row["ICB_CODE"] for row in csv.DictReader(io.StringIO(text)))
    return counts.most_common(1)[0]


def fresh_database(given: str) -> str:
    if not given.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tempfile.mkdtemp(prefix='capmap-bench-like-icb-')}/bench.sqlite3"
    import psycopg

    parts = urlsplit(given)
    bench = f"{parts.path.lstrip('/') or 'capmap'}_bench_like_icb"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{bench}"')
        connection.execute(f'CREATE DATABASE "{bench}"')
    return urlunsplit(parts._replace(path=f"/{bench}"))


def run(code: str) -> None:
    env = os.environ | {"DATABASE_URL": fresh_database(os.environ.get("DATABASE_URL", ""))}
    cli = [sys.executable, "-m", "capmap.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    started = time.perf_counter()
    done = subprocess.run(
        [
            *cli,
            "generate",
            "--like-icb",
            code,
            "--workforce",
            str(WORKFORCE),
            "--practice-map",
            str(PRACTICE_MAP),
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    vendor = "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite"
    print(f"{vendor}: generate --like-icb {code}: {wall:.1f} s wall (process included)")
    for line in done.stdout.splitlines():
        if line.startswith("  ") and ":" in line and "not mapped" not in line:
            print(f"  {line.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--icb", action="append", help="ICB codes (default: the largest)")
    parser.add_argument("--skip-england", action="store_true")
    args = parser.parse_args()
    codes = args.icb
    if not codes:
        code, records = largest_icb()
        print(f"Largest ICB in the workforce file: {code} ({records} staff records)")
        codes = [code]
    for code in codes:
        run(code)
    if not args.skip_england:
        run("ENGLAND")


if __name__ == "__main__":
    main()
