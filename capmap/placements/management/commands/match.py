"""`capmap match INSTANCE.json [--algorithm stable|max-preference]`: the allocation engine alone.

Reads an instance (see DESIGN.md, "The allocation instance format"; `-` reads standard
input), prints one JSON object with the allocation. A malformed instance is refused with a
message naming the offending entry and exit status 2.
"""

import gc
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from capmap.core import bounded_json
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
        with _without_cycle_collection():
            checked = _checked(instance)
            result = allocation_output(checked, allocate(checked, algorithm))
            self.stdout.write(json.dumps(result, ensure_ascii=False))


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while the command runs.

    A large instance is millions of objects (the decoded JSON, the index tuples, the
    output) and none of them form cycles, so reference counting frees them all; but every
    full collection walks all of them. On 50,000 x 5,000 that was about a fifth of the
    command's time outside the solver.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
