"""Factories and a small scheme story for the placement tests."""

import datetime
from types import SimpleNamespace

import factory

from capmap.accounts.tests.factories import UserFactory
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory, tree
from capmap.people.tests.factories import PersonFactory
from capmap.placements.models import (
    Placement,
    Scheme,
    SchemeStatus,
    SchemeStatusChange,
    Specialty,
)


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme
        skip_postgeneration_save = True

    owner = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Portfolio scheme {n}")
    starts_on = datetime.date(2026, 1, 5)
    ends_on = datetime.date(2026, 12, 18)

    @factory.post_generation
    def status(scheme, create, extracted, **kwargs):
        """The scheme's history up to `status` (set up by default), one row a step."""
        if not create:
            return
        target = extracted or SchemeStatus.SET_UP
        steps = SchemeStatus.values[: SchemeStatus.values.index(target) + 1]
        SchemeStatusChange.objects.bulk_create(
            SchemeStatusChange(scheme=scheme, status=step) for step in steps
        )
        scheme.status = target


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    scheme = factory.SubFactory(SchemeFactory)
    host = factory.SubFactory(OrganisationFactory, trust=True)
    title = factory.Sequence(lambda n: f"Placement {n}")
    specialty = Specialty.RESPIRATORY
    mentor = factory.SubFactory(UserFactory)
    capacity = 1


def member(organisation, role: str = Role.MANAGER):
    return MembershipFactory(organisation=organisation, role=role).user


def applicant_at(practice, **kwargs):
    """A pharmacist with a sign-in, employed at the practice."""
    user = member(practice, Role.PRACTITIONER)
    return PersonFactory(employer=practice, user=user, **kwargs)


def scheme_story(status: str = SchemeStatus.APPLICATIONS_OPEN):
    """The test ICS with a scheme, two placements at its trust, two applicants, their managers.

    Hillside (PCN B) is another organisation in the same ICS; `other` is an admin of a
    different ICS altogether, who must see nothing.
    """
    t = tree()
    lead = member(t.ics, Role.MANAGER)
    mentor = member(t.trust, Role.SUPERVISOR)
    scheme = SchemeFactory(owner=t.ics, status=status)
    respiratory = PlacementFactory(
        scheme=scheme, host=t.trust, mentor=mentor, title="Respiratory clinic"
    )
    paediatrics = PlacementFactory(
        scheme=scheme,
        host=t.trust,
        mentor=mentor,
        title="Children's ward",
        specialty=Specialty.PAEDIATRICS,
    )
    alice = applicant_at(t.practice_a, first_name="Alice", last_name="Ashby")
    bola = applicant_at(t.practice_b, first_name="Bola", last_name="Bankole")
    manager_a = member(t.practice_a, Role.MANAGER)
    manager_b = member(t.practice_b, Role.MANAGER)
    elsewhere = OrganisationFactory(name="Far Away ICS")
    other = member(elsewhere, Role.ADMIN)
    return SimpleNamespace(
        t=t,
        lead=lead,
        mentor=mentor,
        scheme=scheme,
        respiratory=respiratory,
        paediatrics=paediatrics,
        alice=alice,
        bola=bola,
        manager_a=manager_a,
        manager_b=manager_b,
        other=other,
        elsewhere=elsewhere,
    )


def running_story():
    """The scheme story with Alice applied, released by her manager, placed and running."""
    from capmap.placements import services

    s = scheme_story()
    application = services.submit_application(
        actor=s.alice.user, scheme=s.scheme, statement="Keen", placements=[s.respiratory]
    )
    services.confirm_release(actor=s.manager_a, application=application)
    services.change_status(actor=s.lead, scheme=s.scheme, status=SchemeStatus.ALLOCATING)
    run = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    [s.participation] = services.confirm_allocation(actor=s.lead, run=run, notify=False)
    s.t.practice_a.ods_code = "F86001"
    s.t.practice_a.save(update_fields=["ods_code"])
    s.t.practice_b.ods_code = "F86002"
    s.t.practice_b.save(update_fields=["ods_code"])
    s.far_practice = OrganisationFactory(
        name="Far Away Surgery", practice=True, parent=s.elsewhere, ods_code="Y99999"
    )
    return s


def profile_requiring(person, competencies):
    """A library role profile for the person's job role that requires the competencies."""
    from capmap.frameworks.models import RoleProfile, RoleRequirement

    version = competencies[0].version
    profile, _ = RoleProfile.objects.get_or_create(
        version=version, job_role=person.job_role, stage="", owner=None
    )
    for competency in competencies:
        RoleRequirement.objects.get_or_create(profile=profile, competency=competency, level=1)
    return profile
