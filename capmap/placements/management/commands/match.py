"""`capmap match INSTANCE.json [--algorithm stable|max-preference]`: the allocation engine alone.

Reads an instance (see DESIGN.md, "The allocation instance format"; `-` reads standard
input), prints one JSON object with the allocation. A malformed instance is refused with a
message naming the offending entry and exit status 2.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from capmap.core import bounded_json
from capmap.core.many_objects import many_objects
from capmap.matching import (
    ALGORITHMS,
    Instance,
    InvalidInstance,
    allocate,
    allocation_output,
    parse_instance,
)

EXIT_MALFORMED = 2
# An instance nests 3 levels (instance, list, entry); deeper is not an instance.
MAX_JSON_DEPTH = 32


class Command(BaseCommand):
    help = "Allocate applicants to placements from an instance file and print the result as JSON."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("instance", help="the instance JSON file, or - for standard input")
        parser.add_argument("--algorithm", choices=list(ALGORITHMS), default="stable")

    def handle(self, *args, instance: str, algorithm: str, **options):
        # A large instance is millions of objects, none in a cycle (see many_objects).
        with many_objects():
            checked = _checked(instance)
            result = allocation_output(checked, allocate(checked, algorithm))
            self.stdout.write(json.dumps(result, ensure_ascii=False))


def _checked(source: str) -> Instance:
    try:
        return parse_instance(_read_json(source))
    except InvalidInstance as error:
        raise CommandError(f"{source}: {error}", returncode=EXIT_MALFORMED) from error


def _read_json(source: str) -> object:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {source}: {error}", returncode=EXIT_MALFORMED) from error
    try:
        return bounded_json.loads(text, max_depth=MAX_JSON_DEPTH)
    except bounded_json.TooDeeplyNested as error:
        raise CommandError(f"{source}: {error}", returncode=EXIT_MALFORMED) from None
    except json.JSONDecodeError as error:
        message = f"{source} is not valid JSON: {error}"
        raise CommandError(message, returncode=EXIT_MALFORMED) from error
