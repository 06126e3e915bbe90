"""`capmap remind-assessments`: remind people whose cycle has closed and whose assessment
is not signed off. Safe to run more than once a day (one reminder per assessment per day)."""

from django.core.management.base import BaseCommand

from capmap.assessments.services import remind_overdue_assessments


class Command(BaseCommand):
    help = "Send reminders for overdue assessments (at most one per assessment per day)."

    def handle(self, *args, **options) -> None:
        sent = remind_overdue_assessments()
        self.stdout.write(f"{sent} reminders sent.")
