"""`capmap demo`: create the embedded database, load the demo story, print sign-ins, serve."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from capmap.core.exceptions import DomainError
from capmap.demo.loader import load_demo
from capmap.demo.story import DEMO_PASSWORD, demo_sign_ins


class Command(BaseCommand):
    help = "Create the database if needed, load the demo story, print the sign-ins and serve."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Load the demo, do not serve.")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, no_serve: bool, addrport: str, **options):
        call_command("migrate", interactive=False, verbosity=0)
        try:
            added = load_demo()
        except DomainError as error:
            raise CommandError(str(error)) from None
        if added:
            self.stdout.write("Demo loaded: " + "; ".join(added) + ".")
        else:
            self.stdout.write("Demo already loaded.")
        self.stdout.write(self.sign_ins_table())
        if not no_serve:
            call_command("serve", addrport, development=True)

    @staticmethod
    def sign_ins_table() -> str:
        sign_ins = demo_sign_ins()
        width = max(len("Persona"), *(len(s.persona) for s in sign_ins))
        lines = ["", "Demo sign-ins:", "", f"  {'Persona':<{width}}  E-mail"]
        lines.append(f"  {'-' * width}  {'-' * max(len(s.email) for s in sign_ins)}")
        lines += [f"  {s.persona:<{width}}  {s.email}" for s in sign_ins]
        lines += ["", f"  Password for every demo sign-in: {DEMO_PASSWORD}", ""]
        return "\n".join(lines)
