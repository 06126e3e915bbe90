"""Time the CASE 1.0 REST API on the starter library plus a generated 5,000-item package
in the shared library: the document list, a whole package, one item, and the slowest
look-up (an association, found by searching the published packages).

Run: .venv/bin/python bench/bench_case_api.py   (uses a throw-away SQLite database)
"""

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_case_import import generated_package

API = "/ims/case/v1p0"
ROUNDS = 5


def timed(client, path: str) -> tuple[float, int, int]:
    """(median seconds, status, bytes) of ROUNDS GETs."""
    times, response = [], None
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(path, HTTP_HOST="127.0.0.1")
        times.append(time.perf_counter() - started)
    assert response is not None
    return statistics.median(times), response.status_code, len(response.content)


def main() -> int:
    folder = tempfile.mkdtemp(prefix="capmap-bench-")
    # Always a throw-away database: the benchmark must never write into a real one.
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capmap.config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", interactive=False, verbosity=0)
    from capmap.core.actors import SYSTEM
    from capmap.frameworks.library import load_starter_library
    from capmap.frameworks.services import import_framework

    load_starter_library()
    package = generated_package()
    # CASE identifiers are UUIDs; the generated ones are short names, which is fine here.
    import_framework(actor=SYSTEM, raw=json.dumps(package).encode(), filename="bench.json")
    client = Client()
    last_association = package["CFAssociations"][-1]["identifier"]
    last_item = package["CFItems"][-1]["identifier"]
    for label, path in (
        ("CFDocuments (7 frameworks)", f"{API}/CFDocuments"),
        ("CFPackages, 5,000 items", f"{API}/CFPackages/bench-doc"),
        ("CFItems, one of 5,000", f"{API}/CFItems/{last_item}"),
        ("CFItemAssociations, one of 5,000", f"{API}/CFItemAssociations/{last_item}"),
        ("CFAssociations, last of 5,000", f"{API}/CFAssociations/{last_association}"),
        ("CFItems, unknown id (404)", f"{API}/CFItems/00000000-0000-4000-8000-000000000000"),
    ):
        seconds, status, size = timed(client, path)
        print(f"{label:36} {status}  {seconds * 1000:8.1f} ms  {size / 1024:8.1f} KB")
    print(f"median of {ROUNDS} requests each, on {os.environ['DATABASE_URL']}")
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
