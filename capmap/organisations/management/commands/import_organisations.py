"""`capmap import-organisations FILE...`: build or update the organisation tree from NHS ODS
files (epraccur.csv, etr.csv, ets.csv, ePCN.xlsx, gp-reg-pat-prac-map.csv or its ZIP)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from capmap.core.actors import SYSTEM
from capmap.core.exceptions import DomainError
from capmap.organisations import services
from capmap.organisations.ods_import import OdsImportPlan
from capmap.organisations.tree_rules import kind_name

# The whole of England's files are a few megabytes; this refuses only what is no ODS file.
MAX_FILE_BYTES = 64 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Build or update the organisation tree (ICB > PCN > practice; trust > site) from NHS "
        "ODS files: every organisation is imported, or none; a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--actor",
            help="E-mail of the user the import acts as (and is audited as); without it the "
            "import acts as the system and may touch any organisation.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the files and report; store nothing."
        )

    def handle(self, *args, files: list[Path], actor, dry_run, **options):
        contents = [(path.name, self._read(path)) for path in files]
        user = self._actor(actor) if actor else SYSTEM
        try:
            if dry_run:
                plan = services.preview_organisations_import(actor=user, files=contents)
                if plan.problems:
                    raise services.OdsImportRejected(plan)
            else:
                plan = services.import_organisations(actor=user, files=contents)
        except services.OdsImportRejected as rejected:
            for problem in rejected.plan.problems:
                self.stderr.write(str(problem))
            raise CommandError(str(rejected)) from None
        except DomainError as error:
            raise CommandError(str(error)) from None
        self._report(plan, dry_run)

    def _report(self, plan: OdsImportPlan, dry_run: bool) -> None:
        if plan.changes_nothing:
            self.stdout.write(
                f"Nothing to change: the tree already matches the files "
                f"({len(plan.unchanged)} organisations unchanged)."
            )
        else:
            verb = "would be" if dry_run else "were"
            self.stdout.write(
                f"{len(plan.to_create)} {verb} added, {len(plan.to_update)} {verb} updated "
                f"(of them {len(plan.to_close)} closed), {len(plan.unchanged)} unchanged."
            )
        for kind, counts in plan.counts_by_kind():
            self.stdout.write(
                f"  {kind_name(kind)}: {counts.get('create', 0)} to add, "
                f"{counts.get('update', 0)} to update, {counts.get('close', 0)} closing, "
                f"{counts.get('unchanged', 0)} unchanged"
            )
        for kind, reason, count in plan.left_out_reasons():
            label = kind_name(kind) if kind else "organisation"
            self.stdout.write(f"  left out: {count} {label}, {reason}")

    def _read(self, path: Path) -> bytes:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{path} is larger than {MAX_FILE_BYTES} bytes.")
            return path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None

    def _actor(self, email: str):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user has the e-mail address {email}.")
        return user
