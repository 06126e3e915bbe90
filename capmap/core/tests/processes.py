"""For tests that run real `capmap` processes (servers, workers) as an operator would.

The processes use the suite's own test database, already migrated, rather than migrating
one of their own (a minute or more per test on a busy machine): the test is transactional,
so whatever the processes write is put back as migrations left it afterwards. SQLite's
test database lives in memory, which another process cannot open: it is copied to a file.
"""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.db import connections

ROOT = Path(__file__).resolve().parents[3]


class ProcessDatabase:
    """The database the processes share, which the test also reads directly to follow them."""

    def __init__(self, tmp_path: Path):
        connection = connections["default"]
        self.postgres = connection.vendor == "postgresql"
        if self.postgres:
            settings = connection.settings_dict
            password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
            self.url = (
                f"postgres://{quote(settings['USER'])}{password}@{settings['HOST']}"
                f":{settings['PORT'] or 5432}/{settings['NAME']}"
            )
        else:
            self.path = tmp_path / "processes.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(self.path) as copy:
                connection.connection.backup(copy)
            self.url = f"sqlite:///{self.path}"

    def one(self, query: str, params: tuple = ()):
        rows = self.all(query, params)
        return rows[0] if rows else None

    def all(self, query: str, params: tuple = ()) -> list:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as db:
                return db.execute(query.replace("?", "%s"), params).fetchall()
        with sqlite3.connect(self.path, timeout=20) as db:
            return db.execute(query, params).fetchall()


def environment(tmp_path: Path, database: ProcessDatabase, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="capmap.config.settings.local",
        DEBUG="false",
        DATABASE_URL=database.url,
        CAPMAP_DATA_DIR=str(tmp_path),
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def capmap(env: dict, *args: str) -> subprocess.CompletedProcess:
    """Run one `capmap` command to its end."""
    return subprocess.run(
        [sys.executable, "-m", "capmap.cli", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )


def start(env: dict, log: Path, *args: str) -> subprocess.Popen:
    """Start a long-running `capmap` command, its output in `log`."""
    return subprocess.Popen(
        [sys.executable, "-m", "capmap.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def start_worker(env: dict, log: Path, *args: str) -> subprocess.Popen:
    """A task worker that polls often and gives a dead worker's task up after 3 s."""
    return start(
        env,
        log,
        "worker",
        *args,
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.2",
        "--heartbeat",
        "0.5",
        "--lease",
        "3",
    )


def wait_for(query: str, params: tuple, database: ProcessDatabase, check, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = database.one(query, params)
        if row and check(row):
            return row
        time.sleep(0.2)
    raise AssertionError(f"Timed out waiting for {query} {params}")
