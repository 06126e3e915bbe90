"""`capmap erase-person EMAIL [--yes]`: print the erasure plan; with --yes carry it out."""

from django.core.management.base import BaseCommand

from capmap.core.actors import SYSTEM
from capmap.privacy import erasure, services

from .subject_access import find_person


class Command(BaseCommand):
    help = "Erase a person: print what is deleted, what pseudonymised and why; --yes does it."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's e-mail address (staff record or account).")
        parser.add_argument("--yes", action="store_true", help="Carry the plan out.")
        parser.add_argument("--reason", default="", help="Why, for the erasure log.")

    def handle(self, *args, email: str, yes: bool, reason: str, **options):
        person = find_person(email)
        plan = erasure.plan_erasure(person)
        self.stdout.write(plan.as_text())
        if not yes:
            self.stdout.write("Nothing was changed. Run again with --yes to erase.")
            return
        record = services.erase_person(actor=SYSTEM, person=person, reason=reason)
        self.stdout.write(f"Erased. The person is now known as {record.pseudonym}.")
