"""A worker killed mid-task leaves the task to be retried by another worker, not lost.

This runs real `capmap worker` processes with the django-tasks-db backend against a
file SQLite database (or, when the suite runs on PostgreSQL, a PostgreSQL database of
its own), kills one with SIGKILL while it runs a report, and checks that a second
worker finishes that report.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

SETUP = """
from capmap.accounts.models import User
from capmap.organisations.models import Membership, Organisation
from capmap.reports.models import ReportRequest
from capmap.reports.tests.worker_tasks import slow_report

ics = Organisation.objects.create(name="Test ICS", kind="ics")
ics.path = f"/{ics.pk}/"
ics.save()
user = User.objects.create_user("lead@example.nhs.uk", "a-long-password-1")
Membership.objects.create(user=user, organisation=ics, role="manager")
report = ReportRequest.objects.create(
    kind="staff_list", format="xlsx", requested_by=user, organisation=ics, title="Staff list"
)
result = slow_report.enqueue(report.pk, 8, 0.5)
ReportRequest.objects.filter(pk=report.pk).update(task_id=str(result.id))
print(report.pk)
"""


class Database:
    """The workers' own database, which this test reads directly to follow them."""

    def __init__(self, tmp_path: Path, suffix: str = "worker_test"):
        suite_url = os.environ.get("DATABASE_URL", "")
        self.postgres = suite_url.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            import psycopg

            base, _, name = suite_url.rpartition("/")
            self.name = f"{name or 'capmap'}_{suffix}"
            self.url = f"{base}/{self.name}"
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                admin.execute(f'CREATE DATABASE "{self.name}"')
        else:
            self.path = tmp_path / f"{suffix}.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def drop(self) -> None:
        if self.postgres:
            import psycopg

            base = self.url.rpartition("/")[0]
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

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


def environment(tmp_path: Path, database: Database) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="capmap.config.settings.local",
        DEBUG="false",
        DATABASE_URL=database.url,
        CAPMAP_DATA_DIR=str(tmp_path),
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        PYTHONPATH=str(ROOT),
    )
    return env


def capmap(env: dict, *args: str, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "capmap.cli", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "capmap.cli",
            "worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.2",
            "--heartbeat",
            "0.5",
            "--lease",
            "3",
        ],
        env=env,
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def wait_for(query: str, params: tuple, database: Database, check, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = database.one(query, params)
        if row and check(row):
            return row
        time.sleep(0.2)
    raise AssertionError(f"Timed out waiting for {query} {params}")


@pytest.fixture
def database(tmp_path):
    database = Database(tmp_path)
    yield database
    database.drop()


def test_report_completes_after_its_worker_is_killed_mid_task(tmp_path, database):
    env = environment(tmp_path, database)
    capmap(env, "migrate", "--no-input")
    report_id = int(capmap(env, "shell", "-c", SETUP).stdout.strip().splitlines()[-1])
    report_query = "SELECT status, progress_message, file FROM reports_reportrequest WHERE id = ?"

    first = start_worker(env, tmp_path / "first.log")
    try:
        wait_for(report_query, (report_id,), database, lambda r: r[1].startswith("Slow step 2"))
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    task_status = "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"
    assert wait_for(task_status, (), database, lambda r: True)[0] == "RUNNING"  # left behind

    second = start_worker(env, tmp_path / "second.log")
    try:
        status, _, file = wait_for(
            report_query, (report_id,), database, lambda r: r[0] in {"done", "failed"}
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    log = (tmp_path / "second.log").read_text()
    assert status == "done", log
    assert (tmp_path / "media" / file).exists()
    task = wait_for(task_status, (), database, lambda r: True)
    assert task[0] == "SUCCESSFUL"
    workers = task[1] if isinstance(task[1], list) else json.loads(task[1])
    assert len(workers) == 2  # two workers took it: the dead one and the rescuer
