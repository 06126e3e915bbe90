"""`capmap generate --staff N --seed S`: a synthetic ICS for load and benchmark work.
`capmap generate --like-icb CODE [--seed S]`: a synthetic workforce shaped like that ICB's
published PCN workforce, on its real practices and PCNs (`ENGLAND` or `ALL`: every ICB).

It lives in the development app, the highest of the apps it fills (capability builds the
workforce and its history; development adds training and plans), so no app imports
one above it.
"""

import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from capmap.capability.synthetic import generate_workforce
from capmap.capability.synthetic_icb import generate_like_icb
from capmap.core.exceptions import DomainError
from capmap.development.synthetic import add_training_and_plans

# The published files are not in the repository: name them, or the folder that holds them
# in NHS England's layout (CAPMAP_SHARED_DATA).
SHARED = os.environ.get("CAPMAP_SHARED_DATA")
WORKFORCE = (
    Path(SHARED, "nhs-population", "pcn-workforce-2026-06", "PCNWFIndividualCSV.062026.zip")
    if SHARED
    else None
)
PRACTICE_MAP = (
    Path(SHARED, "nhs-population", "registrations-2026-07", "gp-reg-pat-prac-map.zip")
    if SHARED
    else None
)


class Command(BaseCommand):
    help = (
        "Build a synthetic ICS: organisations, staff, role profiles, three cycles, plans; "
        "or, with --like-icb, one shaped like a real ICB's published PCN workforce."
    )

    def add_arguments(self, parser):
        parser.add_argument("--staff", type=int, default=5000, help="How many staff (5000).")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data (1).")
        parser.add_argument(
            "--like-icb",
            metavar="CODE",
            help="An ICB's ODS code (QMF is North East London), or ENGLAND for all of them.",
        )
        parser.add_argument(
            "--workforce",
            type=Path,
            default=WORKFORCE,
            help="NHS England's PCN workforce individual-level CSV, or its ZIP.",
        )
        parser.add_argument(
            "--practice-map",
            type=Path,
            default=PRACTICE_MAP,
            help="The practice mapping file of 'Patients registered at a GP practice' (or ZIP).",
        )

    def handle(self, *args, staff: int, seed: int, like_icb, workforce, practice_map, **options):
        if like_icb:
            return self._like_icb(like_icb, seed, workforce, practice_map)
        started = time.perf_counter()

        def progress(line: str) -> None:
            self.stdout.write(f"{line} ({time.perf_counter() - started:.1f} s)")

        try:
            built = generate_workforce(staff=staff, seed=seed, progress=progress)
        except DomainError as error:
            raise CommandError(str(error)) from None
        counts = built.counts | add_training_and_plans(built, seed=seed)
        progress("Training and plans")
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner guesses at millions of new rows (the ICS
            # training-needs page: 593 ms before, 261 ms after, at 5,000 staff).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            progress("Statistics (ANALYZE)")
        self.stdout.write(f"Built {built.ics.name}:")
        for name, value in counts.items():
            self.stdout.write(f"  {name}: {value:,}")
        self.stdout.write(f"ICS lead sign-in (no password set): {built.ics_lead.email}")
        self.stdout.write(f"Took {time.perf_counter() - started:.1f} s.")

    def _like_icb(self, code: str, seed: int, workforce: Path | None, practice_map: Path | None):
        if workforce is None or practice_map is None:
            raise CommandError(
                "Give --workforce and --practice-map (NHS England's published files), "
                "or set CAPMAP_SHARED_DATA to the folder that holds them."
            )
        try:
            built = generate_like_icb(
                icb=code,
                seed=seed,
                workforce_file=(workforce.name, _read(workforce)),
                map_file=(practice_map.name, _read(practice_map)),
                progress=self.stdout.write,
            )
        except DomainError as error:
            raise CommandError(str(error)) from None
        names = ", ".join(f"{icb.name} ({icb.ods_code})" for icb in built.icbs[:3])
        more = f" and {len(built.icbs) - 3} more" if len(built.icbs) > 3 else ""
        self.stdout.write(f"Built a workforce like {names}{more}:")
        for name, value in built.counts.items():
            self.stdout.write(f"  {name}: {value:,}")
        for role, count in built.unmapped_roles.most_common():
            self.stdout.write(f"  not mapped to a Capmap job role: {role} ({count} records)")
        if built.pcns_not_in_map:
            codes = ", ".join(sorted(built.pcns_not_in_map))
            self.stdout.write(f"  PCNs not in the registration map: {codes}")
        if built.fte_clamped:
            self.stdout.write(
                f"  {built.fte_clamped} records' FTE was outside 0.01 to 2.00 and was capped"
            )
        for email in built.leads[:3]:
            self.stdout.write(f"ICS lead sign-in (no password set): {email}")
        self.stdout.write(f"Took {built.seconds:.1f} s.")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
