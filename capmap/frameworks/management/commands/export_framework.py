"""`capmap export-framework SLUG --format case|csv [--out FILE] [--number N]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from capmap.frameworks import packaging
from capmap.frameworks.case import dump_json
from capmap.frameworks.csv_template import dump_csv
from capmap.frameworks.models import Framework
from capmap.frameworks.selectors import current_version


class Command(BaseCommand):
    help = "Write a framework version as a CASE 1.0 JSON package or a Capmap CSV file."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["case", "csv"], default="case")
        parser.add_argument("--out", default=None, help="File to write (default: stdout).")
        parser.add_argument("--number", type=int, default=None, help="Version number.")

    def handle(self, *args, slug: str, format: str, out, number, **options):
        # The command line runs as the system, so it sees every framework.
        framework = Framework.objects.filter(slug=slug).first()
        if framework is None:
            raise CommandError(f"No framework has the slug {slug}.")
        if number is None:
            version = current_version(framework)
        else:
            version = framework.versions.filter(number=number).first()
        if version is None:
            raise CommandError(f"{slug} has no version {number or ''}".strip() + ".")
        if format == "csv":
            text = dump_csv(packaging.package_for_version(version))
        else:
            text = dump_json(packaging.case_export(version))
        if out:
            Path(out).write_text(text, encoding="utf-8", newline="")
        else:
            self.stdout.write(text, ending="")
