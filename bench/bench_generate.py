"""Time `capmap generate --staff N` (a region: 100,000 staff) in a fresh database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/capmap .venv/bin/python \
        bench/bench_generate.py [--staff 100000] [--seed 1] [--database NAME] [--keep]

The run goes into a throw-away database: PostgreSQL `<name>_bench_generate` (or
`--database NAME`) when DATABASE_URL names PostgreSQL, else SQLite in a temporary folder.
It is migrated, then the command runs in its own process, timed on its own: wall time,
the process's CPU (user and system) and peak resident memory, the CPU of the PostgreSQL
server processes serving it (sampled each second from /proc when the server runs on
this machine), beside the load average before and after (the machine is shared: CPU
is steadier than wall time). Prints the command's own summary, each step with the
seconds since it started. `--keep` leaves the database for
`bench/bench_capability.py --existing` (drop it afterwards); without it the database is
dropped. Goal (issue 15): 100,000 staff in at most 5 minutes on PostgreSQL. No assertion
on time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


def _admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def fresh_database(given: str, name: str | None) -> str:
    if not given.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tempfile.mkdtemp(prefix='capmap-bench-generate-')}/bench.sqlite3"
    import psycopg

    parts = urlsplit(given)
    bench = name or f"{parts.path.lstrip('/') or 'capmap'}_bench_generate"
    with psycopg.connect(_admin_url(given), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{bench}"')
        connection.execute(f'CREATE DATABASE "{bench}"')
    return urlunsplit(parts._replace(path=f"/{bench}"))


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_admin_url(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


class ServerCpu(threading.Thread):
    """The CPU seconds of the PostgreSQL processes (backends, parallel workers) serving one
    database, read from /proc each second while they run: their last second may be lost."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.seconds = url, {}
        self.stopping = threading.Event()
        self.readable = urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")

    def run(self) -> None:
        import psycopg

        database = urlsplit(self.url).path.lstrip("/")
        with psycopg.connect(_admin_url(self.url), autocommit=True) as connection:
            while not self.stopping.wait(1):
                found = connection.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s", [database]
                ).fetchall()
                for (pid,) in found:
                    self.seconds[pid] = _process_cpu(pid) or self.seconds.get(pid, 0.0)

    def total(self) -> float | None:
        self.stopping.set()
        self.join()
        return sum(self.seconds.values()) if self.readable else None


def _process_cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime are the 14th and 15th fields; the split starts at the 3rd.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, float, int, str]:
    """Wall and CPU seconds (user, system) and peak RSS (KiB) of one child process, from its
    own resource usage (os.wait4), not that of every child this script ran."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        sys.exit(f"{' '.join(command)} failed ({child.returncode}):\n{output}")
    return wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss, output


def _load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", help="name of the scratch PostgreSQL database")
    parser.add_argument("--keep", action="store_true", help="leave the database in place")
    args = parser.parse_args()
    url = fresh_database(os.environ.get("DATABASE_URL", ""), args.database)
    env = os.environ | {"DATABASE_URL": url}
    cli = [sys.executable, "-m", "capmap.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    before = _load()
    command = [*cli, "generate", f"--staff={args.staff}", f"--seed={args.seed}"]
    vendor = "postgresql" if url.startswith("postgres") else "sqlite"
    server = ServerCpu(url) if vendor == "postgresql" else None
    if server:
        server.start()
    wall, user, system, rss, output = timed(command, env)
    server_cpu = server.total() if server else None
    print(
        f"{vendor}: generate --staff {args.staff:,} --seed {args.seed}: {wall:.1f} s wall, "
        f"CPU {user + system:.1f} s ({user:.1f} user, {system:.1f} system), "
        f"peak RSS {rss / 1024:.0f} MiB; goal 300 s at 100,000 staff"
    )
    if server_cpu is not None:
        print(f"  PostgreSQL server processes: CPU {server_cpu:.1f} s (sampled)")
    print(f"load average before {before}, after {_load()}")
    for line in output.splitlines():
        print(f"  {line}")
    if args.keep:
        print(f"kept for bench_capability.py --existing: DATABASE_URL={url}")
    else:
        drop_database(url)


if __name__ == "__main__":
    main()
