"""`capmap apply-retention [--yes]`: the retention schedule, kind of record by kind; a dry run
with a report unless --yes. Safe to run twice: what was removed is not found again, an
erased person is not erased again, removed files stay removed."""

from django.core.management.base import BaseCommand

from capmap.privacy import services


class Command(BaseCommand):
    help = (
        "Remove each kind of record past its organisation's retention period, erase people "
        "past the staff record's, and remove expired files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="Carry it out (default: dry run).")

    def handle(self, *args, yes: bool, **options):
        if not yes:
            self.stdout.write(services.retention_due().as_text())
            self.stdout.write("Dry run: nothing was changed. Run again with --yes to apply it.")
            return
        report = services.apply_retention()
        self.stdout.write(report.as_text())
        removed = sum(r.count for r in report.removals)
        self.stdout.write(
            f"Done: {removed} record(s) removed, {len(report.erase)} person(s) erased, "
            "expired files removed."
        )
