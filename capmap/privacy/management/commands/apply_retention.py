"""`capmap apply-retention [--yes]`: the retention schedule; a dry run with a report unless
--yes. Safe to run twice: an erased person is not erased again, removed files stay removed."""

from django.core.management.base import BaseCommand

from capmap.privacy import services


class Command(BaseCommand):
    help = "Erase people past their organisation's retention schedule and remove expired files."

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="Carry it out (default: dry run).")

    def handle(self, *args, yes: bool, **options):
        if not yes:
            self.stdout.write(services.retention_due().as_text())
            self.stdout.write("Dry run: nothing was changed. Run again with --yes to apply it.")
            return
        report = services.apply_retention()
        self.stdout.write(report.as_text())
        self.stdout.write(f"Done: {len(report.due)} person(s) erased, expired files removed.")
