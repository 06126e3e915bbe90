"""One world for the access matrix: two ICSs, every kind of tenant data, and a persona each.

ICS A holds a PCN with two sibling practices and a trust; ICS B is another tenant whose
admin must see nothing of A. The subject is a practitioner at practice A with a record of
every kind (assessment with self and supervisor ratings, evidence file, development plan,
placements, impact records, reports). Three trust pharmacists mentor the subject: one
whose supervision has not started, one during it and one after it ended.

Built through the services where a service exists, with the apps' factories otherwise.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone

from capmap.accounts.tests.factories import UserFactory
from capmap.api.tests.factories import token_for
from capmap.assessments import services as assessments
from capmap.assessments.tests.factories import levels, small_profile
from capmap.capability.tests.factories import verify
from capmap.development import services as development
from capmap.development.tests.factories import TrainingItemFactory
from capmap.frameworks import services as frameworks
from capmap.frameworks.models import Competency, Domain
from capmap.frameworks.tests.factories import framework as owned_framework
from capmap.frameworks.tests.factories import small_package
from capmap.impact.tests.factories import ActivityRecordFactory, activity
from capmap.organisations.models import OrganisationKind, Role
from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory
from capmap.people.tests.factories import PersonFactory, SupervisionFactory, job_role
from capmap.placements import services as placements
from capmap.placements.models import (
    AllocationRun,
    AllocationRunStatus,
    Application,
    Participation,
    RunStatus,
    SchemeStatus,
)
from capmap.placements.services import feedback, outcomes
from capmap.placements.tests.factories import PlacementFactory, SchemeFactory
from capmap.portfolio.services import add_evidence
from capmap.reports.models import ReportRequest, ReportStatus

# Every persona of the matrix, in the order the tables print them.
PERSONAS = (
    "anonymous",  # signed out
    "no_membership",  # signed in, belongs to no organisation
    "subject",  # the practitioner whose records these are
    "colleague",  # a practitioner in the same practice
    "mentor_before",  # a trust pharmacist whose mentor supervision starts next month
    "mentor_during",  # ... whose supervision (and placement) is running today
    "mentor_after",  # ... whose supervision ended last month
    "supervisor_role",  # supervisor role in the practice, no supervision relationship
    "pcn_viewer",  # viewer over the whole PCN (a commissioner)
    "practice_manager",  # manager of the subject's practice
    "sibling_manager",  # manager of the other practice in the same PCN
    "ics_admin",  # admin of ICS A (and programme lead of its schemes)
    "other_ics_admin",  # admin of ICS B
    "system_admin",  # a superuser with no membership: keeps the shared library
)

BETA_SECRET = "Beta private competency"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    users: dict = field(default_factory=dict)  # persona -> User (None when signed out)
    tokens: dict = field(default_factory=dict)  # persona -> raw API token
    orgs: SimpleNamespace = field(default_factory=SimpleNamespace)
    objects: dict = field(default_factory=dict)  # name -> model instance or value


def _member(organisation, role: str):
    return MembershipFactory(organisation=organisation, role=role).user


def build_world() -> World:
    w = World()
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    o = w.orgs
    o.ics_a = OrganisationFactory(name="Alpha ICS")
    o.pcn_a = OrganisationFactory(name="Alpha PCN", kind=OrganisationKind.PCN, parent=o.ics_a)
    o.practice_a = OrganisationFactory(
        name="Alpha Surgery", kind=OrganisationKind.PRACTICE, parent=o.pcn_a
    )
    o.practice_a2 = OrganisationFactory(
        name="Alpha Sibling Surgery", kind=OrganisationKind.PRACTICE, parent=o.pcn_a
    )
    o.trust_a = OrganisationFactory(
        name="Alpha Hospitals", kind=OrganisationKind.TRUST, parent=o.ics_a
    )
    o.ics_b = OrganisationFactory(name="Beta ICS")
    o.practice_b = OrganisationFactory(
        name="Beta Surgery", kind=OrganisationKind.PRACTICE, parent=o.ics_b
    )

    u = w.users
    u["anonymous"] = None
    u["no_membership"] = UserFactory()
    u["subject"] = _member(o.practice_a, Role.PRACTITIONER)
    u["colleague"] = _member(o.practice_a, Role.PRACTITIONER)
    for when in ("before", "during", "after"):
        u[f"mentor_{when}"] = _member(o.trust_a, Role.PRACTITIONER)
    u["supervisor_role"] = _member(o.practice_a, Role.SUPERVISOR)
    u["pcn_viewer"] = _member(o.pcn_a, Role.VIEWER)
    u["practice_manager"] = _member(o.practice_a, Role.MANAGER)
    u["sibling_manager"] = _member(o.practice_a2, Role.MANAGER)
    u["ics_admin"] = _member(o.ics_a, Role.ADMIN)
    u["other_ics_admin"] = _member(o.ics_b, Role.ADMIN)
    u["system_admin"] = UserFactory(is_superuser=True)
    for persona, user in u.items():
        if user is not None:
            w.tokens[persona] = token_for(user, name=persona)

    ob = w.objects
    profile = small_profile(slug="matrix-library")
    competencies = list(
        Competency.objects.filter(version=profile.version).order_by("domain__order", "order")
    )
    ob["competency"], ob["competency2"] = competencies[0], competencies[1]
    ob["library_framework"] = profile.version.framework
    ob["library_profile"] = profile
    subject = PersonFactory(
        first_name="Sabrina",
        last_name="Subjectson",
        employer=o.practice_a,
        user=u["subject"],
        stage="junior",
        job_role=job_role(),
    )
    colleague = PersonFactory(
        first_name="Colin",
        last_name="Colleagueson",
        employer=o.practice_a,
        user=u["colleague"],
        stage="junior",
    )
    ob["subject"], ob["colleague"] = subject, colleague
    ob["other_person"] = PersonFactory(first_name="Bea", last_name="Betaperson", employer=o.ics_b)

    # Supervisions of the subject, dated around today.
    ob["supervision_before"] = SupervisionFactory(
        person=subject, supervisor=u["mentor_before"], kind="mentor", starts_on=today + 30 * day
    )
    ob["supervision_after"] = SupervisionFactory(
        person=subject,
        supervisor=u["mentor_after"],
        kind="mentor",
        starts_on=today - 200 * day,
        ends_on=today - 30 * day,
    )

    # Verified levels for the circle and scope of practice.
    for competency, level in zip(competencies, (2, 3, 1), strict=True):
        verify(subject, competency, level, by=u["practice_manager"])

    # A submitted self-assessment, with supervisor ratings saved by the manager.
    assessment = assessments.start_assessment(
        actor=u["subject"], person=subject, role_profile=profile
    )
    ratings = SimpleNamespace(competencies=competencies)
    assessments.save_self_ratings(
        actor=u["subject"], assessment=assessment, ratings=levels(ratings, 2, 2, 1, comment="ok")
    )
    assessments.submit_assessment(actor=u["subject"], assessment=assessment)
    # The manager returns it with supervisor ratings; the subject submits round 2.
    assessments.return_assessment(
        actor=u["practice_manager"],
        assessment=assessment,
        comment="Add evidence for MED.2",
        ratings=levels(ratings, 2, 1, 1, comment="seen in clinic"),
    )
    assessments.submit_assessment(actor=u["subject"], assessment=assessment)
    ob["assessment"] = assessment
    ob["domain"] = competencies[0].domain
    ob["cycle"] = assessments.open_cycle(
        actor=u["practice_manager"],
        organisation=o.practice_a,
        title="Annual review",
        opens_on=today - 10 * day,
        closes_on=today + 50 * day,
    )

    ob["evidence"] = add_evidence(
        actor=u["subject"],
        person=subject,
        kind="reflection",
        title="Reflection on a medication review",
        occurred_on=today - 5 * day,
        competencies=competencies[:1],
        file_content=PDF,
        file_name="reflection.pdf",
    )

    TrainingItemFactory(competencies=competencies[:1])
    ob["objective"] = development.add_objective(
        actor=u["subject"],
        person=subject,
        specific="Reach level 2 in medicines reconciliation",
        measure="A supervisor verifies level 2",
        support="Shadowing",
        competencies=competencies[:1],
        due_on=today + 60 * day,
    )
    ob["plan"] = ob["objective"].plan
    # A course in the subject's practice's own catalogue.
    ob["owned_training"] = development.add_training_item(
        actor=u["practice_manager"],
        owner=o.practice_a,
        title="Alpha inhaler technique",
        provider="Alpha training hub",
        format="workshop",
        competencies=competencies[:1],
    )

    # Frameworks and a pathway owned by the subject's practice.
    owned = owned_framework(owner=o.practice_a, slug="alpha-own", actor=u["practice_manager"])
    ob["owned_framework"] = owned
    ob["owned_profile"] = frameworks.create_role_profile(
        actor=u["practice_manager"],
        version=owned.versions.get(number=1),
        job_role=job_role(),
        stage="junior",
        owner=o.practice_a,
        default_level=2,
    )
    draft = frameworks.start_new_draft(actor=u["practice_manager"], framework=owned)
    ob["draft"] = draft
    ob["draft_competency"] = Competency.objects.filter(version=draft).order_by("pk").last()
    ob["draft_domain"] = Domain.objects.filter(version=draft).order_by("pk").first()
    # ICS B's own framework, with a competency nobody in ICS A may learn of.
    package = small_package("beta")
    package["CFItems"][1]["fullStatement"] = BETA_SECRET
    other = owned_framework(
        owner=o.ics_b, slug="beta-own", package=package, actor=u["other_ics_admin"]
    )
    ob["other_competency"] = Competency.objects.get(
        version__framework=other, title__contains=BETA_SECRET
    )
    ob["pathway"] = frameworks.create_pathway(
        actor=u["practice_manager"],
        title="Alpha diabetes",
        slug="alpha-diabetes",
        owner=o.practice_a,
    )
    ob["pathway_capability"] = frameworks.add_pathway_capability(
        actor=u["practice_manager"],
        pathway=ob["pathway"],
        competency=competencies[0],
        minimum_level=2,
    )

    ob["activity_record"] = ActivityRecordFactory(person=subject, recorded_by=u["practice_manager"])
    ob["activity_type"] = activity("structured-medication-reviews")

    _placements(w, today, day, competencies)
    _reports(w)
    _privacy(w)
    return w


def _placements(w: World, today, day, competencies) -> None:
    """A running scheme (mentor_during mentors the subject), an open one (the colleague's
    application waits for release) and a finished one (mentor_after mentored the subject)."""
    u, o, ob = w.users, w.orgs, w.objects
    lead = u["ics_admin"]
    scheme = SchemeFactory(
        owner=o.ics_a,
        title="Alpha respiratory scheme",
        status=SchemeStatus.APPLICATIONS_OPEN,
        starts_on=today - 30 * day,
        ends_on=today + 60 * day,
    )
    placement = PlacementFactory(
        scheme=scheme, host=o.trust_a, mentor=u["mentor_during"], title="Respiratory clinic"
    )
    application = placements.submit_application(
        actor=u["subject"], scheme=scheme, statement="Keen", placements=[placement]
    )
    placements.confirm_release(actor=u["practice_manager"], application=application)
    placements.change_status(actor=lead, scheme=scheme, status=SchemeStatus.ALLOCATING)
    run = placements.run_allocation(actor=lead, scheme=scheme, algorithm="stable")
    [participation] = placements.confirm_allocation(actor=lead, run=run, notify=False)
    ob.update(scheme=scheme, placement=placement, run=run, participation=participation)
    ob["supervision_during"] = participation.supervision
    ob["session"] = placements.log_session(
        actor=u["subject"],
        participation=participation,
        date=today - 2 * day,
        half_days=1,
        activities="Asthma clinic",
    )
    survey = feedback.create_survey(actor=lead, scheme=scheme, audience="participant")
    ob["survey"] = survey
    ob["question"] = survey.questions.order_by("pk").first()
    [sent] = feedback.send_invitations(
        actor=lead, survey=survey, emails=["gp@example.nhs.uk"], link_for=lambda token: token
    )
    ob["invitation_token"] = sent.link
    ob["invitation"] = survey.invitations.get()
    ob["measure"] = outcomes.define_measure(
        actor=lead, scheme=scheme, name="Respiratory referrals", better="lower"
    )

    open_scheme = SchemeFactory(
        owner=o.ics_a,
        title="Alpha open scheme",
        status=SchemeStatus.APPLICATIONS_OPEN,
        starts_on=today + 30 * day,
        ends_on=today + 200 * day,
    )
    open_placement = PlacementFactory(
        scheme=open_scheme, host=o.trust_a, mentor=u["mentor_before"], title="Cardiology clinic"
    )
    ob["open_scheme"] = open_scheme
    ob["open_application"] = placements.submit_application(
        actor=u["colleague"], scheme=open_scheme, statement="Keen", placements=[open_placement]
    )

    # A finished scheme: its mentor supervision (mentor_after's) ended last month.
    past = SchemeFactory(
        owner=o.ics_a,
        title="Alpha past scheme",
        status=SchemeStatus.CLOSED,
        starts_on=today - 200 * day,
        ends_on=today - 30 * day,
    )
    past_placement = PlacementFactory(
        scheme=past, host=o.trust_a, mentor=u["mentor_after"], title="Paediatric ward"
    )
    past_application = Application.objects.create(
        scheme=past, applicant=ob["subject"], statement="Keen", released_at=timezone.now()
    )
    past_run = AllocationRun.objects.create(
        scheme=past,
        algorithm="stable",
        seed=1,
        instance={},
        result={"assignments": {f"a{past_application.pk}": f"p{past_placement.pk}"}},
        run_by=lead,
    )
    confirmed_at = timezone.now() - 200 * day
    AllocationRunStatus.objects.bulk_create(
        [
            AllocationRunStatus(
                run=past_run, status=RunStatus.PREVIEWED, actor=lead, at=confirmed_at
            ),
            AllocationRunStatus(
                run=past_run, status=RunStatus.CONFIRMED, actor=lead, at=confirmed_at
            ),
        ]
    )
    ob["past_participation"] = Participation.objects.create(
        application=past_application,
        placement=past_placement,
        run=past_run,
        supervision=ob["supervision_after"],
    )


def _reports(w: World) -> None:
    """Finished portfolio reports about the subject: one by the practice manager, and one the
    mentor asked for while their supervision was running (it has ended since)."""
    u, o, ob = w.users, w.orgs, w.objects
    for name, requester in (
        ("report", u["practice_manager"]),
        ("report_of_ended_mentor", u["mentor_after"]),
    ):
        report = ReportRequest.objects.create(
            kind="person_portfolio",
            format="pdf",
            parameters={"person": ob["subject"].pk},
            requested_by=requester,
            organisation=o.practice_a,
            status=ReportStatus.DONE,
            progress=100,
            title="Portfolio",
            finished_at=timezone.now(),
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
        report.file.save("portfolio.pdf", ContentFile(PDF), save=True)
        ob[name] = report


def _privacy(w: World) -> None:
    """A finished subject access export of the subject, asked for by the ICS admin."""
    from capmap.privacy.models import ExportStatus, SubjectAccessExport

    export = SubjectAccessExport.objects.create(
        person=w.objects["subject"],
        requested_by=w.users["ics_admin"],
        status=ExportStatus.DONE,
        progress=100,
        size_bytes=22,
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    export.file.save("export.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18), save=True)
    w.objects["privacy_export"] = export
    from capmap.privacy.models import CorrectionRequest

    w.objects["privacy_correction"] = CorrectionRequest.objects.create(
        person=w.objects["subject"],
        field="stage",
        current_value=w.objects["subject"].stage,
        proposed_value="senior",
        proposed_by=w.users["subject"],
    )
