"""View-models for the placement pages: what each person sees of a scheme, allocation tables."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from capmap.core.charts import Chart
from capmap.matching.explain import ordinal
from capmap.people import policy

from . import selectors
from .allocation import comparison, explanations
from .eligibility import describe_priority, rule_unit
from .models import SCHEME_WORKFLOW, Algorithm, AllocationRun, Audience, Scheme, SchemeStatus
from .report import likert_chart, run_chart
from .selectors import feedback as feedback_selectors
from .selectors import outcomes as outcome_selectors


def crumbs(*items: tuple[str, str]) -> list[dict]:
    return [{"href": reverse("core:home"), "text": "Home"}] + [
        {"href": href, "text": text} for text, href in items
    ]


def scheme_crumbs(scheme: Scheme | None = None) -> list[dict]:
    items = [("Placement schemes", reverse("placements:list_schemes"))]
    if scheme is not None:
        items.append((scheme.title, reverse("placements:show_scheme", args=[scheme.pk])))
    return crumbs(*items)


@dataclass
class SchemePage:
    scheme: Scheme
    is_lead: bool
    may_apply: bool
    placements: list = field(default_factory=list)
    rules: list = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    applications: list = field(default_factory=list)
    my_application: object = None
    participations: list = field(default_factory=list)
    next_statuses: list = field(default_factory=list)
    pcn_needs: list = field(default_factory=list)

    @property
    def summary_rows(self) -> list[dict]:
        s = self.scheme
        rows = [
            ("Status", s.get_status_display()),
            ("Run by", s.owner.name),
            ("Dates", f"{s.starts_on:%-d %B %Y} to {s.ends_on:%-d %B %Y}"),
            ("Sessions each participant needs", str(s.sessions_required)),
        ]
        if s.description:
            rows.append(("About", s.description))
        return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]


def scheme_page(user, scheme: Scheme) -> SchemePage:
    is_lead = policy.allows(user, policy.LEAD_SCHEME, scheme)
    page = SchemePage(
        scheme=scheme,
        is_lead=is_lead,
        may_apply=policy.allows(user, policy.APPLY_TO_SCHEME, scheme),
        placements=list(selectors.placements_of(scheme)),
        rules=[(rule, rule_unit(rule).message) for rule in selectors.rules_of(scheme)],
        priority=describe_priority(scheme),
        my_application=selectors.application_of(user, scheme),
    )
    if is_lead:
        page.applications = list(selectors.applications_of(scheme))
        page.next_statuses = [SchemeStatus(s) for s in SCHEME_WORKFLOW.next_statuses(scheme.status)]
        page.participations = list(selectors.participations_of(scheme))
        page.pcn_needs = selectors.need_by_pcn(user, scheme)
    else:
        page.participations = list(
            selectors.participations_for(user).filter(placement__scheme=scheme)
        )
    return page


@dataclass
class ExplanationRow:
    name: str
    placement: str
    choice: str
    reasons: list[str]


@dataclass
class AllocationPage:
    scheme: Scheme
    run: AllocationRun | None
    runs: list
    comparison_head: list[str] = field(default_factory=list)
    comparison_rows: list[list[str]] = field(default_factory=list)
    explanations: list[ExplanationRow] = field(default_factory=list)
    adjustments: list = field(default_factory=list)


def allocation_page(scheme: Scheme) -> AllocationPage:
    runs = list(selectors.runs_of(scheme)[:10])
    run = runs[0] if runs else None
    page = AllocationPage(scheme=scheme, run=run, runs=runs)
    if run is None:
        return page
    applications = {f"a{a.pk}": a for a in scheme.applications.select_related("applicant")}
    placements = {f"p{p.pk}": p for p in scheme.placements.select_related("host")}
    stats = comparison(run)
    longest = max((len(s.by_choice) for s in stats.values()), default=0)
    page.comparison_head = ["", *(Algorithm(name).label for name in stats)]
    for n in range(1, longest + 1):
        page.comparison_rows.append(
            [f"{ordinal(n)} choice", *(str(s.by_choice.get(n, 0)) for s in stats.values())]
        )
    page.comparison_rows.append(["Placed", *(str(s.assigned) for s in stats.values())])
    page.comparison_rows.append(["Unplaced", *(str(len(s.unassigned)) for s in stats.values())])

    def named(reason) -> str:
        placement = placements.get(reason.placement or "")
        return (
            reason.message.replace(reason.placement, str(placement))
            if placement
            else reason.message
        )

    for explanation in explanations(run):
        placement = placements.get(explanation.placement or "")
        page.explanations.append(
            ExplanationRow(
                name=applications[explanation.applicant].applicant.full_name,
                placement=str(placement) if placement else "Not placed",
                choice=ordinal(explanation.choice) if explanation.choice else "",
                reasons=[named(r) for r in explanation.reasons],
            )
        )
    page.adjustments = list(
        run.adjustments.select_related(
            "application__applicant", "from_placement", "to_placement", "made_by"
        )
    )
    return page


def progress_text(participation) -> str:
    done = participation.confirmed_sessions or 0
    required = participation.placement.scheme.sessions_required
    return f"{done} of {required} sessions confirmed"


def application_initial(application) -> dict:
    if application is None:
        return {}
    initial = {"statement": application.statement}
    for preference in application.preferences.all():
        initial[f"choice_{preference.rank}"] = str(preference.placement_id)
    return initial


def prescribing_initial(person) -> dict:
    status = getattr(person, "prescribing", None)
    return {"independent_prescriber": bool(status and status.independent_prescriber)}


def adjustment_form(run: AllocationRun, data=None):
    from .forms import AdjustmentForm

    scheme = run.scheme
    ids = [int(a["id"][1:]) for a in run.instance["applicants"]]
    return AdjustmentForm(
        data,
        applications=scheme.applications.filter(pk__in=ids).select_related("applicant"),
        placements=scheme.placements.select_related("host"),
    )


def allocation_forms(page: AllocationPage) -> dict:
    from .forms import RunAllocationForm

    return {
        "run_form": RunAllocationForm(),
        "adjust_form": adjustment_form(page.run) if page.run and not page.run.confirmed else None,
    }


def participation_crumbs(participation) -> list[dict]:
    scheme = participation.placement.scheme
    return [
        *scheme_crumbs(scheme),
        {
            "href": reverse("placements:show_participation", args=[participation.pk]),
            "text": participation.application.applicant.full_name,
        },
    ]


def participation_page(user, participation) -> dict:
    sessions = list(selectors.sessions_of(participation))
    return {
        "participation": participation,
        "scheme": participation.placement.scheme,
        "sessions": sessions,
        "progress": progress_text(participation),
        "is_participant": participation.application.applicant.user_id == user.pk,
        "is_mentor": participation.placement.mentor_id == user.pk,
        "breadcrumbs": scheme_crumbs(participation.placement.scheme),
    }


def feedback_crumbs(scheme: Scheme) -> list[dict]:
    return [
        *scheme_crumbs(scheme),
        {"href": reverse("placements:list_surveys", args=[scheme.pk]), "text": "Feedback"},
    ]


def survey_crumbs(survey) -> list[dict]:
    href = reverse("placements:show_survey", args=[survey.scheme_id, survey.pk])
    return [*feedback_crumbs(survey.scheme), {"href": href, "text": survey.title}]


def audiences_without_survey(scheme: Scheme) -> list[Audience]:
    taken = set(scheme.surveys.values_list("audience", flat=True))
    return [a for a in Audience if a.value not in taken]


def feedback_page(scheme: Scheme) -> dict:
    return {
        "scheme": scheme,
        "rates": feedback_selectors.response_rates(scheme),
        "may_add": bool(audiences_without_survey(scheme)),
    }


@dataclass
class SurveyQuestionView:
    summary: feedback_selectors.QuestionSummary
    chart: Chart | None


def survey_page(survey) -> dict:
    """The survey's questions with their summaries: a chart for each agree-or-disagree question,
    the answers listed for each free-text one."""
    rate = next(r for r in feedback_selectors.response_rates(survey.scheme) if r.survey == survey)
    questions = [
        SurveyQuestionView(
            summary=s,
            chart=likert_chart(s, f"question-{s.question.pk}") if s.is_likert else None,
        )
        for s in feedback_selectors.survey_summary(survey)
    ]
    return {
        "survey": survey,
        "rate": rate,
        "questions": questions,
        "answered": survey.responses.exists(),
        "waiting": list(feedback_selectors.invitations_waiting(survey)),
    }


def outcomes_crumbs(scheme: Scheme) -> list[dict]:
    return [
        *scheme_crumbs(scheme),
        {"href": reverse("placements:list_measures", args=[scheme.pk]), "text": "Outcomes"},
    ]


def measure_crumbs(measure) -> list[dict]:
    href = reverse("placements:show_measure", args=[measure.scheme_id, measure.pk])
    return [*outcomes_crumbs(measure.scheme), {"href": href, "text": measure.name}]


def outcomes_page(scheme: Scheme) -> dict:
    measures = list(outcome_selectors.measures_of(scheme))
    return {
        "measures": [(m, outcome_selectors.change_from_baseline(m)) for m in measures],
    }


def measure_page(measure) -> dict:
    points = outcome_selectors.monthly_means(measure)
    return {
        "measure": measure,
        "change": outcome_selectors.change_from_baseline(measure),
        "points": points,
        "chart": run_chart(measure, points) if points else None,
        "values": list(outcome_selectors.values_of(measure)),
    }


def competency_groups(form, participation) -> list[dict]:
    """The session form's competency boxes as one NHS.UK checkbox group a domain."""
    chosen = {str(v) for v in (form["competencies"].value() or [])}
    errors = form["competencies"].errors
    groups = []
    for index, (domain, competencies) in enumerate(
        selectors.participant_competencies_by_domain(participation)
    ):
        groups.append(
            {
                "idPrefix": f"id_competencies_{index}",
                "name": "competencies",
                "fieldset": {"legend": {"text": domain, "size": "s"}},
                "errorMessage": {"text": " ".join(errors)} if errors and index == 0 else None,
                "items": [
                    {
                        "value": str(c.pk),
                        "text": c.title,
                        "hint": {"text": c.code} if c.code else None,
                        "checked": str(c.pk) in chosen,
                    }
                    for c in competencies
                ],
            }
        )
    return groups
