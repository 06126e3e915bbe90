"""`capmap subject-access EMAIL --out FILE.zip`: everything held about that person."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from capmap.people.models import Person
from capmap.privacy import selectors, services


def find_person(email: str) -> Person:
    try:
        return selectors.person_by_email(email)
    except Person.DoesNotExist:
        raise CommandError(f"No staff record has the e-mail address {email}.") from None
    except Person.MultipleObjectsReturned:
        raise CommandError(
            f"More than one staff record has the e-mail address {email}: "
            "use the page for each person instead."
        ) from None


class Command(BaseCommand):
    help = "Write everything Capmap holds about one person to a ZIP file."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's e-mail address (staff record or account).")
        parser.add_argument("--out", required=True, help="Where to write, e.g. subject.zip")

    def handle(self, *args, email: str, out: str, **options):
        person = find_person(email)
        path = Path(out)
        result = services.export_to_file(person=person, out=path)
        self.stdout.write(
            f"Wrote {path}: {result['records']} records and {result['files']} evidence "
            f"file(s), {path.stat().st_size:,} bytes."
        )
