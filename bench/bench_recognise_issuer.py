"""Time recognising an issuer, and stopping, when many people hold its credentials.

    .venv/bin/python bench/bench_recognise_issuer.py [--people 50,200] [--database-url URL]

For each N: N people of one practice each hold one accepted credential from the same
issuer (another practice's signed MED.1 at level 3). Recognising the issuer gives each
of them the level; stopping withdraws it. Prints, for each, the wall and CPU time and
the number of queries, with the load average beside them (the machine is shared: compare
the ratios within one run, not figures across runs). No assertion on time.

Builds its own throw-away SQLite database, or uses an empty PostgreSQL database given
by --database-url (its name should say whose it is; drop it afterwards).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", default="50,200", help="Comma-separated sizes.")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="capmap-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
    os.environ["CAPMAP_DATA_DIR"] = folder
    os.environ["DJANGO_SETTINGS_MODULE"] = "capmap.config.settings.local"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("CAPMAP_BASE_URL", "https://capmap.example.nhs.uk")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    call_command("migrate", verbosity=0)
    print(f"database {os.environ['DATABASE_URL'].split(':')[0]}")
    from capmap.assessments.tests.factories import world
    from capmap.credentials import services
    from capmap.credentials.tests.helpers import signed_off

    w = world()
    credential = services.issue_credential(actor=w.pharmacist_user, event=signed_off(w))
    document = json.loads(json.dumps(credential.document))
    held = 0
    # Sizes grow: each run adds people to those of the run before.
    for size in sorted(int(n) for n in args.people.split(",")):
        add_holders(w, document, size - held)
        held = size
        run(w, document, size)


def add_holders(w, document: dict, count: int) -> None:
    from capmap.credentials.tests.helpers import hold
    from capmap.people.tests.factories import PersonFactory

    for _ in range(count):
        person = PersonFactory(
            employer=w.orgs.practice_a, job_role=w.pharmacist.job_role, stage="junior"
        )
        hold(w, person, document)


def run(w, document: dict, size: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from capmap.credentials import accepting
    from capmap.credentials.models import RecognisedIssuer

    def timed(label: str, action) -> object:
        load = os.getloadavg()
        connection.queries_log.clear()  # it keeps 9,000 queries: more would be miscounted
        with CaptureQueriesContext(connection) as queries:
            c0, t0 = time.process_time(), time.perf_counter()
            result = action()
            t1, c1 = time.perf_counter(), time.process_time()
        print(
            f"  {label:<22} wall {t1 - t0:7.3f} s  CPU {c1 - c0:7.3f} s  "
            f"{len(queries):6d} queries  ({(t1 - t0) / size * 1000:6.1f} ms a person)  "
            f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )
        return result

    print(f"{size} people holding a credential from one issuer:")
    recognised = timed(
        "recognise",
        lambda: accepting.recognise_issuer(
            actor=w.manager,
            organisation=w.orgs.pcn_a,
            issuer_id=document["issuer"]["id"],
            name="Previous practice",
        ),
    )
    assert isinstance(recognised, RecognisedIssuer)
    timed(
        "stop recognising",
        lambda: accepting.stop_recognising_issuer(actor=w.manager, recognised=recognised),
    )


if __name__ == "__main__":
    main()
