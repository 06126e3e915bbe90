"""`capmap generate --staff N --seed S`: a synthetic ICS for load and benchmark work.

It lives in the development app, the highest of the apps it fills (capability builds the
workforce and its history; development adds training and plans), so no app imports
one above it.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from capmap.capability.synthetic import generate_workforce
from capmap.core.exceptions import DomainError
from capmap.development.synthetic import add_training_and_plans


class Command(BaseCommand):
    help = "Build a synthetic ICS: organisations, staff, role profiles, three cycles, plans."

    def add_arguments(self, parser):
        parser.add_argument("--staff", type=int, default=5000, help="How many staff (5000).")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data (1).")

    def handle(self, *args, staff: int, seed: int, **options):
        started = time.perf_counter()
        try:
            built = generate_workforce(staff=staff, seed=seed, progress=self.stdout.write)
        except DomainError as error:
            raise CommandError(str(error)) from None
        counts = built.counts | add_training_and_plans(built, seed=seed)
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner guesses at millions of new rows (the ICS
            # training-needs page: 593 ms before, 261 ms after, at 5,000 staff).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"Built {built.ics.name}:")
        for name, value in counts.items():
            self.stdout.write(f"  {name}: {value:,}")
        self.stdout.write(f"ICS lead sign-in (no password set): {built.ics_lead.email}")
        self.stdout.write(f"Took {time.perf_counter() - started:.1f} s.")
