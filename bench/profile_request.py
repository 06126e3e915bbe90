"""The fixed cost of a request: what every signed-in page pays before its own work.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/capmap_bench \\
        .venv/bin/python bench/profile_request.py [--requests 300] [--email EMAIL] \\
        [--path /assessments/queue/] [--profile PATH] [--sort tottime] [--cpu] [--sql]

Runs under production settings (DEBUG off, MFA for admins on, the production session
and cache engines; REDIS_URL as the environment gives it) in one process, and calls the
WSGI application directly, as gunicorn does, with no test client in between. For each
path (signed-out /healthz, signed-in /healthz, and each --path signed in) it prints the
mean wall and CPU milliseconds and the queries per request over --requests requests after
ten warm ones. --profile PATH prints a cProfile of that path's requests (of CPU time with
--cpu, which a busy machine disturbs less than wall time); --sql prints the start of each
query one request of each path makes. The database is
the one bench_load.py builds; the signed-in user is the demo supervisor by default.
Numbers only, beside the load average.
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


def production_environment() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "capmap.config.settings.production"
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    # collectstatic must have been run into it (production serves hashed names only).
    os.environ.setdefault("STATIC_ROOT", str(ROOT / "data" / "bench-static"))


def wsgi_environ(path: str, cookie: str) -> dict:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "443",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate, br",  # as a browser offers over HTTPS
        "HTTP_X_FORWARDED_PROTO": "https",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def run(application, path: str, cookie: str) -> int:
    statuses = []
    body = application(wsgi_environ(path, cookie), lambda status, headers: statuses.append(status))
    for _ in body:
        pass
    if hasattr(body, "close"):
        body.close()
    return int(statuses[0].split()[0])


def measure(
    application, path: str, cookie: str, requests: int, show_sql: bool = False
) -> tuple[float, float, float, int]:
    """Mean wall ms, CPU ms and queries per request, and the last status."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(10):
        status = run(application, path, cookie)
    with CaptureQueriesContext(connection) as captured:
        run(application, path, cookie)
    queries = len(captured)
    for query in captured if show_sql else []:
        print(f"    {' '.join(query['sql'].split())[:150]}")
    started, started_cpu = time.perf_counter(), time.process_time()
    for _ in range(requests):
        status = run(application, path, cookie)
    wall = (time.perf_counter() - started) * 1000 / requests
    cpu = (time.process_time() - started_cpu) * 1000 / requests
    return wall, cpu, queries, status


def signed_in_cookie(email: str) -> str:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--email", default="daniel.osei@demo.capmap.uk")
    parser.add_argument("--path", action="append", default=[])
    parser.add_argument("--profile", default="", help="profile the requests of this path")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument(
        "--cpu", action="store_true", help="profile CPU time, not wall time (a busy machine)"
    )
    parser.add_argument("--sql", action="store_true", help="print each query of one request")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    production_environment()
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    cookie = signed_in_cookie(args.email)
    paths = [("signed out", "/healthz", ""), ("signed in", "/healthz", cookie)]
    paths += [("signed in", path, cookie) for path in args.path or ["/assessments/queue/"]]
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'who':10} {'path':30} {'wall ms':>8} {'CPU ms':>7} {'queries':>7} {'req/s':>7}")
    for who, path, jar in paths:
        wall, cpu, queries, status = measure(application, path, jar, args.requests, args.sql)
        note = "" if status == 200 else f"  answered {status}"
        print(
            f"{who:10} {path[:30]:30} {wall:8.2f} {cpu:7.2f} {queries:7d} {1000 / wall:7.0f}{note}"
        )
    if args.profile:
        jar = "" if args.profile == "/healthz-signed-out" else cookie
        path = "/healthz" if args.profile == "/healthz-signed-out" else args.profile
        # On a shared machine wall time includes waiting for a core; CPU time does not.
        profiler = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            run(application, path, jar)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.lines)
        print(out.getvalue())
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
