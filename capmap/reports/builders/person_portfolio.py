"""A person's portfolio and scope of practice: details, what they are signed off to do,
what they are working towards, their evidence and their development plan objectives.

Only for those who may see the person's record (the person, an active supervisor or
mentor — who may work for another organisation — or a manager over their employer):
checked when it is asked for and again when it is made.
"""

from django.utils import timezone
from django.utils.formats import date_format

from capmap.assessments.selectors import scope_of_practice
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.development.selectors import current_plan
from capmap.people import policy
from capmap.people.models import Person
from capmap.people.selectors import get_person
from capmap.portfolio.models import EvidenceReview
from capmap.portfolio.selectors import evidence_of

from ..registry import BuildContext, ReportDocument, ReportKind, Section, Table, register

SLUG = "person_portfolio"


def format_date(value) -> str:
    """As the pages show dates (the `date` filter)."""
    return date_format(value, "j M Y") if value else ""


def clean_parameters(data: dict) -> dict:
    try:
        return {"person": int(data.get("person") or "")}
    except (TypeError, ValueError):
        raise DomainError(
            "Ask for a portfolio report from the person's scope of practice page."
        ) from None


def _person(user, parameters: dict) -> Person | None:
    try:
        return get_person(user, parameters.get("person"), policy.VIEW_RECORD)
    except (Person.DoesNotExist, ValueError, TypeError):
        return None


def authorise(user, organisation, parameters: dict) -> bool:
    person = _person(user, parameters)
    return person is not None and person.employer_id == organisation.pk


def request_for_person(*, actor, person: Person, format: str):
    """Queue the report about `person` (opened by the caller through a scoped selector)."""
    from ..services import request_report

    return request_report(
        actor=actor,
        kind=SLUG,
        format=format,
        organisation=person.employer,
        data={"person": person.pk},
    )


def _details(person: Person, profile) -> Section:
    figures = [
        ("Name", person.full_name),
        ("Job role", person.job_role.name),
        ("Employer", person.employer.name),
        ("Band", person.get_afc_band_display() if person.afc_band else "Not recorded"),
        (
            "Registration",
            f"{person.registration_body} {person.registration_number}".strip() or "None",
        ),
        ("In post since", format_date(person.start_date)),
        ("Role profile", str(profile) if profile else "None"),
    ]
    return Section("Details", figures=figures)


def _scope(scope) -> Section:
    signed = Table(
        "Competencies signed off",
        ["Competency", "Level", "Signed off by", "When"],
        [
            [
                f"{row.competency.code} {row.competency.title}",
                f"{row.level} {row.level_label}".strip(),
                row.signed_by,
                format_date(row.signed_at),
            ]
            for row in scope.signed_off
        ],
    )
    towards = Table(
        "Required levels not yet met",
        ["Competency", "Required level", "Signed-off level"],
        [
            [
                f"{row.competency.code} {row.competency.title}",
                str(row.required),
                str(row.current) if row.current is not None else "None yet",
            ]
            for row in scope.working_towards
        ],
    )
    figures = [
        ("Competencies signed off", str(len(scope.signed_off))),
        ("Required levels not yet met", str(len(scope.working_towards))),
    ]
    paragraphs = [f"Working towards {scope.profile}."] if scope.profile else []
    return Section(
        "Scope of practice", paragraphs=paragraphs, figures=figures, tables=[signed, towards]
    )


def _evidence(user, person: Person) -> Section:
    items = evidence_of(user, person).order_by("-occurred_on", "-pk")
    rows = [
        [
            item.title,
            item.get_kind_display(),
            format_date(item.occurred_on),
            EvidenceReview(item.status).label if item.status else "",
            ", ".join(sorted(c.code for c in item.competencies.all())),
        ]
        for item in items
    ]
    table = Table("Evidence items", ["Title", "Kind", "Date", "Status", "Competencies"], rows)
    return Section("Evidence", figures=[("Evidence items", str(len(rows)))], tables=[table])


def _plan(person: Person) -> Section:
    plan = current_plan(person)
    if plan is None:
        return Section("Development plan", paragraphs=["No development plan yet."])
    rows = [
        [
            objective.specific,
            ", ".join(sorted(c.code for c in objective.competencies.all())),
            str(objective.target_level) if objective.target_level is not None else "",
            format_date(objective.due_on),
            f"{objective.progress}%",
            objective.get_status_display(),
        ]
        for objective in plan.objectives.all()
    ]
    table = Table(
        f"Objectives of {plan.title}",
        ["Objective", "Competencies", "Target level", "Due", "Progress", "Status"],
        rows,
    )
    return Section("Development plan", figures=[("Objectives", str(len(rows)))], tables=[table])


def build(context: BuildContext) -> ReportDocument:
    person = _person(context.user, context.parameters)
    if person is None or person.employer_id != context.organisation.pk:
        raise NotPermitted("You cannot see this person's portfolio.")
    context.progress(10, "Reading the scope of practice")
    scope = scope_of_practice(person)
    context.progress(40, "Reading the evidence")
    evidence = _evidence(context.user, person)
    context.progress(60, "Reading the development plan")
    plan = _plan(person)
    return ReportDocument(
        title=f"Portfolio and scope of practice: {person.full_name}",
        subtitle=f"{person.job_role.name} at {person.employer.name}",
        organisation=context.organisation,
        generated_at=timezone.now(),
        sections=[_details(person, scope.profile), _scope(scope), evidence, plan],
    )


register(
    ReportKind(
        slug=SLUG,
        label="Person portfolio and scope of practice",
        description="One person's details, what they are signed off to do and working "
        "towards, their evidence and development plan. Ask for it from their scope of "
        "practice page.",
        build=build,
        clean_parameters=clean_parameters,
        authorise=authorise,
    )
)
