"""`capmap remind-assessments`: this week's reminders for overdue assessments only.

The same engine and log as `capmap send-reminders`, so running either or both, as often
as you like, sends each reminder once a week.
"""

from django.core.management.base import BaseCommand

from capmap.reports.models import ReminderKind
from capmap.reports.reminders import send_weekly_reminders


class Command(BaseCommand):
    help = "Send this week's overdue assessment reminders (the send-reminders engine)."

    def handle(self, *args, **options) -> None:
        counts = send_weekly_reminders(kinds=[ReminderKind.OVERDUE_ASSESSMENT])
        self.stdout.write(f"{counts[ReminderKind.OVERDUE_ASSESSMENT]} reminders sent.")
