"""`capmap import-population FILE --year YYYY-YY`: QOF practice prevalence for one year."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from capmap.core.actors import SYSTEM
from capmap.core.exceptions import DomainError
from capmap.population import services
from capmap.population.qof import PrevalenceFileRefused


class Command(BaseCommand):
    help = (
        "Import QOF practice prevalence (the PREVALENCE_2425.csv layout) for a year: every "
        "row for a practice in Capmap is imported, or none; other practices are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", required=True, help="The QOF year, for example 2024-25.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; store nothing."
        )

    def handle(self, *args, file: Path, year: str, dry_run: bool, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        run = services.plan_population_import if dry_run else services.import_population
        try:
            plan = run(actor=SYSTEM, content=content, year=year)
        except services.PopulationRejected as rejected:
            for mistake in rejected.plan.mistakes:
                column = f", {mistake.column}" if mistake.column else ""
                self.stderr.write(f"Row {mistake.row_number}{column}: {mistake.message}")
            raise CommandError(str(rejected)) from None
        except (PrevalenceFileRefused, DomainError) as error:
            raise CommandError(str(error)) from None
        if dry_run and plan.mistakes:
            for mistake in plan.mistakes:
                self.stderr.write(str(mistake))
            raise CommandError(f"{len(plan.mistakes)} rows need correcting.")
        verb = "would be imported" if dry_run else "imported"
        self.stdout.write(
            f"QOF {plan.year}: {len(plan.rows):,} register counts for {plan.practices:,} "
            f"practices {verb} ({plan.replaced:,} earlier counts of that year replaced)."
        )
        if plan.skipped_practices:
            self.stdout.write(
                f"Skipped {plan.skipped_rows:,} rows for {plan.skipped_practices:,} practices "
                "that are not in Capmap."
            )
