"""The demo placement scheme: 12 placements at two fictional trusts, 12 applicants, 11 placed.

Call `load_demo_scheme(ics_name=...)` after `capmap.demo.story.load_demo_story()`: it
finds the demo ICS, its trusts, practices and programme lead, adds mentors' sign-ins and more PCN
pharmacists, then runs the real services (allocation, confirmation, sessions). Idempotent:
it returns False when the scheme already exists.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from capmap.core.actors import SYSTEM
from capmap.organisations.models import Membership, Organisation, OrganisationKind, Role
from capmap.organisations.services import grant_membership
from capmap.people.models import AfcBand, JobRole, Person

from . import services
from .models import (
    Answer,
    Application,
    Audience,
    Direction,
    EligibilityKind,
    Invitation,
    MeasureValue,
    Phase,
    Placement,
    Preference,
    PrescribingStatus,
    QuestionKind,
    Response,
    Scheme,
    SchemeStatus,
    Specialty,
)
from .services import feedback as feedback_services
from .services import outcomes as outcome_services

SCHEME_TITLE = "Salaried portfolio scheme: cross-sector placements"
LOTTERY_SEED = 20260105
PASSWORD = "capmap-demo-2026"  # noqa: S105 - the published demo password (see demo/story.py)

# Title, specialty, trust index (0 or 1), location, the need it serves.
PLACEMENTS = [
    ("Respiratory clinic", Specialty.RESPIRATORY, 0, "Chest clinic", "High COPD admissions"),
    ("Asthma and COPD review", Specialty.RESPIRATORY, 1, "Outpatients", "Inhaler overuse"),
    ("Acute medical unit", Specialty.ACUTE_MEDICINE, 0, "AMU", "Frailty admissions"),
    ("Same-day emergency care", Specialty.ACUTE_MEDICINE, 1, "SDEC", "Avoidable admissions"),
    ("Children's ward", Specialty.PAEDIATRICS, 0, "Ward 4", "Childhood asthma"),
    ("Paediatric outpatients", Specialty.PAEDIATRICS, 1, "Outpatients", "Young families"),
    ("Heart failure service", Specialty.CARDIOVASCULAR, 0, "Cardiology", "Heart failure"),
    ("Anticoagulation clinic", Specialty.CARDIOVASCULAR, 1, "Haematology", "Stroke prevention"),
    ("Lipid and hypertension clinic", Specialty.CARDIOVASCULAR, 0, "Outpatients", "CVD risk"),
    ("Liaison psychiatry", Specialty.MENTAL_HEALTH, 1, "Emergency department", "Mental health"),
    ("Older adults' mental health", Specialty.MENTAL_HEALTH, 0, "Day unit", "Dementia"),
    (
        "Prescribing in mental health",
        Specialty.MENTAL_HEALTH,
        1,
        "Outpatients",
        "Antipsychotic monitoring",
    ),
]
# Each applicant's ranked choices (placement indices). The last applicant wants only the two
# respiratory placements, which go first to applicants from hard-to-recruit practices.
CHOICES = [
    [0, 1],  # hard to recruit
    [1, 0],  # hard to recruit
    [2, 3],
    [3, 2],
    [4, 5],
    [5, 4],
    [6, 8],
    [7, 6],
    [8, 6],
    [9, 10],
    [10, 9],
    [0, 1],  # left unplaced
]
PRESCRIBER_ONLY = 11  # the placement nobody eligible chose: it stays empty
APPLICANT_NAMES = [
    ("Ruth", "Abernethy"),
    ("Kwame", "Boateng"),
    ("Sian", "Caddick"),
    ("Imran", "Dar"),
    ("Lucy", "Ellwood"),
    ("Tomasz", "Fijalkowski"),
    ("Anjali", "Gill"),
    ("Patrick", "Hanlon"),
    ("Chen", "Iwu"),
    ("Martha", "Jolliffe"),
    ("Owen", "Kerrigan"),
    ("Nia", "Lambert"),
]


def _demo_ics(name: str | None) -> Organisation | None:
    ics = (
        Organisation.objects.filter(kind=OrganisationKind.ICS, name=name).first() if name else None
    )
    return ics or Organisation.objects.filter(kind=OrganisationKind.ICS).order_by("pk").first()


def _within(ics: Organisation, kind: str):
    return Organisation.objects.filter(path__startswith=ics.path, kind=kind).order_by("pk")


def _programme_lead(ics: Organisation):
    membership = (
        Membership.objects.filter(organisation=ics, role=Role.MANAGER)
        .select_related("user")
        .order_by("pk")
        .first()
    ) or Membership.objects.filter(organisation=ics, role=Role.ADMIN).order_by("pk").first()
    return membership.user


def _mentors(trusts: list[Organisation]) -> list:
    """One mentor a trust: an existing sign-in there, or a specialist pharmacist given one."""
    user_model = get_user_model()
    mentors = []
    for trust in trusts:
        member = (
            Membership.objects.filter(organisation=trust, role=Role.SUPERVISOR)
            .order_by("pk")
            .first()
        )
        if member:
            mentors.append(member.user)
            continue
        person = Person.objects.filter(employer=trust, user__isnull=True).order_by("pk").first()
        first, last = (person.first_name, person.last_name) if person else ("Priya", "Mentor")
        user = user_model.objects.create(
            email=f"{first}.{last}@demo.capmap.uk".lower(),
            first_name=first,
            last_name=last,
            password=make_password(PASSWORD),
        )
        grant_membership(actor=SYSTEM, user=user, organisation=trust, role=Role.SUPERVISOR)
        if person:
            person.user = user
            person.save(update_fields=["user"])
        mentors.append(user)
    return mentors


def _applicants(ics: Organisation, practices: list[Organisation]) -> list[Person]:
    """The demo practitioner (if the story has one) first, then PCN pharmacists made here."""
    role = JobRole.objects.get(name="Clinical pharmacist")
    practitioner = (
        Person.objects.filter(
            employer__path__startswith=ics.path, job_role=role, user__isnull=False
        )
        .order_by("pk")
        .first()
    )
    people = [practitioner] if practitioner else []
    for index, (first, last) in enumerate(APPLICANT_NAMES[: len(CHOICES) - len(people)]):
        person = Person(
            first_name=first,
            last_name=last,
            email=f"{first}.{last}@demo.capmap.uk".lower(),
            job_role=role,
            stage="junior" if index % 2 else "senior",
            registration_body="GPhC",
            registration_number=str(2095000 + index),
            afc_band=AfcBand.B7,
            employer=practices[index % len(practices)],
            start_date=datetime.date(2021 + index % 4, 1 + index % 12, 1),
        )
        person.full_clean()
        person.save()
        people.append(person)
    return people


@transaction.atomic
def load_demo_scheme(ics_name: str | None = None) -> bool:
    """Create the demo scheme in the ICS named `ics_name` (the demo story's, which the demo
    loader passes in; without it, the first ICS). Returns False when it exists or there is
    no ICS."""
    ics = _demo_ics(ics_name)
    if ics is None:
        return False
    existing = Scheme.objects.filter(owner=ics, title=SCHEME_TITLE).first()
    if existing is not None:
        _feedback_and_outcomes(existing)  # adds only what an older demo database lacks
        return False
    trusts = list(_within(ics, OrganisationKind.TRUST)[:2])
    practices = list(_within(ics, OrganisationKind.PRACTICE))
    lead = _programme_lead(ics)
    mentors = _mentors(trusts)
    today = timezone.localdate()
    scheme = services.create_scheme(
        actor=lead,
        owner=ics,
        title=SCHEME_TITLE,
        description="Primary care pharmacists spend sessions with specialist hospital mentors.",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=120),
    )
    scheme.lottery_seed = LOTTERY_SEED
    scheme.save(update_fields=["lottery_seed"])
    placements = [
        services.save_placement(
            actor=lead,
            scheme=scheme,
            title=title,
            specialty=specialty,
            host=trusts[trust],
            mentor=mentors[trust],
            capacity=1,
            sessions_offered=2,
            location=location,
            need=need,
        )
        for title, specialty, trust, location, need in PLACEMENTS
    ]
    services.add_eligibility_rule(
        actor=lead,
        scheme=scheme,
        kind=EligibilityKind.INDEPENDENT_PRESCRIBER,
        placement=placements[PRESCRIBER_ONLY],
    )
    services.change_status(actor=lead, scheme=scheme, status=SchemeStatus.APPLICATIONS_OPEN)
    applicants = _applicants(ics, practices)
    for person in applicants[:2]:  # their practices find it hard to recruit
        flagged = person.sites.first() or person.employer
        flagged.hard_to_recruit = True
        flagged.save(update_fields=["hard_to_recruit"])
    _apply(scheme, applicants, placements, released_by=lead)
    services.change_status(actor=lead, scheme=scheme, status=SchemeStatus.ALLOCATING)
    run = services.run_allocation(actor=lead, scheme=scheme, algorithm="stable")
    participations = services.confirm_allocation(actor=lead, run=run, notify=False)
    _sessions(scheme, participations)
    _feedback_and_outcomes(scheme)
    return True


def _apply(scheme: Scheme, applicants: list[Person], placements: list[Placement], released_by):
    """Applications as the applicants would make them, each released by their practice."""
    now = timezone.now()
    PrescribingStatus.objects.bulk_create(
        PrescribingStatus(person=p, independent_prescriber=True) for p in applicants[::3]
    )
    for person, choices in zip(applicants, CHOICES, strict=True):
        application = Application.objects.create(
            scheme=scheme,
            applicant=person,
            statement="I want to manage more complex patients safely in general practice.",
            released_by=released_by,
            released_at=now,
        )
        Preference.objects.bulk_create(
            Preference(application=application, placement=placements[c], rank=rank)
            for rank, c in enumerate(choices, start=1)
        )


def _sessions(scheme: Scheme, participations) -> None:
    """Some sessions logged (as each participant would) and most confirmed by the mentor."""
    from .models import SessionLog

    for index, participation in enumerate(participations[:8]):
        for n in range(1 + index % 2):
            session = SessionLog.objects.create(
                participation=participation,
                date=scheme.starts_on + datetime.timedelta(days=14 * (n + 1) + index),
                half_days=1,
                activities=f"Clinic with the mentor, session {n + 1}.",
                reflection="Applied what I learned to our practice's review list.",
                logged_by=participation.application.applicant.user,
            )
            if index % 3 != 2:
                session.confirmed_by = participation.placement.mentor
                session.confirmed_at = timezone.now()
                session.save(update_fields=["confirmed_by", "confirmed_at"])


MEASURE_NAME = "Referrals to the respiratory clinic per month per practice"
# Written answers of the first respondents: (what went well or changed, what could be better).
COMMENTS = {
    Audience.PARTICIPANT: [
        ("Seeing the clinic's approach to inhalers changed how I review.", "More sessions."),
        ("Time with the mentor in clinic was the most useful part.", ""),
        ("I now feel able to step inhalers down safely.", "Earlier dates would help planning."),
    ],
    Audience.MENTOR: [
        ("Good questions, and they followed up with cases from the practice.", "Protected time."),
        ("It helped me understand what practice pharmacists see.", ""),
        ("", "Clearer learning goals before the first session."),
    ],
    Audience.HOME_MANAGER: [
        ("Fewer queries go to the GPs now.", "Cover for the sessions was hard."),
        ("Our asthma reviews are more confident.", ""),
        ("Patients notice the difference in medication reviews.", "More notice of the dates."),
    ],
}
# Answers from 1 (strongly disagree) to 5 (strongly agree), one list a respondent, cycled.
LIKERT_PATTERN = [[5, 4, 5, 5], [4, 4, 3, 5], [4, 3, 4, 4], [5, 5, 4, 5], [3, 2, 4, 4]]


def _feedback_and_outcomes(scheme: Scheme) -> None:
    """A survey for each audience with invitations and answers, and one outcome measure with
    baseline and follow-up values: written in bulk (no e-mail), only when missing."""
    lead = _programme_lead(scheme.owner)
    if not scheme.surveys.exists():
        for audience in Audience:
            survey = feedback_services.create_survey(
                actor=lead, scheme=scheme, audience=audience.value
            )
            _answers(survey, lead)
    if not scheme.measures.exists():
        _outcomes(scheme, lead)


def _answers(survey, lead) -> None:
    from .selectors.feedback import suggested_recipients, token_hash

    emails = suggested_recipients(survey.scheme, survey.audience)
    if survey.audience == Audience.HOME_MANAGER:
        practices = survey.scheme.applications.values_list(
            "applicant__employer__name", flat=True
        ).distinct()
        emails = [f"manager.{slugify(name)}@demo.capmap.uk" for name in sorted(practices)]
    now = timezone.now()
    answered = max(1, (len(emails) * 3) // 4)
    Invitation.objects.bulk_create(
        Invitation(
            survey=survey,
            email=email,
            token_hash=token_hash(secrets.token_urlsafe(32)),  # the demo sends no links
            expires_at=now + datetime.timedelta(days=30),
            used_at=now if index < answered else None,
            sent_by=lead,
        )
        for index, email in enumerate(emails)
    )
    questions = list(survey.questions.all())
    responses = Response.objects.bulk_create(Response(survey=survey) for _ in range(answered))
    rows = []
    for index, response in enumerate(responses):
        likert = iter(LIKERT_PATTERN[index % len(LIKERT_PATTERN)])
        written = COMMENTS[survey.audience]
        comments = iter(written[index] if index < len(written) else ())
        for question in questions:
            if question.kind == QuestionKind.LIKERT:
                rows.append(Answer(response=response, question=question, likert=next(likert)))
            elif text := next(comments, ""):
                rows.append(Answer(response=response, question=question, text=text))
    Answer.objects.bulk_create(rows)


def _outcomes(scheme: Scheme, lead) -> None:
    """Six baseline months before the scheme, follow-up months since it started."""
    measure = outcome_services.define_measure(
        actor=lead,
        scheme=scheme,
        name=MEASURE_NAME,
        unit="referrals a month",
        better=Direction.LOWER,
    )
    start = scheme.starts_on.replace(day=1)
    baseline = [_month_add(start, -n) for n in range(6, 0, -1)]
    follow_up = []
    month = start
    while month <= timezone.localdate().replace(day=1) and len(follow_up) < 12:
        follow_up.append(month)
        month = _month_add(month, 1)
    practices = list(_within(scheme.owner, OrganisationKind.PRACTICE))
    MeasureValue.objects.bulk_create(
        MeasureValue(
            measure=measure,
            practice=practice,
            month=month,
            phase=phase,
            value=Decimal(base + (p_index % 4) + (m_index % 3)),
        )
        for p_index, practice in enumerate(practices)
        for phase, months, base in ((Phase.BASELINE, baseline, 12), (Phase.FOLLOW_UP, follow_up, 8))
        for m_index, month in enumerate(months)
    )


def _month_add(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.month - 1 + months, 12)
    return datetime.date(day.year + year, month + 1, 1)
