"""`capmap credentials export EMAIL --out DIR`: every Open Badges 3.0 credential issued
to that person, each as its JSON file (credential-<id>.json) and its badge image with the
credential baked in (credential-<id>.svg), the same two files the web's ZIP holds."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from capmap.credentials import publishing, selectors
from capmap.people.models import Person


class Command(BaseCommand):
    help = "Work with the Open Badges 3.0 credentials Capmap has issued."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export", help="Write a person's credentials: a JSON file and a baked badge image each."
        )
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
            for name, text in publishing.credential_files(credential):
                (folder / name).write_text(text, encoding="utf-8")
            count += 1
        self.stdout.write(
            f"Wrote {count} credential{'s' if count != 1 else ''} to {folder}, "
            "each as JSON and as a badge image (SVG) with the credential baked in."
        )
