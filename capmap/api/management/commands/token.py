"""`capmap token create USERNAME [--name NAME]` and `capmap token revoke PREFIX`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from capmap.api import services
from capmap.core.actors import SYSTEM
from capmap.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Make or revoke API tokens. A new token is printed once and never stored in clear."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,revoke}")
        create = actions.add_parser("create", help="Print a new API token for a user.")
        create.add_argument("username", help="The user's e-mail address.")
        create.add_argument("--name", default="", help="What the token is for.")
        revoke = actions.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix", help="The part of the token before the dot.")

    def handle(self, *args, action: str, **options):
        # The command line runs as the system (actor None).
        try:
            if action == "create":
                self._create(options["username"], options["name"])
            else:
                token = services.revoke_token(SYSTEM, prefix=options["prefix"])
                self.stdout.write(f"Revoked API token {token.prefix} of {token.user.email}.")
        except DomainError as error:
            raise CommandError(str(error)) from None

    def _create(self, username: str, name: str) -> None:
        user = get_user_model().objects.filter(email__iexact=username.strip()).first()
        if user is None:
            raise CommandError(f"No user has the e-mail address {username}.")
        token, raw = services.create_token(SYSTEM, user=user, name=name)
        self.stderr.write(
            f"API token {token.prefix} for {user.email}. Keep it safe: it is shown only once."
        )
        self.stdout.write(raw)
