"""`capmap import-framework FILE [--slug SLUG] [--owner ODS_OR_ID]`: prints the new slug."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from capmap.core.actors import SYSTEM
from capmap.frameworks.presenters import merged_duplicates_note
from capmap.frameworks.services import ImportRefused, import_framework, read_upload
from capmap.organisations.models import Organisation


def _owner(value: str | None) -> Organisation | None:
    if not value:
        return None
    found = Organisation.objects.filter(ods_code=value.upper()).first()
    if found is None and value.isdigit():
        found = Organisation.objects.filter(pk=int(value)).first()
    if found is None:
        raise CommandError(f"No organisation has the ODS code or id {value}.")
    return found


class Command(BaseCommand):
    help = (
        "Import a CASE 1.0 JSON package or a Capmap CSV file as published version 1 of a new "
        "framework, and print its slug. Without --owner it joins the shared library."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--slug", default=None)
        parser.add_argument("--owner", default=None, help="ODS code or id of the owner.")
        parser.add_argument("--format", choices=["case", "csv"], default=None)

    def handle(self, *args, file: str, slug, owner, format, **options):
        path = Path(file)
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            preview = read_upload(raw, filename=path.name, file_format=format)
            framework = import_framework(
                actor=SYSTEM,
                raw=raw,
                filename=path.name,
                file_format=format,
                slug=slug,
                owner=_owner(owner),
            )
        except ImportRefused as error:
            raise CommandError(
                f"{path.name} was not imported, nothing was stored:\n  - "
                + "\n  - ".join(error.problems)
            ) from None
        note = merged_duplicates_note(preview.package)
        if note:
            self.stderr.write(note)  # stdout stays the slug alone, for scripts
        self.stdout.write(framework.slug)
