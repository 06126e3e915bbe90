"""Demo data: the demo practitioner's verified levels, issued as credentials."""

from capmap.core.actors import SYSTEM
from capmap.people.models import Person

from .models import IssuedCredential
from .services import issue_missing_credentials


def load_demo_credentials(*, email: str) -> bool:
    """Issue the practitioner's current levels once; False when already done (or no one)."""
    person = Person.objects.filter(user__email__iexact=email).first()
    if person is None or IssuedCredential.objects.filter(person=person).exists():
        return False
    return bool(issue_missing_credentials(actor=SYSTEM, person=person))
