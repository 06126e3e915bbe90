from django.core.management.base import BaseCommand

from capmap.reports.services import prune_expired_reports


class Command(BaseCommand):
    help = (
        "Remove report files past their expiry (CAPMAP_REPORT_RETENTION_DAYS). Safe to run twice."
    )

    def handle(self, *args, **options) -> None:
        removed = prune_expired_reports()
        self.stdout.write(f"Removed {removed} expired report(s).")
