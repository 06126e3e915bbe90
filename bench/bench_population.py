"""Time the QOF import for the whole of England and the need-against-capability page.

    .venv/bin/python bench/bench_population.py [--data DIR]
        [--staff 5000] [--seed 1] [--repeat 5]

On SQLite (data/bench-population-<staff>-<seed>.sqlite3) and, when DATABASE_URL points to
one, PostgreSQL: builds England's practice tree (ICB > PCN > practice, from QOF 2022-23's
geography lookup) once, with the synthetic ICS of `capmap generate` standing in for North
East London (its practices take QMF's real practice codes, so the need page has both
patients and verified people). Then prints the time of importing the full 2024-25 file
(about 130,000 rows), of importing it again (which replaces the year), and the median
time of the need page for the ICS (as its lead) and for one PCN. No assertion on time.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The full published files are not in the repository (tests use small extracts): point
# CAPMAP_SHARED_DATA (or --data) at a folder holding them, as bench_import_organisations does.
DEFAULT_DATA = Path(os.environ.get("CAPMAP_SHARED_DATA", "/work/shared/data")) / "nhs-population"


def _median_ms(action, repeat: int) -> float:
    action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _england(data: Path, ics) -> None:
    """England's ICBs, PCNs and practices in bulk; QMF's practice codes go to the
    synthetic ICS's practices instead of new rows."""
    from capmap.organisations.models import Organisation, OrganisationKind

    if Organisation.objects.filter(ods_code="QHM").exists():
        return
    rows = list(csv.DictReader((data / "qof-2022-23" / "MAPPING_NHS_GEOGRAPHIES_2223.csv").open()))
    qmf = [r["PRACTICE_CODE"] for r in rows if r["ICB_ODS_CODE"] == "QMF"]
    mine = list(Organisation.objects.filter(path__startswith=ics.path, kind="practice"))
    for practice, code in zip(mine, qmf, strict=False):
        practice.ods_code = code
    Organisation.objects.bulk_update(mine, ["ods_code"])
    rows = [r for r in rows if r["ICB_ODS_CODE"] != "QMF"]

    def bulk(objects):
        made = Organisation.objects.bulk_create(objects, batch_size=1000)
        for org in made:
            org.path = f"{org.parent.path if org.parent else '/'}{org.pk}/"
        Organisation.objects.bulk_update(made, ["path"], batch_size=1000)
        return made

    icbs = {r["ICB_ODS_CODE"]: r["ICB_NAME"] for r in rows}
    icb = {
        o.ods_code: o
        for o in bulk(
            [Organisation(name=n, kind=OrganisationKind.ICS, ods_code=c) for c, n in icbs.items()]
        )
    }
    pcns = {r["PCN_ODS_CODE"]: (r["PCN_NAME"], r["ICB_ODS_CODE"]) for r in rows}
    pcn = {
        o.ods_code: o
        for o in bulk(
            [
                Organisation(name=n, kind=OrganisationKind.PCN, ods_code=c, parent=icb[i])
                for c, (n, i) in pcns.items()
                if not Organisation.objects.filter(ods_code=c).exists()
            ]
        )
    }
    bulk(
        [
            Organisation(
                name=r["PRACTICE_NAME"],
                kind=OrganisationKind.PRACTICE,
                ods_code=r["PRACTICE_CODE"],
                parent=pcn[r["PCN_ODS_CODE"]],
            )
            for r in rows
            if r["PCN_ODS_CODE"] in pcn
        ]
    )


def run_one(data: Path, staff: int, seed: int, repeat: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capmap.config.settings.local")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from capmap.capability.synthetic import find_generated
    from capmap.core.actors import SYSTEM
    from capmap.organisations.models import Membership, Organisation, Role
    from capmap.population import selectors, services
    from capmap.population.models import RegisterCount

    call_command("migrate", interactive=False, verbosity=0)
    ics = find_generated(seed)
    if ics is None:
        call_command("generate", staff=staff, seed=seed)
        ics = find_generated(seed)
    _england(data, ics)
    print(
        f"\n{connection.vendor}: {Organisation.objects.filter(kind='practice').count():,} "
        f"practices, {Organisation.objects.filter(kind='pcn').count():,} PCNs"
    )
    content = (data / "qof-2024-25" / "PREVALENCE_2425.csv").read_bytes()
    for label in ("import 2024-25 (England)", "import 2024-25 again (replaces)"):
        started = time.perf_counter()
        plan = services.import_population(actor=SYSTEM, content=content, year="2024-25")
        print(
            f"{label:40} {time.perf_counter() - started:8.1f} s  "
            f"({len(plan.rows):,} rows, {plan.skipped_practices} practices skipped)"
        )
    if not RegisterCount.objects.filter(year="2022-23").exists():
        earlier = (data / "qof-2022-23" / "PREVALENCE_2223.csv").read_bytes()
        services.import_population(actor=SYSTEM, content=earlier, year="2022-23")
    lead = Membership.objects.filter(organisation=ics, role=Role.MANAGER).first().user
    pcn = Organisation.objects.filter(parent=ics, kind="pcn").first()
    report = selectors.need_against_capability(lead, ics)
    print(f"need rows for the synthetic ICS: {len(report.rows):,}")
    client = Client()
    client.force_login(lead)

    def page(org):
        def action():
            assert client.get(reverse("population:show_need", args=[org.pk])).status_code == 200

        return action

    for label, org in (("ICS", ics), ("PCN", pcn)):
        s = _median_ms(lambda org=org: selectors.need_against_capability(lead, org), repeat)
        p = _median_ms(page(org), repeat)
        print(f"need against capability, {label:4} selector {s:8.1f} ms   page {p:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.one:
        run_one(args.data, args.staff, args.seed, args.repeat)
        return
    name = f"bench-population-{args.staff}-{args.seed}.sqlite3"
    databases = [f"sqlite:///{ROOT / 'data' / name}"]
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://")):
        databases.append(given)
    for url in databases:
        command = [sys.executable, __file__, "--one", f"--data={args.data}"]
        command += [f"--staff={args.staff}", f"--seed={args.seed}", f"--repeat={args.repeat}"]
        subprocess.run(command, env=os.environ | {"DATABASE_URL": url}, check=True)


if __name__ == "__main__":
    main()
