"""`capmap restore FILE [--force]`: load a `capmap backup` into a migrated database.

All or nothing: the archive is read and every file's SHA-256 checked before anything
changes, then the records load in one transaction (a batch of rows at a time, see
backup_records.py) and the stored files are put back under
their own names (objects in object storage are checked against their recorded hashes).
Every file that is missing or different is named, and the exit status is then 1. A
database that already holds organisations is refused (exit status 2) unless --force,
which empties it first. Older backups (one JSON document, plain or gzip) still restore;
the files their records point at are checked in storage.
"""

import gzip
import shutil
import tempfile
from pathlib import Path

from auditlog.context import disable_auditlog
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, transaction

from capmap.core.signals import after_restore, before_restore
from capmap.organisations import backup_records, backups
from capmap.organisations.models import Organisation

GZIP_MAGIC = b"\x1f\x8b"


def _plain_json(source: Path, target: Path) -> Path:
    """Copy the backup to `target`, uncompressing it when it is gzip (whatever its name)."""
    with source.open("rb") as raw:
        compressed = raw.read(2) == GZIP_MAGIC
    with (gzip.open if compressed else open)(source, "rb") as data, target.open("wb") as out:
        shutil.copyfileobj(data, out)
    return target


class Command(BaseCommand):
    help = "Load a Capmap backup and its files into an empty migrated database (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A file written by `capmap backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Empty a database that already has data, then restore into it.",
        )

    def handle(self, *args, file: str, force: bool, **options):
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"There is no file {file}.", returncode=2)
        try:
            has_data = Organisation.objects.exists()
        except DatabaseError:
            raise CommandError(
                "The database is not ready: run `capmap migrate` first.", returncode=2
            ) from None
        if has_data and not force:
            raise CommandError(
                "This database already has organisations: restore only into an empty one "
                "(run `capmap migrate` on a new database), or add --force to erase it first.",
                returncode=2,
            )
        try:
            with tempfile.TemporaryDirectory() as folder:
                work = Path(folder)
                if backups.is_archive(source):
                    unpacked = backups.unpack(source, work)
                    files = self._load(unpacked.records, "jsonl", unpacked)
                else:
                    files = self._load(_plain_json(source, work / "capmap-backup.json"), "json")
        except backups.BackupError as error:
            raise CommandError(f"Nothing was restored: {error}", returncode=2) from None
        except (DeserializationError, DatabaseError, OSError, EOFError) as error:
            raise CommandError(f"Nothing was restored: {error}", returncode=2) from None
        count = Organisation.objects.count()
        self.stdout.write(f"Restored {file}: {count} organisations.")
        for line in files.lines():
            self.stdout.write(line)
        for line in files.problems:
            self.stderr.write(line)
        if files.problems:
            raise CommandError(
                f"The records were restored, but {len(files.problems)} stored file(s) are "
                "missing or different (each named above).",
                returncode=1,
            )

    def _load(
        self, path: Path, fmt: str, unpacked: backups.Unpacked | None = None
    ) -> backups.FileReport:
        with transaction.atomic(using=DEFAULT_DB_ALIAS), disable_auditlog():
            if connection.vendor == "postgresql":
                # PostgreSQL will not TRUNCATE tables with deferred checks still pending
                # from earlier writes in this transaction (a caller's): run them now.
                connection.check_constraints()
            # Migrations seed reference rows (job roles, activity types) that the backup
            # holds too; emptying first makes the backup the only source. The post-migrate
            # signal puts back the content types and permissions the backup refers to.
            # Apps above this one carry state across (the erasure log: an older backup must
            # not bring an erased person back unnoticed).
            carried = {id(receiver): value for receiver, value in before_restore.send(Command)}
            call_command("flush", interactive=False, verbosity=0)
            # The audit trail comes back as it was; loading writes no entries of its own.
            if fmt == "jsonl":
                backup_records.load_records(path, using=DEFAULT_DB_ALIAS)
            else:  # an older backup: one JSON document, read whole by loaddata
                call_command("loaddata", str(path), format=fmt, verbosity=0)
            # Files go back before erasures are applied again, so an erased person's files
            # are removed with their records.
            files = backups.put_back_files(unpacked) if unpacked else None
            after_restore.send(Command, carried=carried, say=self.stdout.write)
            # An older backup has no files: check the ones its (remaining) records name.
            return files or backups.check_referenced_files()
