"""`capmap send-reminders`: this week's reminders for overdue assessments, sessions waiting
for the mentor's confirmation and development plan objectives past due.

Run it weekly (cron or a periodic task). Safe to run twice: what was sent is recorded per
ISO week, so a second run in the same week sends nothing.
"""

from django.core.management.base import BaseCommand

from capmap.reports.models import ReminderKind
from capmap.reports.reminders import send_weekly_reminders


class Command(BaseCommand):
    help = "Send this week's reminders (at most one per thing, person and ISO week)."

    def handle(self, *args, **options) -> None:
        counts = send_weekly_reminders()
        for kind, label in ReminderKind.choices:
            self.stdout.write(f"{label}: {counts[kind]} reminders sent.")
        self.stdout.write(f"{sum(counts.values())} reminders sent in all.")
