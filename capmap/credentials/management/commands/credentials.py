"""`capmap credentials export EMAIL --out DIR`: every Open Badges 3.0 credential issued
to that person, one JSON file each (credential-<id>.json)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from capmap.credentials import publishing, selectors
from capmap.people.models import Person


class Command(BaseCommand):
    help = "Work with the Open Badges 3.0 credentials Capmap has issued."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write a person's credentials, one JSON file each.")
        export.add_argument("email")
        export.add_argument("--out", required=True, help="Folder to write the files into.")

    def handle(self, *args, action: str, email: str, out: str, **options):
        # The command line runs as the system: it may export anyone's credentials.
        address = email.strip().lower()
        person = Person.objects.filter(Q(email__iexact=address) | Q(user__email__iexact=address))
        found = person.first()
        if found is None:
            raise CommandError(f"No one on the staff records has the e-mail address {email}.")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        count = 0
        for credential in selectors.credentials_of_person(found):
            path = folder / publishing.credential_file_name(credential)
            path.write_text(json.dumps(credential.document, indent=2), encoding="utf-8")
            count += 1
        self.stdout.write(f"Wrote {count} credential{'s' if count != 1 else ''} to {folder}.")
