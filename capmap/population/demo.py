"""The demo's population need: the real QOF figures of the practices the demo stands on.

The demo's ICS is North East London's ICB and its practices carry real ODS codes (see
capmap/demo/story.py); this imports their rows of QOF 2022-23 and 2024-25, vendored in
demo_data/, through the import service, acting as the demo's organisation admin (so the
import is audited and stays inside the demo ICS). Idempotent: it does nothing when the
demo's practices already have figures.
"""

from pathlib import Path

from capmap.accounts.models import User
from capmap.organisations.models import Organisation, OrganisationKind

from .models import RegisterCount
from .services import import_population

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
YEARS = [("2022-23", "PREVALENCE_2223_nel-demo.csv"), ("2024-25", "PREVALENCE_2425_nel-demo.csv")]


def load_demo_population(*, ics_name: str, admin_email: str) -> bool:
    """Import the demo practices' QOF figures; returns False when they are already there
    (or there is no demo ICS or admin)."""
    ics = Organisation.objects.filter(name=ics_name, kind=OrganisationKind.ICS).first()
    admin = User.objects.filter(email=admin_email).first()
    if ics is None or admin is None:
        return False
    if RegisterCount.objects.filter(practice__path__startswith=ics.path).exists():
        return False
    for year, name in YEARS:
        import_population(actor=admin, content=(DEMO_DATA / name).read_bytes(), year=year)
    return True
