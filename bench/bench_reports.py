"""Time the largest reports on a generated workforce: `python bench/bench_reports.py --staff 5000`.

Builds its own throw-away SQLite database (or uses DATABASE_URL with --database-url),
an ICS of PCNs and practices with N staff and a year of activity, then makes the staff
list and the impact report for the whole ICS in PDF and XLSX, printing the seconds each
took and the file size.

With --existing, uses the database at --database-url as it is, e.g. one filled by
`capmap generate --staff 5000 --seed 1`, and times every report kind over its ICS as
its ICS lead: team capability, training needs, staff list, impact (XLSX and PDF), and
the portfolio of the person with the most evidence:

    DATABASE_URL=sqlite:////tmp/gen5000.sqlite3 capmap migrate
    DATABASE_URL=sqlite:////tmp/gen5000.sqlite3 capmap generate --staff 5000 --seed 1
    python bench/bench_reports.py --existing --database-url sqlite:////tmp/gen5000.sqlite3
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--existing", action="store_true", help="Use the data already in --database-url."
    )
    parser.add_argument("--kinds", default="", help="Comma-separated report kinds to time.")
    args = parser.parse_args()
    if args.existing and not args.database_url:
        parser.error("--existing needs --database-url")
    folder = tempfile.mkdtemp(prefix="capmap-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
    os.environ["CAPMAP_DATA_DIR"] = folder
    os.environ["DJANGO_SETTINGS_MODULE"] = "capmap.config.settings.local"
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.existing:
        ics, user, jobs = existing()
    else:
        ics, user = generate(args.staff, args.seed)
        jobs = [
            (kind, fmt, {"months": 12, "job_role": None} if kind == "impact" else {}, ics)
            for kind in ("staff_list", "impact")
            for fmt in ("xlsx", "pdf")
        ]
    if args.kinds:
        jobs = [job for job in jobs if job[0] in args.kinds.split(",")]
    from capmap.people.models import Person
    from capmap.reports.models import ReportRequest
    from capmap.reports.services import make_report

    staff = Person.objects.filter(employer__path__startswith=ics.path).count()
    print(f"{staff} staff, database {os.environ['DATABASE_URL'].split(':')[0]}")
    for kind, fmt, parameters, organisation in jobs:
        request = ReportRequest.objects.create(
            kind=kind,
            format=fmt,
            requested_by=user,
            organisation=organisation,
            parameters=parameters,
        )
        started = time.perf_counter()
        report = make_report(report_id=request.pk)
        seconds = time.perf_counter() - started
        size = report.file.size if report and report.file else 0
        status = report.status if report else "failed"
        print(f"{kind:<17} {fmt:<5} {seconds:7.2f} s  {size / 1024:8.0f} KiB  {status}")


def existing():
    """The generated ICS, its lead, and every report kind over it."""
    from django.db.models import Count

    from capmap.capability.synthetic import largest_ics
    from capmap.organisations.models import Membership
    from capmap.people.models import Person

    ics = largest_ics()
    lead = (
        Membership.objects.filter(organisation=ics, role__in=["admin", "manager", "viewer"])
        .select_related("user")
        .order_by("pk")
        .first()
        .user
    )
    jobs = [
        (kind, fmt, {"months": 12, "job_role": None} if kind == "impact" else {}, ics)
        for kind in ("team-capability", "training-needs", "staff_list", "impact")
        for fmt in ("xlsx", "pdf")
    ]
    busiest = (
        Person.objects.filter(employer__path__startswith=ics.path)
        .annotate(items=Count("evidence"))
        .order_by("-items", "pk")
        .first()
    )
    if busiest is not None:
        jobs += [
            ("person_portfolio", fmt, {"person": busiest.pk}, busiest.employer)
            for fmt in ("xlsx", "pdf")
        ]
    return ics, lead, jobs


def generate(staff: int, seed: int):
    from capmap.accounts.models import User
    from capmap.impact.models import ActivityRecord, ActivityType
    from capmap.organisations.models import Membership, Organisation
    from capmap.people.models import JobRole, Person

    rng = random.Random(seed)
    ics = Organisation.objects.create(name="Bench ICS", kind="ics")
    ics.path = f"/{ics.pk}/"
    ics.save()
    practices = []
    for p in range(max(staff // 250, 1)):
        pcn = Organisation.objects.create(name=f"PCN {p + 1}", kind="pcn", parent=ics)
        pcn.path = f"{ics.path}{pcn.pk}/"
        pcn.save()
        for q in range(5):
            practice = Organisation.objects.create(
                name=f"Practice {p + 1}.{q + 1}", kind="practice", parent=pcn
            )
            practice.path = f"{pcn.path}{practice.pk}/"
            practice.save()
            practices.append(practice)
    roles = list(JobRole.objects.all())
    people = Person.objects.bulk_create(
        Person(
            first_name=f"Person{i}",
            last_name=f"Bench{i:05d}",
            email=f"p{i}@bench.nhs.uk",
            job_role=rng.choice(roles),
            employer=rng.choice(practices),
            start_date=date(2018 + rng.randrange(8), rng.randrange(1, 13), 1),
        )
        for i in range(staff)
    )
    types = {}
    for activity in ActivityType.objects.all():
        types.setdefault(activity.job_role_id, []).append(activity)
    today = date.today().replace(day=1)
    months = [
        date(today.year - (today.month - 1 - m < 0), (today.month - 1 - m) % 12 + 1, 1)
        for m in range(12)
    ]
    records = [
        ActivityRecord(
            person=person,
            activity_type=activity,
            organisation=person.employer,
            period_kind="month",
            period_start=month,
            count=rng.randrange(40),
            minutes=rng.randrange(600),
        )
        for person in people
        for activity in types.get(person.job_role_id, [])
        for month in months
    ]
    ActivityRecord.objects.bulk_create(records, batch_size=2000)
    user = User.objects.create_user("bench@example.nhs.uk", "bench-password-123")
    Membership.objects.create(user=user, organisation=ics, role="viewer")
    return ics, user


if __name__ == "__main__":
    main()
