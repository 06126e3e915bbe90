"""`capmap load_starter_library`: add the starter frameworks and pathways (idempotent)."""

from django.core.management.base import BaseCommand

from capmap.frameworks.library import load_starter_library


class Command(BaseCommand):
    help = "Load Capmap's starter frameworks, role profiles and MDT pathways into the library."

    def handle(self, *args, **options):
        created = load_starter_library()
        self.stdout.write(
            f"Starter library: {created['frameworks']} frameworks and "
            f"{created['pathways']} pathways added."
        )
