from django.core.management.base import BaseCommand
from django.db import transaction

from capmap.capability import held_levels


class Command(BaseCommand):
    help = (
        "Sum the ICS-wide held-level counts' slots into one row each and drop counts of zero"
        " (capmap_held_levels; docs/adr/0021). Changes no figure. Safe to run twice, and"
        " while people use Capmap: run it daily."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            before, after = held_levels.compact()
        self.stdout.write(f"Held-level counts: {before:,} rows, now {after:,}.")
