"""Assessment data for the demo story: a cycle in Samir's PCN and assessments in every state.

Call `load_demo_assessments()` after `capmap.development.demo.load_demo_development()`.
Everything goes through the assessment and portfolio services, so the status rows,
ratings, notifications and audit entries are the ones real use leaves behind:

- the PCN manager (Samir Haddad) opens the "2026 Q4" cycle for his PCN, Hackney Downs;
- Maya Chaudhry submits her self-assessment against the junior clinical pharmacist
  profile, with two pieces of evidence, and it waits in her mentor Daniel Osei's
  sign-off queue;
- three more of its staff show the other states: the senior clinical pharmacist's is
  signed off, the pharmacy technician's was returned with comments and the first
  contact physiotherapist's is a draft.

Idempotent: it does nothing once the cycle exists. E-mails are not sent while loading
(the demo addresses are invented); the in-app notifications are kept.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from capmap.core.actors import SYSTEM
from capmap.core.workflow import current_status
from capmap.frameworks import selectors as framework_selectors
from capmap.frameworks.models import Competency, ProficiencyLevel, RoleProfile
from capmap.organisations.models import Organisation, Role
from capmap.organisations.services import grant_membership
from capmap.people.models import Person
from capmap.portfolio import services as portfolio
from capmap.portfolio.models import EvidenceKind

from . import services
from .models import AssessmentCycle
from .services import RatingInput

CYCLE_TITLE = "2026 Q4"
# The demo's Hackney Downs PCN, by its ODS code: the code stays when the name changes
# (an ODS import gives the published name).
PCN_ODS_CODE = "U21268"
PCN_MANAGER_EMAIL = "samir.haddad@demo.capmap.uk"
PRACTITIONER_EMAIL = "maya.chaudhry@demo.capmap.uk"
# Offsets from the required level, taken in turn: self-ratings run a little high, the
# supervisor's a little lower, so calibration has something to show.
SELF_PATTERN = [0, 1, 0, 0, 1, 0, -1, 0, 1, 0]
ASSESSOR_PATTERN = [0, 0, -1, 0, 0, 0, -1, 0, 0, 1]
EVIDENCE = [
    (
        EvidenceKind.CBD,
        "Case-based discussion: polypharmacy review in a frail patient",
        "Discussed a structured medication review with Daniel; deprescribing agreed "
        "with the patient and their GP.",
        ["CP.B1", "CP.B2"],
        12,
    ),
    (
        EvidenceKind.REFLECTION,
        "Reflection on running my first hypertension clinic",
        "What went well, what I would change, and the support I asked for.",
        ["CP.B4", "CP.E3"],
        26,
    ),
]


def _scale(profile: RoleProfile) -> tuple[int, int]:
    values = ProficiencyLevel.objects.filter(scale__version=profile.version_id).values_list(
        "value", flat=True
    )
    return min(values), max(values)


def _ratings(profile: RoleProfile, pattern: list[int], shift: int = 0) -> dict[int, RatingInput]:
    low, high = _scale(profile)
    requirements = profile.requirements.order_by(
        "competency__domain__order", "competency__order", "competency_id"
    )
    ratings = {}
    for index, requirement in enumerate(requirements):
        offset = pattern[(index + shift) % len(pattern)]
        level = max(low, min(high, requirement.level + offset))
        ratings[requirement.competency_id] = RatingInput(level)
    return ratings


def _profile(person: Person) -> RoleProfile | None:
    return framework_selectors.applicable_role_profiles(person).first()


def _account(person: Person):
    """The person's sign-in, created (without a usable password) when they have none."""
    if person.user is not None:
        return person.user
    user = get_user_model()(
        email=person.email, first_name=person.first_name, last_name=person.last_name
    )
    user.set_unusable_password()
    user.save()
    grant_membership(actor=SYSTEM, user=user, organisation=person.employer, role=Role.PRACTITIONER)
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    return user


def _colleague(pcn: Organisation, job_role: str, stage: str = "") -> Person | None:
    return (
        Person.objects.filter(employer=pcn, job_role__name=job_role, stage=stage, end_date=None)
        .select_related("user", "employer", "job_role")
        .order_by("pk")
        .first()
    )


def _start(person: Person, shift: int):
    """Start the person's assessment and save their self-ratings; (None, None) without a
    profile, or when an assessment of theirs someone started by hand is already submitted."""
    profile = _profile(person)
    if profile is None:
        return None, None
    user = _account(person)
    assessment = services.start_assessment(actor=user, person=person, role_profile=profile)
    if current_status(assessment).status not in services.EDITABLE:
        return None, None
    services.save_self_ratings(
        actor=user, assessment=assessment, ratings=_ratings(profile, SELF_PATTERN, shift)
    )
    return assessment, profile


def _maya(maya: Person, today: datetime.date) -> None:
    assessment, profile = _start(maya, shift=0)
    if assessment is None:
        return
    for kind, title, description, codes, days_ago in EVIDENCE:
        competencies = list(Competency.objects.filter(version=profile.version, code__in=codes))
        if competencies:
            portfolio.add_evidence(
                actor=maya.user,
                person=maya,
                kind=kind,
                title=title,
                occurred_on=today - datetime.timedelta(days=days_ago),
                description=description,
                competencies=competencies,
            )
    services.submit_assessment(actor=maya.user, assessment=assessment)


def _others(pcn: Organisation, manager) -> None:
    senior = _colleague(pcn, "Clinical pharmacist", "senior")
    if senior is not None:
        assessment, profile = _start(senior, shift=3)
        if assessment is not None:
            services.submit_assessment(actor=senior.user, assessment=assessment)
            services.sign_off_assessment(
                actor=manager,
                assessment=assessment,
                ratings=_ratings(profile, ASSESSOR_PATTERN, 1),
                comment="A strong year: agreed with two small changes.",
            )
    technician = _colleague(pcn, "Pharmacy technician")
    if technician is not None:
        assessment, profile = _start(technician, shift=5)
        if assessment is not None:
            services.submit_assessment(actor=technician.user, assessment=assessment)
            ratings = _ratings(profile, ASSESSOR_PATTERN, 2)
            services.return_assessment(
                actor=manager,
                assessment=assessment,
                comment="Please add examples for the competencies you rated above the "
                "profile, then submit again.",
                ratings=dict(list(ratings.items())[:4]),
            )
    physiotherapist = _colleague(pcn, "First contact physiotherapist")
    if physiotherapist is not None:
        _start(physiotherapist, shift=7)  # a draft, not yet submitted


@transaction.atomic
def _load() -> bool:
    User = get_user_model()
    pcn = Organisation.objects.filter(ods_code=PCN_ODS_CODE).first()
    manager = User.objects.filter(email=PCN_MANAGER_EMAIL).first()
    maya = (
        Person.objects.filter(user__email=PRACTITIONER_EMAIL)
        .select_related("user", "employer", "job_role")
        .first()
    )
    if pcn is None or manager is None or maya is None:
        return False
    if AssessmentCycle.objects.filter(organisation=pcn, title=CYCLE_TITLE).exists():
        return False
    today = timezone.localdate()
    services.open_cycle(
        actor=manager,
        organisation=pcn,
        title=CYCLE_TITLE,
        opens_on=today - datetime.timedelta(days=28),
        closes_on=today + datetime.timedelta(days=35),
    )
    _maya(maya, today)
    _others(pcn, manager)
    return True


def load_demo_assessments() -> bool:
    """Add the demo assessment cycle and its assessments; returns whether anything was added."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _load()
