"""Time the subject access export of the busiest person of a generated workforce.

    DATABASE_URL=sqlite:////tmp/gen5000.sqlite3 capmap migrate
    DATABASE_URL=sqlite:////tmp/gen5000.sqlite3 capmap generate --staff 5000 --seed 1
    python bench/bench_subject_access.py --database-url sqlite:////tmp/gen5000.sqlite3

"Busiest" is the person with the most rows about them or by them in the personal-data map
(assessments, ratings, sign-offs given and received, evidence, plans...). Prints the
seconds the export took, its size and its record count; also times the erasure preview.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--candidates", type=int, default=20)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capmap.config.settings.local")
    import django

    django.setup()
    from django.db.models import Count

    from capmap.assessments.models import CapabilityEvent, SelfRating
    from capmap.people.models import Person
    from capmap.privacy import collect, erasure
    from capmap.privacy.export import write_export

    # Candidates: most verified-level events about them, most ratings and sign-offs by them.
    about = (CapabilityEvent.objects.values("person").annotate(n=Count("pk")).order_by("-n"))[
        : args.candidates
    ]
    by = (
        SelfRating.objects.exclude(rated_by=None)
        .values("rated_by")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )[: args.candidates]
    signers = (
        CapabilityEvent.objects.exclude(signed_by=None)
        .values("signed_by")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )[: args.candidates]
    users = [row["rated_by"] for row in by] + [row["signed_by"] for row in signers]
    ids = {row["person"] for row in about} | set(
        Person.objects.filter(user_id__in=users).values_list("pk", flat=True)
    )
    started = time.perf_counter()
    counted = [(collect.rows_of(p).count(), p) for p in Person.objects.filter(pk__in=ids)]
    busiest_rows, person = max(counted, key=lambda pair: pair[0])
    print(
        f"Busiest of {len(counted)} candidates: staff record {person.pk} with "
        f"{busiest_rows:,} rows (found in {time.perf_counter() - started:.1f} s)"
    )
    from weasyprint import HTML  # loaded once before timing: a worker has it loaded

    HTML(string="<p>warm</p>").write_pdf()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "export.zip"
        started = time.perf_counter()
        result = write_export(person, out)
        seconds = time.perf_counter() - started
        print(
            f"Subject access export: {seconds:.1f} s, {out.stat().st_size / 1e6:.2f} MB, "
            f"{result['records']:,} records, {result['files']} evidence files"
        )
    started = time.perf_counter()
    plan = erasure.plan_erasure(person)
    print(f"Erasure preview: {time.perf_counter() - started:.1f} s, {len(plan.lines)} lines")


if __name__ == "__main__":
    main()
