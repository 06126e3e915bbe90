"""`capmap serve`: Django's development server, without auto-reload, on 127.0.0.1:8000.

It is for the demo and for trying Capmap on one machine. Production runs a WSGI
server (for example gunicorn) on `capmap.config.wsgi:application` behind a proxy.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

DEFAULT_ADDRPORT = "127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Serve Capmap with Django's development server on 127.0.0.1:8000 (no auto-reload). "
        "Not for production: there, run a WSGI server on capmap.config.wsgi:application."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport", nargs="?", default=DEFAULT_ADDRPORT, help="[address:]port to listen on."
        )

    def handle(self, *args, addrport: str, **options):
        self.stdout.write(
            f"Serving Capmap on http://{addrport}/ (Ctrl+C to stop).\n"
            "This is Django's development server, for the demo and local use only: production "
            "runs a WSGI server (for example gunicorn) on capmap.config.wsgi:application."
        )
        call_command("runserver", addrport, use_reloader=False)
