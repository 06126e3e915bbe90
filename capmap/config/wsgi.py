"""The WSGI application, loaded ready to serve.

`capmap serve` runs gunicorn with --preload: its master process imports this module once
and forks every worker from it, so each worker (and each replacement gunicorn starts after
--max-requests) begins with the code imported, the URLs read and the templates compiled,
instead of spending about 3 s of CPU on its first requests (issue 15's load test: a busy
worker was replaced every few seconds).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capmap.config.settings.local")
application = get_wsgi_application()


def load_what_every_request_needs() -> None:
    from django.db import connections
    from django.template import engines
    from django.urls import reverse

    reverse("core:home")  # imports every URL module and view, and builds the URL tables
    jinja = engines["jinja2"].env  # type: ignore[attr-defined]
    for name in jinja.list_templates(extensions=["jinja", "html"]):
        jinja.get_template(name)
    # Nothing above asks the database; were it to, no worker may inherit the connection.
    connections.close_all()


load_what_every_request_needs()
