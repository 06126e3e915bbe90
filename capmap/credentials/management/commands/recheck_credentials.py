"""`capmap recheck-credentials`: the daily re-check of credentials accepted from
elsewhere. Each one last checked over a day ago is verified again (its status list
fetched when another issuer holds it); one found revoked or no longer valid has its level
withdrawn as "Check again" does. Prints what changed; safe to run twice."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from capmap.core.actors import SYSTEM
from capmap.credentials import accepting


class Command(BaseCommand):
    help = "Check again every accepted credential last checked more than a day ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=100, help="Credentials read at a time."
        )

    def handle(self, *args, batch_size: int, **options):
        # The command line runs as the system: it re-checks every organisation's credentials.
        rechecks = accepting.recheck_accepted_credentials(
            actor=SYSTEM, older_than=timedelta(days=1), batch_size=max(batch_size, 1)
        )
        changed = [r for r in rechecks if r.changed]
        for recheck in changed:
            self.stdout.write(recheck.sentence())
        for recheck in rechecks:
            if recheck.status_note:
                self.stdout.write(
                    f"Not fully checked: {recheck.accepted.achievement} from "
                    f"{recheck.accepted.issuer_name}. {recheck.status_note}"
                )
        count = len(rechecks)
        self.stdout.write(
            f"Checked {count} accepted credential{'s' if count != 1 else ''} again; "
            + (f"{len(changed)} changed." if changed else "nothing changed.")
        )
