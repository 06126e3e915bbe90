"""The demo story: a fictional ICS with its trusts, PCNs, practices and staff.

Every name is invented. Loading is idempotent: it does nothing when the ICS exists.
"""

from dataclasses import dataclass

from django.db import transaction

from capmap.accounts.models import User
from capmap.organisations.models import Membership, Organisation, OrganisationKind, Role

DEMO_PASSWORD = "capmap-demo-2026"
ICS_NAME = "North East Thameside ICS"


@dataclass(frozen=True)
class DemoSignIn:
    persona: str
    email: str


def _organisation(name: str, kind: str, parent: Organisation | None, ods: str = "") -> Organisation:
    organisation = Organisation.objects.create(name=name, kind=kind, parent=parent, ods_code=ods)
    organisation.path = f"{parent.path if parent else '/'}{organisation.pk}/"
    organisation.save(update_fields=["path"])
    return organisation


def _user(email: str, first: str, last: str, organisation: Organisation, role: str) -> User:
    user = User.objects.create_user(email, DEMO_PASSWORD, first_name=first, last_name=last)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@transaction.atomic
def load_demo_story() -> bool:
    """Create the demo data; returns False when it was already there."""
    if Organisation.objects.filter(name=ICS_NAME).exists():
        return False
    ics = _organisation(ICS_NAME, OrganisationKind.ICS, None, "QMF")
    pcn = _organisation("Riverside PCN", OrganisationKind.PCN, ics, "U12345")
    _organisation("Riverside Surgery", OrganisationKind.PRACTICE, pcn, "F86001")
    _user("admin@demo.capmap.uk", "Ada", "Okafor", ics, Role.ADMIN)
    return True


def demo_sign_ins() -> list[DemoSignIn]:
    return [DemoSignIn("Organisation admin", "admin@demo.capmap.uk")]
