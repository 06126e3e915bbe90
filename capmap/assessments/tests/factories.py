"""A small world for assessment tests: a framework with a role profile, a pharmacist in
Riverside PCN with an account, their hospital mentor, and people who must see nothing."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from capmap.assessments import services
from capmap.assessments.services import RatingInput
from capmap.core.actors import SYSTEM
from capmap.frameworks.models import Competency
from capmap.frameworks.services import create_role_profile, import_framework
from capmap.frameworks.tests.factories import SMALL_CSV
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree
from capmap.people.tests.factories import PersonFactory, SupervisionFactory, job_role


def ensure_starter_job_roles() -> None:
    """Put back the seeded job roles a flush by an earlier transactional test removed."""
    from django.utils.text import slugify

    from capmap.people.job_roles import STARTER_JOB_ROLES
    from capmap.people.models import JobRole

    for name, group, arrs, body in STARTER_JOB_ROLES:
        JobRole.objects.get_or_create(
            slug=slugify(name),
            defaults={"name": name, "staff_group": group, "arrs": arrs, "registration_body": body},
        )


def small_profile(slug: str = "small-framework"):
    """A published library framework (3 competencies in 2 domains) and a junior pharmacist
    profile asking for level 2 in each."""
    framework = import_framework(
        actor=SYSTEM, raw=SMALL_CSV.encode(), filename="small.csv", owner=None, slug=slug
    )
    version = framework.versions.get(number=1)
    return create_role_profile(
        actor=SYSTEM,
        version=version,
        job_role=job_role(),
        stage="junior",
        owner=None,
        default_level=2,
    )


def world():
    ensure_starter_job_roles()
    orgs = tree()
    profile = small_profile()
    pharmacist_user = MembershipFactory(organisation=orgs.practice_a, role=Role.PRACTITIONER).user
    pharmacist = PersonFactory(
        first_name="Priya",
        last_name="Shah",
        employer=orgs.practice_a,
        user=pharmacist_user,
        stage="junior",
    )
    # A hospital pharmacist at the trust mentors her: no membership in the PCN at all.
    mentor = MembershipFactory(organisation=orgs.trust, role=Role.PRACTITIONER).user
    supervision = SupervisionFactory(person=pharmacist, supervisor=mentor, kind="mentor")
    manager = MembershipFactory(organisation=orgs.pcn_a, role=Role.MANAGER).user
    other_admin = MembershipFactory(organisation=orgs.pcn_b, role=Role.ADMIN).user
    viewer = MembershipFactory(organisation=orgs.pcn_a, role=Role.VIEWER).user
    competencies = list(
        Competency.objects.filter(version=profile.version).order_by("domain__order", "order")
    )
    return SimpleNamespace(
        orgs=orgs,
        profile=profile,
        pharmacist=pharmacist,
        pharmacist_user=pharmacist_user,
        mentor=mentor,
        supervision=supervision,
        manager=manager,
        other_admin=other_admin,
        viewer=viewer,
        competencies=competencies,
    )


def levels(w, *values: int, comment: str = "") -> dict[int, RatingInput]:
    return {c.pk: RatingInput(v, comment) for c, v in zip(w.competencies, values, strict=True)}


def submitted_assessment(w, self_levels=(2, 2, 1)):
    assessment = services.start_assessment(
        actor=w.pharmacist_user, person=w.pharmacist, role_profile=w.profile
    )
    services.save_self_ratings(
        actor=w.pharmacist_user, assessment=assessment, ratings=levels(w, *self_levels)
    )
    services.submit_assessment(actor=w.pharmacist_user, assessment=assessment)
    return assessment


TODAY = datetime.date.today
