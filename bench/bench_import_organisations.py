"""Time `capmap import-organisations` on the whole of England (goal: under 30 s a run).

    .venv/bin/python bench/bench_import_organisations.py [FILE...]

Without FILEs it reads the full shared files: ODS `epraccur.csv`, `etr.csv`, `ePCN.xlsx`
and the July 2026 practice registration map (ZIP) from /work/shared/data (benchmarks may
read shared data; tests never do). It always imports into a fresh database: a throw-away
SQLite file, and, when DATABASE_URL points to PostgreSQL, a new database named after it
with "_bench_ods" appended (dropped first), so no real database is written. Prints, for
each database, the wall and CPU time of the first run (everything created) and of the
second (nothing changes), with the counts. No assertion on time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CAPMAP_SHARED_DATA", "/work/shared/data"))
DEFAULT_FILES = [
    SHARED / "ods" / "epraccur.csv",
    SHARED / "ods" / "etr.csv",
    SHARED / "ods" / "ePCN.xlsx",
    SHARED / "nhs-population" / "registrations-2026-07" / "gp-reg-pat-prac-map.zip",
]


def run_one(files: list[Path]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capmap.config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from capmap.core.actors import SYSTEM
    from capmap.organisations import services
    from capmap.organisations.models import Organisation

    call_command("migrate", interactive=False, verbosity=0)
    contents = [(path.name, path.read_bytes()) for path in files]
    print(f"{connection.vendor}: {', '.join(path.name for path in files)}")
    for run in ("first", "second"):
        wall, cpu = time.perf_counter(), time.process_time()
        plan = services.import_organisations(actor=SYSTEM, files=contents)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"  {run} run: {wall:6.2f} s wall, {cpu:6.2f} s CPU — {len(plan.to_create)} added, "
            f"{len(plan.to_update)} updated, {len(plan.unchanged)} unchanged, "
            f"{len(plan.left_out)} left out"
        )
    counts = {
        kind: Organisation.objects.filter(kind=kind).count()
        for kind in ("ics", "pcn", "practice", "trust", "site")
    }
    print("  in the tree: " + ", ".join(f"{count} {kind}" for kind, count in counts.items()))


def fresh_postgres(url: str) -> str:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "capmap"
    bench = f"{name}_bench_ods"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{bench}"')
        connection.execute(f'CREATE DATABASE "{bench}"')
    return urlunsplit(parts._replace(path=f"/{bench}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_FILES)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.one:
        run_one(args.files)
        return
    folder = tempfile.mkdtemp(prefix="capmap-bench-ods-")
    databases = [f"sqlite:///{folder}/bench.sqlite3"]
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://")):
        databases.append(fresh_postgres(given))
    for url in databases:
        command = [sys.executable, __file__, "--one", *map(str, args.files)]
        subprocess.run(command, env=os.environ | {"DATABASE_URL": url}, check=True)


if __name__ == "__main__":
    main()
