"""Capability data for the demo story: the starter library and verified levels.

Call `load_demo_capability()` after `capmap.demo.story.load_demo_story()` (or
`capmap.development.demo.load_demo_development()`, which also adds training and a
plan). Idempotent: it does nothing once the demo staff have verified levels.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from capmap.accounts.models import User
from capmap.assessments.models import CapabilityEvent, CurrentCapability
from capmap.frameworks.library import load_starter_library
from capmap.organisations.models import Organisation
from capmap.people.models import Person

from . import selectors

# The demo story's ICS (capmap.demo.story.ICS_NAME; the demo sits above this app).
DEMO_ICS = "NHS North East London Integrated Care Board"
SIGNER_EMAIL = "daniel.osei@demo.capmap.uk"
# Offsets from the required level, taken in turn, so the demo shows gaps and strengths.
PATTERN = [0, 0, -1, 0, 1, 0, -2, 0, 0, -1, 1, 0, 0, -1]
# Every third level was first signed off a step lower ten months ago, so the circle at an
# earlier date shows growth.
GROWN_EVERY = 3


@transaction.atomic
def load_demo_capability() -> bool:
    """Verified levels for the demo staff against the starter library's role profiles."""
    ics = Organisation.objects.filter(name=DEMO_ICS).first()
    signer = User.objects.filter(email=SIGNER_EMAIL).first()
    if ics is None or signer is None:
        return False
    people = Person.objects.filter(employer__path__startswith=ics.path)
    if CurrentCapability.objects.filter(person__in=people).exists():
        return False
    load_starter_library()
    # Each person's place in a stable order, not their key: keys differ between databases
    # (PostgreSQL never reuses them), and the demo must show the same levels on every one.
    place = {
        pk: i for i, pk in enumerate(people.order_by("email", "pk").values_list("pk", flat=True))
    }
    needs = sorted(selectors.needs_of(people), key=lambda n: (place[n.person], n.competency))
    rows = [(n.person, n.competency, n.required) for n in needs]
    then = timezone.now() - datetime.timedelta(days=60)
    earlier = timezone.now() - datetime.timedelta(days=300)
    for index, (person_id, competency_id, required) in enumerate(rows):
        level = max(0, min(4, required + PATTERN[(index + place[person_id]) % len(PATTERN)]))
        if not level:
            continue
        if level > 1 and index % GROWN_EVERY == 0:
            CapabilityEvent.objects.create(
                person_id=person_id,
                competency_id=competency_id,
                level=level - 1,
                valid_from=earlier,
                signed_by=signer,
            )
        event = CapabilityEvent.objects.create(
            person_id=person_id,
            competency_id=competency_id,
            level=level,
            valid_from=then,
            signed_by=signer,
        )
        CurrentCapability.objects.create(
            person_id=person_id,
            competency_id=competency_id,
            level=level,
            signed_by=signer,
            signed_at=then,
            event=event,
        )
    return True
