"""Time the import of a generated 5,000-item CASE package (goal: under 10 s on SQLite).

Run: .venv/bin/python bench/bench_case_import.py   (uses a throw-away SQLite database)
"""

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ITEMS = 5000


def generated_package(items: int = ITEMS) -> dict:
    """Ten domains, each with ten sub-domains, the rest competencies spread among them."""
    doc = "bench-doc"
    cf_items, associations = [], []

    def add(identifier: str, statement: str, code: str, parent: str, sequence: int) -> None:
        cf_items.append(
            {
                "identifier": identifier,
                "fullStatement": statement,
                "humanCodingScheme": code,
                "uri": f"https://example.org/case/{identifier}",
                "lastChangeDateTime": "2026-01-01",
            }
        )
        associations.append(
            {
                "identifier": f"a-{identifier}",
                "associationType": "isChildOf",
                "originNodeURI": {"identifier": identifier, "title": code},
                "destinationNodeURI": {"identifier": parent, "title": ""},
                "sequenceNumber": sequence,
            }
        )

    groups = []
    for d in range(10):
        add(f"d{d}", f"Domain {d}", f"D{d}", doc, d + 1)
        for s in range(10):
            add(f"d{d}s{s}", f"Sub-domain {d}.{s}", f"D{d}.{s}", f"d{d}", s + 1)
            groups.append(f"d{d}s{s}")
    n = 0
    while len(cf_items) < items:
        parent = groups[n % len(groups)]
        add(f"c{n}", f"Competency statement number {n}", f"C{n}", parent, n // len(groups) + 1)
        n += 1
    return {
        "CFDocument": {"identifier": doc, "title": "Benchmark framework"},
        "CFItems": cf_items,
        "CFAssociations": associations,
    }


def main() -> int:
    folder = tempfile.mkdtemp(prefix="capmap-bench-")
    # Always a throw-away database: the benchmark must never write into a real one.
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capmap.config.settings.local")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from capmap.core.actors import SYSTEM
    from capmap.frameworks.models import Competency, Domain
    from capmap.frameworks.services import import_framework

    raw = json.dumps(generated_package()).encode()
    started = time.perf_counter()
    framework = import_framework(actor=SYSTEM, raw=raw, filename="bench.json")
    seconds = time.perf_counter() - started
    version = framework.versions.get()
    stored = Domain.objects.filter(version=version).count()
    stored += Competency.objects.filter(version=version).count()
    print(f"imported {stored} CASE items in {seconds:.2f} s on {os.environ['DATABASE_URL']}")
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
