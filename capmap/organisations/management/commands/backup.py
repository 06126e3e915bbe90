"""`capmap backup FILE`: every Capmap record as Django JSON (gzip when FILE ends .gz).

Content types and permissions are left out (migrations make them; rows point at them
by natural key), and so are sessions, the task queue and other passing state. Primary
keys are kept: organisation paths are made of them. Uploaded files live in the media
folder (CAPMAP_DATA_DIR/media) and are backed up with it, not here.
"""

import datetime

from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder

# Plain Django JSON (loaddata reads it as "json"), but with times to the microsecond:
# Django's encoder cuts them to milliseconds, which would change every timestamp.
FORMAT = "capmap-backup-json"

# app label or app_label.ModelName
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "django_tasks_database",  # the background task queue
    "account.emailconfirmation",  # sign-up links that expire
    "socialaccount.socialtoken",  # identity providers' access tokens (not stored anyway)
    "reports.workerheartbeat",  # the worker saying it is alive
]


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
    help = "Write all Capmap data to FILE as JSON (gzip-compressed when FILE ends .gz)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write, e.g. capmap-2026-11-25.json.gz")

    def handle(self, *args, file: str, **options):
        serializers.register_serializer(FORMAT, __name__)
        call_command(
            "dumpdata",
            format=FORMAT,
            exclude=EXCLUDED,
            natural_foreign=True,
            use_base_manager=True,
            output=file,
            verbosity=0,
        )
        self.stdout.write(f"Backed up to {file}.")
