"""`capmap serve`: gunicorn on capmap.config.wsgi (production), or Django's development server.

gunicorn runs unless DEBUG is on or `--development` is given (`capmap demo` gives it): a
master process and CAPMAP_WEB_WORKERS worker processes, each serving one request at a
time (CAPMAP_WEB_THREADS for more). The development server is a single process for the
demo and for trying Capmap on one machine, and runs on any operating system.
"""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

DEFAULT_ADDRPORT = "127.0.0.1:8000"


def bind_address(addrport: str) -> str:
    """`8000`, `0.0.0.0:8000` or `[::1]:8000` as gunicorn's --bind takes it."""
    if addrport.isdigit():
        return f"127.0.0.1:{addrport}"
    host, _, port = addrport.rpartition(":")
    if not host or not port.isdigit():
        raise CommandError(f"Give the address to listen on as [address:]port, not {addrport!r}.")
    return addrport


def gunicorn_arguments(*, addrport: str, workers: int, threads: int, timeout: int) -> list[str]:
    return [
        "capmap.config.wsgi:application",
        "--bind",
        bind_address(addrport),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        str(timeout),
        # The application is loaded once, in the master (capmap/config/wsgi.py), and each
        # worker forked from it: a new worker serves at once instead of spending ~3 s of
        # CPU importing and compiling on its first requests.
        "--preload",
        # A worker is replaced after this many requests (with jitter, so not all at once):
        # a slow leak in a library cannot grow without bound. Each replacement leaves its
        # share of requests waiting up to a second for gunicorn's master to fork the next
        # one; at 2,000 the load test's workers were replaced every few seconds, and two at
        # once stalled every request for 2 s.
        "--max-requests",
        "20000",
        "--max-requests-jitter",
        "4000",
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
        # Its control socket has one default path per user: two servers on one machine
        # would fight over it, and Capmap does not use it.
        "--no-control-socket",
    ]


class Command(BaseCommand):
    help = (
        "Serve Capmap on 127.0.0.1:8000: gunicorn on capmap.config.wsgi:application, with "
        "CAPMAP_WEB_WORKERS processes, or Django's development server when DEBUG is on or "
        "with --development."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport", nargs="?", default=DEFAULT_ADDRPORT, help="[address:]port to listen on."
        )
        parser.add_argument(
            "--development",
            action="store_true",
            help="Django's development server (one process, no auto-reload), for the demo.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="gunicorn worker processes (default: CAPMAP_WEB_WORKERS, or 2).",
        )

    def handle(self, *args, addrport: str, development: bool, workers: int | None, **options):
        if development or settings.DEBUG:
            self.stdout.write(
                f"Serving Capmap on http://{addrport}/ (Ctrl+C to stop).\n"
                "This is Django's development server, for the demo and local use only: "
                "`capmap serve` without --development runs gunicorn."
            )
            call_command("runserver", addrport, use_reloader=False)
            return
        workers = workers if workers is not None else settings.CAPMAP_WEB_WORKERS
        if workers < 1:
            raise CommandError("Give --workers as 1 or more.")
        arguments = gunicorn_arguments(
            addrport=addrport,
            workers=workers,
            threads=settings.CAPMAP_WEB_THREADS,
            timeout=settings.CAPMAP_WEB_TIMEOUT,
        )
        self.stdout.write(f"Serving Capmap with gunicorn on http://{bind_address(addrport)}/")
        self.stdout.flush()
        # gunicorn takes this process's place, so a stop signal sent to it reaches gunicorn's
        # master, which finishes the requests under way before it exits.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
        os.execv(sys.executable, [sys.executable, "-m", "gunicorn", *arguments])  # noqa: S606
