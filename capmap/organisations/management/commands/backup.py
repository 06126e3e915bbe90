"""`capmap backup FILE`: every Capmap record and every stored file it points at.

FILE is a tar archive (gzip-compressed when its name ends .gz or .tgz; see
capmap/organisations/backups.py for what is inside). Evidence files, unexpired reports
and subject-access exports go in with their SHA-256; with object storage (a bucket) each
object's key and hash go in instead, and `capmap restore` checks the bucket against them.
Content types, permissions, sessions, the task queue and other passing state are left
out; primary keys are kept (organisation paths are made of them). Records and files
stream through, so memory stays flat at any size.
"""

import datetime
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder

from capmap.organisations import backups

# The version-1 backup (one JSON document of records, no files) is still restored; its
# serializer stays so older releases' backups can be made again in tests.
FORMAT = "capmap-backup-json"
EXCLUDED = backups.EXCLUDED


class ExactTimeEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactTimeEncoder


Deserializer = django_json.Deserializer


class Command(BaseCommand):
    help = (
        "Write all Capmap data and its stored files to FILE, a tar archive "
        "(gzip-compressed when FILE ends .gz or .tgz)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write, e.g. capmap-2026-11-25.tar.gz")
        parser.add_argument(
            "--files",
            choices=["auto", "copy", "list"],
            default="auto",
            help="copy: put each stored file in the backup; list: only its name and "
            "SHA-256 (object storage keeps the bytes); auto (default): copy from local "
            "disk, list from object storage.",
        )

    def handle(self, *args, file: str, files: str = "auto", **options):
        target = Path(file)
        if not target.parent.is_dir():
            raise CommandError(f"There is no folder {target.parent} to write into.", returncode=2)
        copy = {"auto": None, "copy": True, "list": False}[files]
        with tempfile.TemporaryDirectory(dir=target.parent) as work:
            summary = backups.write_backup(target, Path(work), copy_files=copy)
        self.stdout.write(f"Backed up to {file}.")
        self.stdout.write(
            f"Files: {summary.copied} copied into the backup, {summary.listed} listed by "
            f"object-storage key and SHA-256, {summary.expired} expired and left out."
        )
        for line in summary.missing:
            self.stderr.write(f"Missing from storage, not in the backup: {line}")
        if summary.missing:
            raise CommandError(
                f"The backup was written, but {len(summary.missing)} stored file(s) the "
                "records point at were missing (listed above).",
                returncode=1,
            )
