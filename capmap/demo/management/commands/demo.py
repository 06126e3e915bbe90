"""`capmap demo`: create the embedded database, load the demo story, print sign-ins, serve."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from capmap.demo.story import DEMO_PASSWORD, demo_sign_ins, load_demo_story


class Command(BaseCommand):
    help = "Create the database if needed, load the demo story and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Load the demo, do not serve.")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, no_serve: bool, addrport: str, **options):
        call_command("migrate", interactive=False, verbosity=0)
        loaded = load_demo_story()
        self.stdout.write("Demo story loaded." if loaded else "Demo story already loaded.")
        self.stdout.write("\nDemo sign-ins (password for all: %s)" % DEMO_PASSWORD)
        for sign_in in demo_sign_ins():
            self.stdout.write(f"  {sign_in.persona:<28} {sign_in.email}")
        self.stdout.write("")
        if not no_serve:
            self.stdout.write(f"Serving on http://{addrport}/ (Ctrl+C to stop)")
            call_command("runserver", addrport, use_reloader=False)
