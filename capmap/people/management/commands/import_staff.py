"""`capmap import-staff FILE`: import staff records from a CSV or XLSX file, all rows or none."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from capmap.core.actors import SYSTEM
from capmap.core.exceptions import NotPermitted
from capmap.core.importing import ImportRejected
from capmap.core.tabular import Row, TableRefused
from capmap.organisations.models import Organisation
from capmap.people import importing, services


class Command(BaseCommand):
    help = "Import staff records from a CSV or XLSX file: every row is imported, or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--organisation",
            help="ODS code or id of the employer for rows with no employer_ods; "
            "every row must then be inside it.",
        )
        parser.add_argument(
            "--actor",
            help="E-mail of the user the import acts as (and is audited as); "
            "without it the import may touch any organisation.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; store nothing."
        )

    def handle(self, *args, file: Path, organisation, actor, dry_run, **options):
        rows = self._rows(file)
        user = self._actor(actor) if actor else SYSTEM
        default = self._organisation(organisation) if organisation else None
        try:
            plan = services.import_staff(
                actor=user, rows=rows, organisation=default, dry_run=dry_run
            )
        except ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(f"Row {error.row_number}, {error.column}: {error.message}")
            raise CommandError(str(rejected)) from None
        except NotPermitted as error:
            raise CommandError(str(error)) from None
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{len(plan.to_create)} {verb} created, {len(plan.to_update)} {verb} updated, "
            f"{len(plan.unchanged)} unchanged."
        )
        for planned in plan.to_update:
            self.stdout.write(f"  row {planned.row_number}: {', '.join(planned.changes)}")

    def _rows(self, file: Path) -> list[Row]:
        try:
            if file.stat().st_size > settings.CAPMAP_MAX_IMPORT_BYTES:
                raise CommandError(
                    f"{file} is larger than CAPMAP_MAX_IMPORT_BYTES "
                    f"({settings.CAPMAP_MAX_IMPORT_BYTES} bytes)."
                )
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            return importing.read_staff_rows(content)
        except TableRefused as error:
            raise CommandError(str(error)) from None

    def _actor(self, email: str):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user has the e-mail address {email}.")
        return user

    def _organisation(self, key: str) -> Organisation:
        q = Q(ods_code=key.upper())
        if key.isdigit():
            q |= Q(pk=int(key))
        organisation = Organisation.objects.filter(q).first()
        if organisation is None:
            raise CommandError(f"No organisation has the ODS code or id {key}.")
        return organisation
