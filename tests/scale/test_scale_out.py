"""Capmap scaled out: two gunicorn servers and two task workers on one database and one Redis.

Real processes, started as an operator would (`capmap serve`, `capmap worker`), against the
suite's test database (see capmap/core/tests/processes.py).
The cache is the machine's Redis (127.0.0.1:6379, or REDIS_URL), under a key prefix of
this run's own. It checks that

- five wrong passwords lock the address out whichever of the two servers they reached;
- a session signed in on one server is signed in on the other, and signing out on either
  ends it on both (sessions are read from Redis, `cached_db`);
- 200 report tasks are each run by exactly one worker, and all finish;
- a worker killed (SIGKILL) in the middle of a report loses nothing: the other worker
  takes the report up again once the dead worker's lease runs out, and finishes it.
"""

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from capmap.core.tests.processes import ProcessDatabase, capmap, start, wait_for
from capmap.core.tests.processes import environment as process_environment
from capmap.core.tests.processes import start_worker as start_process_worker

REPORTS = 200
PASSWORD = "a-long-password-1"
LOCKED = "Too many wrong passwords have been entered for this email address"

SETUP = """
from capmap.accounts.models import User
from capmap.organisations.models import Membership, Organisation
from capmap.people.models import JobRole, Person
from capmap.reports.models import ReportRequest
from capmap.reports.tasks import produce_report
from capmap.reports.tests.worker_tasks import slow_report
import datetime

ics = Organisation.objects.create(name="Scale ICS", kind="ics")
ics.path = f"/{ics.pk}/"
ics.save()
role = JobRole.objects.order_by("pk").first()
for i in range(3):
    Person.objects.create(
        first_name=f"Sam{i}", last_name="Scale", email=f"sam{i}@example.nhs.uk",
        job_role=role, employer=ics, start_date=datetime.date(2020, 1, 1),
    )
lead = User.objects.create_user("lead@example.nhs.uk", "%(password)s")
Membership.objects.create(user=lead, organisation=ics, role="manager")
User.objects.create_user("robin@example.nhs.uk", "%(password)s")

def ask():
    return ReportRequest.objects.create(
        kind="staff_list", format="xlsx", requested_by=lead, organisation=ics, title="Staff list"
    )

# The slow one first, so a worker is sure to be in the middle of it when one is killed.
slow = ask()
result = slow_report.enqueue(slow.pk, 10, 0.5)
ReportRequest.objects.filter(pk=slow.pk).update(task_id=str(result.id))
for _ in range(%(reports)d - 1):
    report = ask()
    ReportRequest.objects.filter(pk=report.pk).update(
        task_id=str(produce_report.enqueue(report.pk).id)
    )
print(slow.pk, result.id)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    host, port = urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port or 6379
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        pytest.fail(f"The scale-out test needs Redis at {url} (start redis-server).")
    return url


def environment(tmp_path: Path, database: ProcessDatabase) -> dict:
    return process_environment(
        tmp_path,
        database,
        # A loaded CI machine may take long to start a server's worker: do not kill it.
        CAPMAP_WEB_TIMEOUT="300",
        REDIS_URL=redis_url(),
        CAPMAP_CACHE_PREFIX=f"scale-out-{uuid.uuid4().hex}",
    )


def start_worker(env: dict, tmp_path: Path, worker_id: str) -> subprocess.Popen:
    return start_process_worker(env, tmp_path / f"{worker_id}.log", "--worker-id", worker_id)


def wait_until_serving(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 180  # a loaded 2-core machine takes long to start Django
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            address = f"http://127.0.0.1:{port}/healthz"
            with urllib.request.urlopen(address, timeout=30) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"The server on port {port} did not answer:\n{log.read_text()}")


def new_browser() -> urllib.request.OpenerDirector:
    """A browser with its own cookies; they are the same on both servers (one host)."""
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def submit_form(browser, address: str, fields: dict[str, str]) -> str:
    """Open the page's form, post it with its CSRF token; returns the page it ends on."""
    form = browser.open(address, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
    with browser.open(address, data=body, timeout=30) as reply:
        return reply.read().decode()


def sign_in(port: int, email: str, password: str, browser=None) -> str:
    """A browser (a fresh one unless given) signs in on one server; returns its page."""
    address = f"http://127.0.0.1:{port}/accounts/login/"
    fields = {"login": email, "password": password}
    return submit_form(browser or new_browser(), address, fields)


def open_page(browser, port: int, path: str = "/") -> str:
    with browser.open(f"http://127.0.0.1:{port}{path}", timeout=30) as reply:
        return reply.read().decode()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def database(transactional_db, tmp_path) -> ProcessDatabase:
    return ProcessDatabase(tmp_path)


def test_two_servers_and_two_workers_share_the_lock_out_and_sessions_and_run_each_task_once(
    tmp_path, database
):
    env = environment(tmp_path, database)
    slow_report, slow_task = capmap(
        env, "shell", "-c", SETUP % {"password": PASSWORD, "reports": REPORTS}
    ).stdout.split()[-2:]
    ports = [free_port(), free_port()]
    processes = {}
    try:
        for number, port in enumerate(ports, start=1):
            log = tmp_path / f"server{number}.log"
            processes[f"server{number}"] = start(
                env, log, "serve", f"127.0.0.1:{port}", "--workers", "1"
            )
        for number, port in enumerate(ports, start=1):
            log = tmp_path / f"server{number}.log"
            wait_until_serving(port, processes[f"server{number}"], log)
        assert "gunicorn" in (tmp_path / "server1.log").read_text()

        # Five wrong passwords, spread over the two servers, then the right one.
        for attempt in range(5):
            page = sign_in(ports[attempt % 2], "robin@example.nhs.uk", "not-the-password")
            assert "Enter the email address and password" in page
            assert LOCKED not in page
        for port in ports:
            page = sign_in(port, "robin@example.nhs.uk", PASSWORD)
            assert LOCKED in page
            assert "Sign out" not in page

        # Signed in on one server, signed in on the other; signed out on the second, the
        # session ends on the first as well (sessions are read from the shared Redis).
        browser = new_browser()
        assert "Sign out" in sign_in(ports[0], "lead@example.nhs.uk", PASSWORD, browser)
        assert "Sign out" in open_page(browser, ports[1])
        assert "Sign out" in open_page(browser, ports[0])
        submit_form(browser, f"http://127.0.0.1:{ports[1]}/accounts/logout/", {})
        signed_out = open_page(browser, ports[0])
        assert "Sign in to Capmap" in signed_out and "Sign out" not in signed_out

        # The workers start now: the slow report takes seconds, and signing in on a busy
        # machine may take longer, so started earlier they could finish it unseen.
        for worker_id in ("worker-a", "worker-b"):
            processes[worker_id] = start_worker(env, tmp_path, worker_id)
        # Kill whichever worker is in the middle of the slow report.
        progress = "SELECT status, progress_message FROM reports_reportrequest WHERE id = ?"
        wait_for(progress, (slow_report,), database, lambda row: "Slow step 2" in row[1])
        holder = "SELECT worker_ids FROM django_tasks_database_dbtaskresult WHERE id = ?"
        killed = workers_of(database.one(holder, (slow_task.replace("-", ""),)))[-1]
        os.kill(processes[killed].pid, signal.SIGKILL)
        processes[killed].wait(timeout=30)
        # As a process supervisor would, start a worker in the dead one's place.
        processes["worker-c"] = start_worker(env, tmp_path, "worker-c")

        finished = "SELECT COUNT(*) FROM reports_reportrequest WHERE status IN ('done', 'failed')"
        wait_for(finished, (), database, lambda row: row[0] == REPORTS, timeout=400)
    finally:
        for process in processes.values():
            stop(process)

    done = database.one("SELECT COUNT(*) FROM reports_reportrequest WHERE status = 'done'")
    assert done[0] == REPORTS
    files = database.all("SELECT file FROM reports_reportrequest")
    assert len({file for (file,) in files}) == REPORTS
    assert all((tmp_path / "media" / file).exists() for (file,) in files)

    tasks = database.all("SELECT id, status, worker_ids FROM django_tasks_database_dbtaskresult")
    assert len(tasks) == REPORTS
    assert {status for _, status, _ in tasks} == {"SUCCESSFUL"}
    claims = {str(task_id).replace("-", ""): workers_of((ids,)) for task_id, _, ids in tasks}
    survivor = ({"worker-a", "worker-b"} - {killed}).pop()
    # The slow report: claimed by the killed worker, then once more by a live one.
    slow_claims = claims.pop(slow_task.replace("-", ""))
    assert slow_claims[0] == killed
    assert slow_claims[1:] in ([survivor], ["worker-c"])
    # Every other task was claimed once, by one worker, and never by the dead one.
    assert all(len(ids) == 1 for ids in claims.values())
    assert {ids[0] for ids in claims.values()} <= {survivor, "worker-c"}


def workers_of(row) -> list[str]:
    value = row[0] if row else None
    if value is None:
        return []
    return value if isinstance(value, list) else json.loads(value)
