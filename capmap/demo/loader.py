"""Everything `capmap demo` loads: the story, then each part's demo data on top of it.

Each loader is idempotent, so running the demo again on an existing database only
adds what a newer version of Capmap brings.
"""

from capmap.assessments.demo import load_demo_assessments
from capmap.credentials.demo import load_demo_credentials
from capmap.demo.story import ICS_NAME, load_demo_story, persona
from capmap.development.demo import load_demo_development
from capmap.frameworks.library import load_starter_library
from capmap.impact.demo import load_demo_activity
from capmap.placements.demo import load_demo_scheme
from capmap.population.demo import load_demo_population


def load_demo() -> list[str]:
    """Load every part of the demo; returns what was added this time, for the console."""
    added = []
    if load_demo_story():
        added.append("organisations, staff and sign-ins")
    if any(load_starter_library().values()):
        added.append("the starter library of frameworks and pathways")
    if load_demo_development():
        added.append("verified capability, training and a development plan")
    if load_demo_assessments():
        added.append("an assessment cycle with self-assessments waiting for sign-off")
    if load_demo_scheme(ics_name=ICS_NAME):
        added.append("a placement scheme with its allocation")
    if load_demo_activity(ics_name=ICS_NAME):
        added.append("twelve months of activity figures")
    if load_demo_population(ics_name=ICS_NAME, admin_email=persona("admin")[0]):
        added.append("North East London practices' QOF figures (2022-23 and 2024-25)")
    if load_demo_credentials(email=persona("practitioner")[0]):
        added.append("the practitioner's sign-offs as verifiable credentials")
    return added
