"""How much of a page's CPU the ORM spends building and compiling queries, against sending
the same SQL straight to the database: the most that compiling every query could save.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/capmap_bench_load \\
        .venv/bin/python bench/profile_orm_share.py [--requests 200] \\
        [--page EMAIL PATH ...]

Runs under production settings in one process, as profile_request.py does (its database
and static files). For each page it prints, per request:

- the page's CPU time, unwrapped;
- the CPU time inside `SQLCompiler.execute_sql` (compiling the SQL, running it, fetching
  rows) and inside the queryset methods that build a query (filter, exclude, annotate,
  values...), counting only the outermost call, so nested work is not counted twice;
- the CPU time of sending the very SQL and parameters the page sent, through the same
  connection's cursor: what the queries would cost if each were already compiled.

The timing wrappers add a little of their own to the ORM figures, so the saving they
suggest is an upper bound. Numbers only, beside the load average.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import profile_request  # noqa: E402  (the harness this measures with)

BUILDING = (
    "_filter_or_exclude",
    "annotate",
    "alias",
    "order_by",
    "values",
    "values_list",
    "select_related",
    "prefetch_related",
    "only",
    "defer",
    "distinct",
    "_chain",
)
DEFAULT_PAGES = [
    ("daniel.osei@demo.capmap.uk", "/no-such-page/"),
    ("daniel.osei@demo.capmap.uk", "/assessments/queue/"),
    ("daniel.osei@demo.capmap.uk", "/"),
    ("samir.haddad@demo.capmap.uk", "/"),
    ("grace.ellison@demo.capmap.uk", "/"),
    ("ada.okafor@demo.capmap.uk", "/"),
    ("samir.haddad@demo.capmap.uk", "/capability/organisations/5/"),
    ("maya.chaudhry@demo.capmap.uk", "/capability/people/1/"),
    ("ics.lead.1@synthetic.capmap.uk", "/people/"),
]


class Clock:
    """CPU seconds spent inside the wrapped calls, outermost calls only."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {"compile and run": 0.0, "build": 0.0}
        self._depth = 0

    def wrap(self, key: str, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            if self._depth:
                return function(*args, **kwargs)
            self._depth += 1
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[key] += time.process_time() - started
                self._depth -= 1

        return timed

    def reset(self) -> None:
        self.seconds = dict.fromkeys(self.seconds, 0.0)


def page_cpu(application, path: str, cookie: str, requests: int) -> float:
    started = time.process_time()
    for _ in range(requests):
        profile_request.run(application, path, cookie)
    return (time.process_time() - started) * 1000 / requests


def sent_sql(application, path: str, cookie: str) -> list[tuple[str, object]]:
    from django.db import connection

    sent: list[tuple[str, object]] = []

    def keep(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        profile_request.run(application, path, cookie)
    return sent


def raw_cpu(statements: list[tuple[str, object]], requests: int) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.process_time()
        for _ in range(requests):
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()
    return (time.process_time() - started) * 1000 / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--page", nargs=2, action="append", metavar=("EMAIL", "PATH"))
    args = parser.parse_args()
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    profile_request.production_environment()
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.db.models import query
    from django.db.models.sql import compiler

    application = get_wsgi_application()
    pages = args.page or DEFAULT_PAGES
    measured = []
    for email, path in pages:
        cookie = profile_request.signed_in_cookie(email)
        for _ in range(20):
            profile_request.run(application, path, cookie)
        statements = sent_sql(application, path, cookie)
        cpu = page_cpu(application, path, cookie, args.requests)
        measured.append((email, path, cookie, statements, cpu))

    clock = Clock()
    compiler.SQLCompiler.execute_sql = clock.wrap(  # type: ignore[method-assign]
        "compile and run", compiler.SQLCompiler.execute_sql
    )
    for name in BUILDING:
        setattr(query.QuerySet, name, clock.wrap("build", getattr(query.QuerySet, name)))

    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"{'who':32} {'path':30} {'CPU ms':>7} {'queries':>7} {'ORM run':>8} {'ORM build':>9}"
        f" {'SQL alone':>9}"
    )
    for email, path, cookie, statements, cpu in measured:
        clock.reset()
        page_cpu(application, path, cookie, args.requests)
        ran = clock.seconds["compile and run"] * 1000 / args.requests
        built = clock.seconds["build"] * 1000 / args.requests
        alone = raw_cpu(statements, args.requests)
        print(
            f"{email[:32]:32} {path[:30]:30} {cpu:7.2f} {len(statements):7d} {ran:8.2f}"
            f" {built:9.2f} {alone:9.2f}"
        )
    print(
        "ORM run: compiling, running and fetching (compiled queries run outside it);"
        " SQL alone: the same statements sent through the cursor."
    )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
