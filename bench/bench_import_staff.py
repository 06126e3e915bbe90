"""Time `capmap import-staff` on a generated file (goal: 50,000 rows in 15 s, again in 10 s).

    .venv/bin/python bench/bench_import_staff.py [--rows 50000] [--seed 1] [--skip-anchor]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/capmap_bench_scaleimport \
        .venv/bin/python bench/bench_import_staff.py

Without DATABASE_URL it uses a throw-away SQLite database. With one, the database's name
must contain "bench": it is migrated and emptied (flush) first, as the import needs an
empty staff table to be comparable. The generated ICS has 20 PCNs of 10 practices; each
row is a realistic person (roles of the starter list, registration numbers in each body's
format, one or two sites). Prints, for each run: wall and CPU seconds, queries and queries
per row (on PostgreSQL the COPY and UPDATE statements sent from the import's writing
thread, capmap.core.bulk.writing_alongside, are not counted: they do not pass Django's
cursor), what it did (created / updated / unchanged) and the audit entries written; then
the anchor: the same reading and row checks (`plan_import`) followed by a plain
`bulk_create` of the people and their sites with no audit, rolled back. A third run with
every tenth row changed shows an update at scale. No assertion on time.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PCNS = 20
PRACTICES_PER_PCN = 10
FIRST = ["Asha", "Ben", "Chloe", "David", "Ewa", "Farah", "George", "Hana", "Imran", "Jo"]
LAST = ["Patel", "Jones", "Smith", "Khan", "Brown", "Taylor", "Wilson", "Evans", "Ahmed", "Roy"]
BANDS = ["", "4", "5", "6", "7", "8a", "8b"]


def registration(body: str, n: int) -> str:
    if body in ("GPhC", "GMC"):
        return f"{2000000 + n}"
    if body == "NMC":
        return f"{n % 100:02d}A{n % 10000:04d}{'ABCDEFGHJK'[n // 10000 % 10]}"
    if body == "HCPC":
        return f"{'PH' if n % 2 else 'PA'}{100000 + n}"
    return ""


def generated_rows(rows: int, seed: int, practice_codes: list[str], pcn_of: dict) -> list[dict]:
    from capmap.people.job_roles import STARTER_JOB_ROLES

    rng = random.Random(seed)
    out = []
    for n in range(rows):
        role, _, _, body = STARTER_JOB_ROLES[n % len(STARTER_JOB_ROLES)]
        practice = rng.choice(practice_codes)
        sites = [practice] if rng.random() < 0.7 else [practice, pcn_of[practice]]
        out.append(
            {
                "first_name": f"{rng.choice(FIRST)}{n}",
                "last_name": rng.choice(LAST),
                # Someone with no e-mail has a registration number, so a re-run can find them.
                "email": f"person{n}@bench.nhs.net" if not body or rng.random() < 0.9 else "",
                "job_role": role,
                "stage": rng.choice(["junior", "senior", ""]),
                "registration_body": body,
                "registration_number": registration(body, n),
                "afc_band": rng.choice(BANDS),
                "employer_ods": practice,
                "sites": ";".join(sites),
                "start_date": f"20{rng.randint(10, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "end_date": "" if rng.random() < 0.9 else "2027-03-31",
            }
        )
    return out


def csv_bytes(rows: list[dict]) -> bytes:
    from capmap.people.importing import COLUMNS

    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode()


def seed_job_roles() -> None:
    """The starter job roles (flush removed what the migration seeded)."""
    from django.utils.text import slugify

    from capmap.people.job_roles import STARTER_JOB_ROLES
    from capmap.people.models import JobRole

    for name, group, arrs, body in STARTER_JOB_ROLES:
        JobRole.objects.get_or_create(
            slug=slugify(name),
            defaults={"name": name, "staff_group": group, "arrs": arrs, "registration_body": body},
        )


def build_tree() -> tuple[list[str], dict[str, str]]:
    from capmap.organisations.models import Organisation, OrganisationKind

    def saved(organisation: Organisation) -> Organisation:
        organisation.save()
        organisation.path = organisation.expected_path()
        organisation.save(update_fields=["path"])
        return organisation

    ics = saved(Organisation(name="Bench ICS", kind=OrganisationKind.ICS, ods_code="QZZ"))
    practices, pcn_of = [], {}
    for p in range(PCNS):
        pcn = saved(
            Organisation(
                name=f"Bench PCN {p}", kind=OrganisationKind.PCN, ods_code=f"U9{p:04d}", parent=ics
            )
        )
        for q in range(PRACTICES_PER_PCN):
            code = f"Y9{p:02d}{q:02d}"
            saved(
                Organisation(
                    name=f"Bench practice {p}.{q}",
                    kind=OrganisationKind.PRACTICE,
                    ods_code=code,
                    parent=pcn,
                )
            )
            practices.append(code)
            pcn_of[code] = pcn.ods_code
    return practices, pcn_of


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed_command(label: str, path: Path, rows: int) -> None:
    from auditlog.models import LogEntry
    from django.core.management import call_command
    from django.db import connection

    entries = LogEntry.objects.count()
    counter = QueryCounter()
    out = io.StringIO()
    started, cpu = time.perf_counter(), cpu_seconds()
    with connection.execute_wrapper(counter):
        call_command("import_staff", str(path), stdout=out)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    summary = out.getvalue().splitlines()[0]
    written = LogEntry.objects.count() - entries
    print(
        f"{label:<22} {seconds:8.2f} {cpu:8.2f} {counter.count:>9} "
        f"{counter.count / rows:>9.3f} {written:>9}  {summary}",
        flush=True,
    )


def anchor(content: bytes, rows: int) -> None:
    """The same reading and checks, then a plain bulk insert with no audit; rolled back."""
    from django.db import connection, transaction

    from capmap.core.actors import SYSTEM
    from capmap.people import importing
    from capmap.people.models import Person

    counter = QueryCounter()
    started, cpu = time.perf_counter(), cpu_seconds()
    with connection.execute_wrapper(counter), transaction.atomic():
        plan = importing.plan_import(actor=SYSTEM, rows=importing.read_staff_rows(content))
        checked = time.perf_counter() - started
        if plan.errors:
            raise SystemExit(f"The generated file has mistakes: {plan.errors[:3]}")
        people = Person.objects.bulk_create(
            [
                Person(
                    # A blank value takes the model's default (a blank FTE is full time).
                    **{
                        name: value
                        for name in importing.FIELD_LABELS
                        if name != "sites" and (value := getattr(planned.details, name)) is not None
                    }
                )
                for planned in plan.rows
            ],
            batch_size=2000,
        )
        Person.sites.through.objects.bulk_create(
            [
                Person.sites.through(person_id=person.pk, organisation_id=site.pk)
                for person, planned in zip(people, plan.rows, strict=True)
                for site in planned.details.sites
            ],
            batch_size=5000,
        )
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        transaction.set_rollback(True)
    print(
        f"{'anchor: bulk insert':<22} {seconds:8.2f} {cpu:8.2f} {counter.count:>9} "
        f"{counter.count / rows:>9.3f} {0:>9}  checks {checked:.2f} s, then bulk_create "
        f"of {len(people)} people (rolled back)",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-anchor", action="store_true")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="capmap-bench-")
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        url = os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    elif "bench" not in url.rsplit("/", 1)[-1]:
        print("DATABASE_URL must name a database whose name contains 'bench': it is emptied.")
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capmap.config.settings.local")
    # A 50,000-row file is about 6 MB, above the default upload cap.
    os.environ.setdefault("CAPMAP_MAX_IMPORT_BYTES", str(64 * 1024 * 1024))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    seed_job_roles()
    practices, pcn_of = build_tree()
    rows = generated_rows(args.rows, args.seed, practices, pcn_of)
    content = csv_bytes(rows)
    path = Path(folder) / "staff.csv"
    path.write_bytes(content)
    changed = [dict(r, afc_band="9") if n % 10 == 0 else r for n, r in enumerate(rows)]
    changed_path = Path(folder) / "changed.csv"
    changed_path.write_bytes(csv_bytes(changed))

    print(
        f"{args.rows} rows ({len(content) / 1e6:.1f} MB) on {connection.vendor}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    header = (
        f"{'run':<22} {'wall s':>8} {'cpu s':>8} {'queries':>9} {'q/row':>9} {'audited':>9}  result"
    )
    print(header)
    print("-" * len(header))
    if not args.skip_anchor:
        anchor(content, args.rows)
    timed_command("first import", path, args.rows)
    timed_command("same file again", path, args.rows)
    timed_command("every 10th changed", changed_path, args.rows)
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
