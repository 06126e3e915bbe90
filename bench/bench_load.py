"""Pages under load: each persona's main pages beside /healthz, on one gunicorn server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/capmap_bench \\
        .venv/bin/python bench/bench_load.py [--staff 5000] [--seed 1] [--seconds 5] \\
        [--clients 4] [--workers 2] [--only TEXT] [--writes-per-second N]

Builds the database once and reuses it: migrate, the demo story (its six personas) and a
generated ICS of --staff people (`capmap generate`), then ANALYZE on PostgreSQL. On the
generated ICS the bench gives five people of that ICS a sign-in with the demo password
(its lead, the manager and a supervisor of the PCN of about 50 staff, one of that PCN's
practitioners with a staff record, and an admin), so every kind of user is driven at
scale as well as in the demo.

It then starts `capmap serve` (gunicorn, --workers processes) on 127.0.0.1, signs each
persona in through the sign-in form, and for each of their main pages runs --clients
threads that request it back to back for --seconds (each thread its own connection,
offering the encodings a browser offers). It prints requests per second, the share of
/healthz's throughput, the p50/p95/p99 latency, the compressed size, and the errors (any
answer but 200). Goals: every page >= 30% of /healthz's throughput, p95 < 250 ms, 0 errors.
A second anchor is the least any page costs: a signed-in page-not-found page, the layout
with nothing of its own (it is expected to answer 404); each page's share of its
throughput is printed too. Both anchors are measured for --anchor-seconds just before each
persona's pages, and each page's shares are taken against those: a shared machine's speed
drifts over the minutes of a run. /healthz is also measured at the start and the end.
No assertion: numbers only.
With --writes-per-second, a thread meanwhile changes one verified level that often (each
write moves the data version on, so cached ICS-wide figures are computed again).
The server only ever listens on 127.0.0.1 and is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
# What Chromium and Firefox offer over HTTPS (a page goes back as Brotli).
BROWSER_ENCODINGS = "gzip, deflate, br"
LOG = Path(os.environ.get("TMPDIR", "/tmp")) / "capmap-bench-load-server.log"


@dataclass
class Persona:
    label: str
    email: str
    pages: list[tuple[str, str]]  # (page name, path)


@dataclass
class Result:
    persona: str
    page: str
    path: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # milliseconds
    size: int = 0  # bytes on the wire of the last good answer
    statuses: dict[int, int] = field(default_factory=dict)
    expect: int = 200  # the status a good answer has (404 for the layout-alone anchor)
    # /healthz's and the layout alone's throughput measured just before this page's persona.
    anchors: tuple[float, float] | None = None

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]


# --- The database: demo, generated ICS, sign-ins at scale ---------------------------------


def prepare(staff: int, seed: int) -> tuple[list[Persona], str]:
    """Build (once) the database and return the personas with their pages, and the password."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capmap.config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.urls import reverse

    from capmap.accounts.models import User
    from capmap.capability.synthetic import find_generated
    from capmap.demo.loader import load_demo
    from capmap.demo.story import DEMO_PASSWORD, EMAIL_DOMAIN, HOME_PCN, HOME_PRACTICE, ICS_NAME
    from capmap.organisations.models import Membership, Organisation, Role
    from capmap.people.models import Person

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    load_demo()
    ics = find_generated(seed)
    if ics is None:
        call_command("generate", staff=staff, seed=seed)
        ics = find_generated(seed)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"database built in {time.perf_counter() - started:.0f} s")
    assert ics is not None

    # The PCN nearest 50 staff, as bench_capability.py chooses it.
    pcns = list(Organisation.objects.filter(parent=ics, kind="pcn").order_by("pk"))
    for pcn in pcns:
        pcn.n = Person.objects.filter(employer__path__startswith=pcn.path).count()
    team = min(pcns, key=lambda pcn: abs(pcn.n - 50))
    practice = Organisation.objects.filter(parent=team).order_by("pk").first() or team

    def sign_in_for(user: User) -> str:
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user.email

    with transaction.atomic():
        lead = Membership.objects.get(organisation=ics, role=Role.MANAGER).user
        manager = Membership.objects.get(organisation=team, role=Role.MANAGER).user
        supervisor = Membership.objects.get(organisation=team, role=Role.SUPERVISOR).user
        worker = (
            Person.objects.filter(employer__path__startswith=team.path, end_date__isnull=True)
            .order_by("pk")
            .first()
        )
        assert worker is not None
        if worker.user_id is None:
            account, _ = User.objects.get_or_create(
                email=f"bench.practitioner.{worker.pk}@bench.capmap.uk"
            )
            worker.user = account
            worker.save(update_fields=["user"])
        admin, _ = User.objects.get_or_create(email=f"bench.admin.{seed}@bench.capmap.uk")
        Membership.objects.get_or_create(user=admin, organisation=ics, role=Role.ADMIN)
        scale = {
            "lead": sign_in_for(lead),
            "manager": sign_in_for(manager),
            "supervisor": sign_in_for(supervisor),
            "practitioner": sign_in_for(worker.user),
            "admin": sign_in_for(admin),
        }

    def capability(name: str, org: Organisation) -> str:
        return reverse(f"capability:{name}", args=[org.pk])

    home = ("home", reverse("core:home"))
    people = ("people", reverse("people:list_people"))
    queue = ("sign-off queue", reverse("assessments:list_sign_off_queue"))
    mine = ("my assessments", reverse("assessments:list_my_assessments"))

    def practitioner_pages(person: Person) -> list[tuple[str, str]]:
        return [
            home,
            mine,
            ("my circle", reverse("capability:show_circle", args=[person.pk])),
            ("my record", reverse("people:show_person", args=[person.pk])),
        ]

    def manager_pages(org: Organisation) -> list[tuple[str, str]]:
        return [
            home,
            ("heatmap", capability("show_heatmap", org)),
            ("training needs", capability("show_training_needs", org)),
            ("team circle", capability("show_team_circle", org)),
            people,
        ]

    demo_ics = Organisation.objects.get(name=ICS_NAME)
    demo = {o.name: o for o in Organisation.objects.filter(path__startswith=demo_ics.path)}

    def demo_email(local: str) -> str:
        return f"{local}@{EMAIL_DOMAIN}"

    maya = Person.objects.get(user__email=demo_email("maya.chaudhry"))

    personas = [
        Persona("demo practitioner", demo_email("maya.chaudhry"), practitioner_pages(maya)),
        Persona("demo supervisor", demo_email("daniel.osei"), [home, queue, people]),
        Persona(
            "demo practice manager",
            demo_email("helen.whitlock"),
            manager_pages(demo[HOME_PRACTICE]),
        ),
        Persona("demo PCN manager", demo_email("samir.haddad"), manager_pages(demo[HOME_PCN])),
        Persona(
            "demo programme lead",
            demo_email("grace.ellison"),
            [
                home,
                ("training needs", capability("show_training_needs", demo_ics)),
                ("placement schemes", reverse("placements:list_schemes")),
                people,
            ],
        ),
        Persona(
            "demo admin",
            demo_email("ada.okafor"),
            [home, ("organisations", reverse("organisations:list_organisations")), people],
        ),
        Persona(f"{staff:,}: practitioner", scale["practitioner"], practitioner_pages(worker)),
        Persona(f"{staff:,}: supervisor", scale["supervisor"], [home, queue, people]),
        Persona(
            f"{staff:,}: practice manager view",
            scale["manager"],
            [("heatmap (practice)", capability("show_heatmap", practice))],
        ),
        Persona(f"{staff:,}: PCN manager ({team.n})", scale["manager"], manager_pages(team)),
        Persona(
            f"{staff:,}: ICS lead",
            scale["lead"],
            [
                home,
                ("training needs", capability("show_training_needs", ics)),
                ("teams", reverse("capability:list_teams")),
                people,
            ],
        ),
        Persona(
            f"{staff:,}: admin",
            scale["admin"],
            [home, ("organisations", reverse("organisations:list_organisations")), people],
        ),
    ]
    return personas, DEMO_PASSWORD


# --- HTTP ----------------------------------------------------------------------------------


def request(port: int, method: str, path: str, headers: dict, body: str | None = None):
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, response.getheaders(), data
    finally:
        connection.close()


def cookies_from(headers, jar: dict[str, str]) -> None:
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key.strip()] = rest.split(";", 1)[0]


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def sign_in(port: int, email: str, password: str) -> dict[str, str]:
    """Sign in through the form, as a browser does; returns the cookies."""
    jar: dict[str, str] = {}
    status, headers, page = request(port, "GET", "/accounts/login/", {})
    cookies_from(headers, jar)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or token is None:
        raise SystemExit(f"The sign-in page answered {status} without a form.")
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1).decode(), "login": email, "password": password}
    )
    status, headers, _ = request(
        port,
        "POST",
        "/accounts/login/",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie_header(jar),
            "Referer": f"http://{HOST}:{port}/accounts/login/",
        },
        body,
    )
    cookies_from(headers, jar)
    if status != 302 or "sessionid" not in jar:
        raise SystemExit(f"Signing in as {email} failed ({status}).")
    return jar


def drive(port: int, result: Result, headers: dict, clients: int, seconds: float) -> None:
    """`clients` threads request the page back to back for `seconds`."""
    lock = threading.Lock()
    # Two requests first, unmeasured: compiled templates, warm caches, a checked answer.
    for _ in range(2):
        try:
            status = request(port, "GET", result.path, headers)[0]
        except OSError as error:
            status = f"{error!r}"
        if status != result.expect:
            print(f"  {result.persona} {result.page} {result.path}: {status}", file=sys.stderr)
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        local: list[float] = []
        errors = 0
        statuses: dict[int, int] = {}
        size = 0
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                status, _, data = request(port, "GET", result.path, headers)
            except OSError:
                status, data = 0, b""
            local.append((time.perf_counter() - started) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
            if status == result.expect:
                size = len(data)
            else:
                errors += 1
        with lock:
            result.latencies += local
            result.errors += errors
            result.size = max(result.size, size)
            for status, n in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + n

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    result.requests = len(result.latencies)
    print(
        f"  {result.persona}, {result.page}: {result.throughput:.1f} req/s,"
        f" p95 {result.percentile(95):.0f} ms, {result.errors} errors",
        file=sys.stderr,
        flush=True,
    )


def drive_anchors(
    port: int, label: str, signed_in: dict, signed_out: dict, clients: int, seconds: float
) -> tuple[float, float]:
    """/healthz's and the layout alone's throughput now, for the pages about to be driven.

    A shared machine's speed drifts over a run of minutes (a neighbour's load comes and
    goes): a page's share is taken against anchors measured beside it, not only against
    /healthz at the run's start and end."""
    healthz = Result(label, "/healthz (anchor)", "/healthz")
    drive(port, healthz, signed_out, clients, seconds)
    layout = Result(label, "layout alone (anchor)", "/no-such-page/", expect=404)
    drive(port, layout, signed_in, clients, seconds)
    return healthz.throughput, layout.throughput


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "capmap.config.settings.local",
        "DEBUG": "false",
        "ALLOWED_HOSTS": HOST,
    }
    # gunicorn's log goes to a file: a pipe nobody reads fills up and stops the server.
    log = open(LOG, "w")  # noqa: SIM115 - open while the server runs
    server = subprocess.Popen(
        [sys.executable, "-m", "capmap.cli", "serve", f"{HOST}:{port}", f"--workers={workers}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"capmap serve stopped: {LOG.read_text()}")
        try:
            if request(port, "GET", "/healthz", {})[0] == 200:
                # Every worker answers: gunicorn forks them at once, but give each its start-up.
                time.sleep(1)
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("capmap serve did not answer /healthz within 300 s.")


class Writer(threading.Thread):
    """Changes one current verified level `rate` times a second, as a stream of sign-offs
    would, so every page that reads them is measured while the data version moves on."""

    def __init__(self, rate: float) -> None:
        super().__init__(daemon=True)
        self.rate = rate
        self.writes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        if not self.rate:
            return
        import random

        from django.db import connection
        from django.utils import timezone

        from capmap.assessments.models import CurrentCapability

        ids = list(CurrentCapability.objects.values_list("pk", flat=True)[:10_000])
        while not self._stop_event.wait(1 / self.rate):
            CurrentCapability.objects.filter(pk=random.choice(ids)).update(signed_at=timezone.now())
            self.writes += 1
        connection.close()

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join()


# --- Report ---------------------------------------------------------------------------------


def print_row(result: Result, anchor: float, layout: float) -> None:
    """One page's figures; `of hz` is its share of /healthz's throughput (the issue's goal),
    `of 404` its share of the layout alone's, the least any page of ours can cost: each
    against the anchors measured beside it where there are some, else the run's."""
    anchor, layout = result.anchors or (anchor, layout)
    share = 100 * result.throughput / anchor if anchor else 0.0
    of_layout = 100 * result.throughput / layout if layout else 0.0
    flags = []
    if result.persona != "signed out" and share < 30:
        flags.append("<30%")
    if result.percentile(95) >= 250:
        flags.append("p95>=250")
    if result.errors:
        flags.append(f"errors {result.statuses}")
    print(
        f"{result.persona[:30]:30} {result.page[:20]:20} {result.throughput:7.1f} {share:5.0f}%"
        f" {of_layout:5.0f}% {result.percentile(50):7.0f} {result.percentile(95):7.0f}"
        f" {result.percentile(99):7.0f}"
        f" {result.size / 1024:7.1f} {result.errors:5d}  {' '.join(flags)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5.0, help="per page")
    parser.add_argument("--clients", type=int, default=4, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--only", default="", help="only personas or pages containing this")
    parser.add_argument(
        "--anchor-seconds",
        type=float,
        default=2.0,
        help="/healthz and the layout alone, measured this long before each persona's pages",
    )
    parser.add_argument(
        "--writes-per-second",
        type=float,
        default=0.0,
        help="meanwhile, change one verified level this often (as sign-offs would)",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL is not PostgreSQL: measuring on SQLite, not production's database.")

    personas, password = prepare(args.staff, args.seed)
    port = free_port()
    server = start_server(port, args.workers)
    results: list[Result] = []
    writer = Writer(args.writes_per_second)
    try:
        writer.start()
        browser = {"Accept-Encoding": BROWSER_ENCODINGS}
        # A second unmeasured, so every worker has loaded what its first requests load.
        drive(port, Result("warm-up", "/healthz", "/healthz"), browser, args.clients, 1.0)
        before = Result("signed out", "/healthz (before)", "/healthz")
        drive(port, before, browser, args.clients, args.seconds)
        # What a signed-in request pays before any page's own work (session, user, middleware).
        first = personas[0]
        signed_in = Result(f"signed in ({first.label})", "/healthz", "/healthz")
        jar = sign_in(port, first.email, password)
        drive(port, signed_in, browser | {"Cookie": cookie_header(jar)}, args.clients, args.seconds)
        results.append(signed_in)
        # The least a page can cost: the layout with no content of its own (the page-not-found
        # page: session, user, memberships, menu, header and footer). A page's own work comes
        # on top of this, so its share of /healthz can be no better than this one's.
        layout = Result(
            f"signed in ({first.label})", "layout alone (404)", "/no-such-page/", expect=404
        )
        drive(port, layout, browser | {"Cookie": cookie_header(jar)}, args.clients, args.seconds)
        results.append(layout)
        for persona in personas:
            pages = [
                (name, path)
                for name, path in persona.pages
                if not args.only or args.only in persona.label or args.only in name
            ]
            if not pages:
                continue
            jar = sign_in(port, persona.email, password)
            headers = browser | {"Cookie": cookie_header(jar)}
            anchors = drive_anchors(
                port, persona.label, headers, browser, args.clients, args.anchor_seconds
            )
            for name, path in pages:
                result = Result(persona.label, name, path, anchors=anchors)
                drive(port, result, headers, args.clients, args.seconds)
                results.append(result)
        after = Result("signed out", "/healthz (after)", "/healthz")
        drive(port, after, browser, args.clients, args.seconds)
    finally:
        writer.stop()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    anchor = (before.throughput + after.throughput) / 2
    load = os.getloadavg()
    print(
        f"\n{args.workers} gunicorn processes, {args.clients} clients, {args.seconds:g} s a page;"
        f" load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; /healthz {anchor:.1f} req/s"
    )
    beside = {r.anchors for r in results if r.anchors}
    if beside:
        healthz = [h for h, _ in beside]
        layouts = [la for _, la in beside]
        print(
            f"beside each persona's pages: /healthz {min(healthz):.0f}-{max(healthz):.0f} req/s,"
            f" the layout alone {min(layouts):.0f}-{max(layouts):.0f} req/s"
            " (each page's shares are against its own)"
        )
    if writer.rate:
        print(f"meanwhile {writer.writes} verified levels changed, {writer.rate:g} a second")
    print(
        f"{'persona':30} {'page':20} {'req/s':>7} {'of hz':>6} {'of 404':>6} {'p50 ms':>7}"
        f" {'p95 ms':>7} {'p99 ms':>7} {'KB':>7} {'errs':>5}"
    )
    print_row(before, anchor, layout.throughput)
    for result in results:
        print_row(result, anchor, layout.throughput)
    print_row(after, anchor, layout.throughput)
    slow = [r for r in results if r.throughput < 0.3 * anchor or r.percentile(95) >= 250]
    errors = sum(r.errors for r in [before, *results, after])
    print(f"\n{len(results)} pages, {errors} errors; {len(slow)} short of a goal.")


if __name__ == "__main__":
    main()
