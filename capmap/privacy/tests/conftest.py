"""A small world for privacy tests: pharmacist Priya Shah (GPhC registered, with an
account), who has been signed off by her hospital mentor AND has signed off a colleague
she supervises; she has evidence with a file, a draft assessment and notifications.
Admins of her ICS may export and erase; the admin of another PCN's tree may not."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import factory.random
import pytest
from django.core.files.storage import default_storage

from capmap.assessments import services as assessments
from capmap.assessments.tests.factories import levels, submitted_assessment, world
from capmap.core.actors import SYSTEM
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory
from capmap.people.models import Person
from capmap.people.tests.factories import PersonFactory, SupervisionFactory
from capmap.portfolio import services as portfolio
from capmap.portfolio.models import EvidenceKind

# A 1x1 PNG (as capmap/portfolio/tests/test_files.py uses).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)
REGISTRATION = "2034567"


@pytest.fixture
def p(db):
    # Everyone else in this world is invented by Faker, whose British surnames include Shah:
    # the erasure tests search the whole audit trail for her name, so give them the same
    # names every run rather than, now and then, a second Shah.
    factory.random.reseed_random("capmap privacy world")
    w = world()
    Person.objects.filter(pk=w.pharmacist.pk).update(
        email="priya.shah@example.nhs.uk",
        registration_body="GPhC",
        registration_number=REGISTRATION,
    )
    w.pharmacist.refresh_from_db()
    w.pharmacist_user.first_name, w.pharmacist_user.last_name = "Priya", "Shah"
    w.pharmacist_user.email = "priya.shah@nhs.net"
    w.pharmacist_user.save()
    w.ics_admin = MembershipFactory(organisation=w.orgs.ics, role=Role.ADMIN).user
    # Signed off by her mentor.
    signed = submitted_assessment(w)
    w.her_sign_off = assessments.sign_off_assessment(
        actor=w.mentor, assessment=signed, ratings=levels(w, 2, 2, 2, comment="Safe and sound")
    )
    # She supervises a colleague and signs the colleague off.
    colleague_user = MembershipFactory(organisation=w.orgs.practice_a, role=Role.PRACTITIONER).user
    w.colleague = PersonFactory(
        first_name="Tom",
        last_name="Baker",
        employer=w.orgs.practice_a,
        user=colleague_user,
        stage="junior",
    )
    SupervisionFactory(person=w.colleague, supervisor=w.pharmacist_user)
    theirs = assessments.start_assessment(
        actor=colleague_user, person=w.colleague, role_profile=w.profile
    )
    assessments.save_self_ratings(
        actor=colleague_user, assessment=theirs, ratings=levels(w, 1, 2, 2)
    )
    assessments.submit_assessment(actor=colleague_user, assessment=theirs)
    w.given_sign_off = assessments.sign_off_assessment(
        actor=w.pharmacist_user, assessment=theirs, ratings=levels(w, 2, 2, 2)
    )
    # Evidence with a file, and a new draft assessment.
    w.evidence = portfolio.add_evidence(
        actor=w.pharmacist_user,
        person=w.pharmacist,
        kind=EvidenceKind.values[0],
        title="Reflection on Priya Shah's asthma clinic",
        occurred_on=datetime.date(2026, 3, 1),
        competencies=w.competencies[:1],
        file_content=PNG,
        file_name="clinic.png",
    )
    w.evidence_file = w.evidence.file.name
    assert default_storage.exists(w.evidence_file)
    w.draft = assessments.start_assessment(
        actor=w.pharmacist_user, person=w.pharmacist, role_profile=w.profile
    )
    w.system = SYSTEM
    return SimpleNamespace(**vars(w))
