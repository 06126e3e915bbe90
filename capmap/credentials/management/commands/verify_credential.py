"""`capmap verify-credential FILE [--json] [--status-list FILE]... [--online]`: check a
credential's proof, status, validity dates and schema, offline unless `--online` lets it
fetch another issuer's status list (through the safeguarded fetcher and the copies held).
Exit 0 when it verifies, 1 when it does not, 2 when the file cannot be read."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from capmap.credentials import fetched, selectors
from capmap.credentials.vc.verify import Unreadable

MAX_BYTES = 5 * 1024 * 1024


class OneList(dict):
    """A single saved status list, whatever URL the credential gives for it."""

    def __init__(self, listed: dict[str, Any]):
        super().__init__()
        self.listed = listed

    def get(self, key, default=None):
        return self.listed


class Command(BaseCommand):
    help = "Verify an Open Badges 3.0 / VC 2.0 credential file (JSON or VC-JWT)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the result as JSON."
        )
        parser.add_argument(
            "--status-list",
            action="append",
            default=[],
            metavar="FILE",
            help=(
                "A saved status list credential of another issuer, found by its id (may "
                "repeat); when only one is given it stands for the list the credential names."
            ),
        )
        parser.add_argument(
            "--online",
            action="store_true",
            help="Fetch another issuer's status list from its site when it is not held here.",
        )

    def _unreadable(self, message: str, as_json: bool):
        if as_json:
            problem = {"verified": False, "revoked": False, "issuer": "", "achievement": ""}
            self.stdout.write(json.dumps({**problem, "problems": [message]}))
        else:
            self.stderr.write(message)
        sys.exit(2)

    def handle(
        self, *args, file: str, as_json: bool, status_list: list[str], online: bool, **options
    ):
        path = Path(file)
        saved: dict[str, Any] = {}
        try:
            if path.stat().st_size > MAX_BYTES:
                self._unreadable(f"{file} is larger than 5 MB: it is not a credential.", as_json)
            raw = path.read_bytes()
            for name in status_list:
                listed = json.loads(Path(name).read_text(encoding="utf-8"))
                saved[str(listed.get("id", ""))] = listed
        except (OSError, ValueError, AttributeError) as error:
            self._unreadable(f"{file} cannot be read: {error}", as_json)
        if len(saved) == 1:
            saved = OneList(next(iter(saved.values())))
        try:
            if online:
                report = fetched.verify_online(raw, saved=saved)
            else:
                report = selectors.verify_here(raw, extra_status_lists=saved)
        except Unreadable as error:
            self._unreadable(str(error), as_json)
        if as_json:
            self.stdout.write(json.dumps(report.as_json()))
        else:
            for line in report.sentences():
                self.stdout.write(line)
            for problem in report.problems:
                self.stdout.write(f"Problem: {problem}")
            for note in report.notes:
                self.stdout.write(f"Note: {note}")
        sys.exit(0 if report.verified else 1)
